// Placeholder until its owner lands it: the command is listed but not yet available.
import type { Command } from 'commander';

export function registerLabel(program: Command): void {
  program.command('label').description('(not yet available)').action(() => {
    throw new Error('ticket-lens label is not available yet');
  });
}

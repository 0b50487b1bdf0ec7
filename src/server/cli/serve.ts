// Placeholder until its owner lands it: the command is listed but not yet available.
import type { Command } from 'commander';

export function registerServe(program: Command): void {
  program.command('serve').description('(not yet available)').action(() => {
    throw new Error('ticket-lens serve is not available yet');
  });
}

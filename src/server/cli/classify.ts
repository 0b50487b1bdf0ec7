// Placeholder until its owner lands it: the command is listed but not yet available.
import type { Command } from 'commander';

export function registerClassifyCommands(program: Command): void {
  program.command('classify').description('(not yet available)').action(() => {
    throw new Error('ticket-lens classify is not available yet');
  });
}

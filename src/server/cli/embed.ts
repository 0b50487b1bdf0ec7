// Placeholder until its owner lands it: the command is listed but not yet available.
import type { Command } from 'commander';

export function registerEmbed(program: Command): void {
  program.command('embed').description('(not yet available)').action(() => {
    throw new Error('ticket-lens embed is not available yet');
  });
}

// Placeholder until its owner lands it: the command is listed but not yet available.
import type { Command } from 'commander';

export function registerCluster(program: Command): void {
  program.command('cluster').description('(not yet available)').action(() => {
    throw new Error('ticket-lens cluster is not available yet');
  });
}

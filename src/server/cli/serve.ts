import type { Command } from 'commander';
import { startServer } from '../serve';
import { addModelOptions, type ModelFlags } from './options';

interface ServeFlags extends ModelFlags {
  port: string;
  host: string;
  allowRemote?: boolean;
  allowRoot: string[];
}

const collect = (value: string, previous: string[]) => [...previous, value];

/**
 * `ticket-lens serve`: prints one JSON ready line on stdout — {"event":"ready","port","pid","version",
 * and "token" only when it generated one} — and serves until SIGTERM/SIGINT or its parent dies.
 */
export function registerServe(program: Command): void {
  addModelOptions(
    program
      .command('serve')
      .description('run the model server on 127.0.0.1 (token from TICKET_LENS_TOKEN, or generated and printed in the ready line)')
      .option('--port <n>', 'port (0 = any free port)', '0')
      .option('--host <host>', 'interface to bind', '127.0.0.1')
      .option('--allow-remote', 'allow a non-loopback --host (a team GPU server); the token is still required, and routes that name a file answer 403 (no TLS)')
      .option('--allow-root <dir>', 'a folder the file routes may read and write (repeatable; the extension passes its workspace folders); without it, any path, with a warning', collect, []),
  ).action(async (flags: ServeFlags) => {
    const server = await startServer({
      port: Number(flags.port),
      host: flags.host,
      allowRemote: flags.allowRemote,
      allowRoots: flags.allowRoot,
      modelDir: flags.model,
      device: flags.device,
      dtype: flags.dtype,
    });
    const ready = { event: 'ready', port: server.port, pid: process.pid, version: server.ctx.version, ...(server.tokenGenerated ? { token: server.token } : {}) };
    process.stdout.write(`${JSON.stringify(ready)}\n`);

    let stopping = false;
    const stop = (why: string) => {
      if (stopping) return;
      stopping = true;
      server.ctx.log.info(`stopping: ${why}`);
      const force = setTimeout(() => process.exit(1), 10_000);
      force.unref();
      void server.close().then(() => process.exit(0));
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
    // Spawned with an IPC channel (child_process.fork): the channel closes when the parent dies.
    process.on('disconnect', () => stop('parent disconnected'));
    // Spawned without one: being re-parented means the parent died.
    const parent = process.ppid;
    setInterval(() => {
      if (process.ppid !== parent) stop(`parent process ${parent} exited`);
    }, 2000).unref();
  });
}

/** Runs the built `ticket-lens` CLI as a real child process. */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export const CLI = join(__dirname, '..', '..', 'bin', 'ticket-lens.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `cwd`: where the CLI runs (the default runs folder `./.ticket-lens/runs` is found from there). */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}, cwd?: string): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, cwd });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export interface ServeProcess {
  child: ChildProcess;
  port: number;
  token: string;
  ready: Record<string, unknown>;
  stderr: () => string;
}

/** Starts `ticket-lens serve` and resolves on its JSON ready line. */
export function spawnServe(args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<ServeProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'serve', ...args], { env: { ...process.env, ...env } });
    let out = '';
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.stdout.on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl >= 0) {
        const ready = JSON.parse(out.slice(0, nl)) as { port: number; token?: string };
        resolve({ child, port: ready.port, token: ready.token ?? env.TICKET_LENS_TOKEN ?? '', ready, stderr: () => err });
      }
    });
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${err}`)));
  });
}

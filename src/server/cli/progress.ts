/** Progress on stderr: a cli-progress bar on a terminal, one line per stage otherwise (logs, CI). */
import { SingleBar, Presets } from 'cli-progress';

export interface CliProgress {
  stage(name: string, total?: number): void;
  update(done: number, total?: number): void;
  stop(): void;
}

export function createProgress(opts: { quiet?: boolean } = {}): CliProgress {
  if (opts.quiet) return { stage() {}, update() {}, stop() {} };
  if (!process.stderr.isTTY) {
    let current = '';
    return {
      stage(name, total) {
        current = name;
        process.stderr.write(`${name}${total ? ` (${total})` : ''}…\n`);
      },
      update() {},
      stop() {
        if (current) process.stderr.write('done\n');
      },
    };
  }
  let bar: SingleBar | null = null;
  return {
    stage(name, total) {
      bar?.stop();
      bar = new SingleBar({ format: `${name.padEnd(14)} {bar} {percentage}% | {value}/{total} | {eta_formatted}`, stream: process.stderr, hideCursor: true }, Presets.shades_classic);
      bar.start(total ?? 1, 0);
    },
    update(done, total) {
      if (total !== undefined) bar?.setTotal(total);
      bar?.update(done);
    },
    stop() {
      bar?.stop();
      bar = null;
    },
  };
}

/**
 * Atomic outputs: a file or a folder is built under a temporary name beside its destination and renamed
 * into place, so a crash or a cancel leaves either the whole output or nothing under the final name.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { TicketLensError } from '../../shared/api';

function tempSibling(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
}

export async function writeFileAtomic(path: string, data: string | Uint8Array | Uint8Array[]): Promise<void> {
  await mkdir(dirname(resolve(path)), { recursive: true });
  const tmp = tempSibling(path);
  const fh = await open(tmp, 'w');
  try {
    for (const part of Array.isArray(data) ? data : [data]) await (typeof part === 'string' ? fh.write(part) : fh.write(part));
    await fh.sync();
  } catch (err) {
    await fh.close();
    await rm(tmp, { force: true });
    throw err;
  }
  await fh.close();
  try {
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/**
 * Builds a directory through `build(tmpDir)` and renames it to `path`. Refuses to replace an existing
 * directory unless `replace` is set (then the old one is swapped out only after the new one is complete).
 */
export async function writeDirAtomic(path: string, build: (tmpDir: string) => Promise<void>, opts: { replace?: boolean } = {}): Promise<void> {
  const final = resolve(path);
  if (existsSync(final) && !opts.replace) throw new TicketLensError('bad_input', `${final} already exists; choose another output folder.`);
  await mkdir(dirname(final), { recursive: true });
  const tmp = tempSibling(final);
  await mkdir(tmp);
  try {
    await build(tmp);
    if (existsSync(final)) {
      const old = tempSibling(final);
      await rename(final, old);
      await rename(tmp, final);
      await rm(old, { recursive: true, force: true });
    } else {
      await rename(tmp, final);
    }
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
}

/** Refuses an output path that would overwrite an input. */
export function assertNotInput(out: string, inputs: readonly string[]): void {
  const o = resolve(out);
  for (const i of inputs) {
    if (resolve(i) === o) throw new TicketLensError('bad_input', `The output ${o} is the input file; choose another --out (inputs are never modified).`);
  }
}

/**
 * Atomic outputs: a file or a folder is built under a temporary name and renamed into place, so a
 * crash or a cancel leaves either the whole output or nothing under the final name. Every temporary
 * name starts with a dot and carries the writer's pid, so what a killed process left behind is told
 * from a live writer's work and removed (removeLeftovers).
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open, readdir, rename, rm, rmdir, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { TicketLensError } from '../../shared/api';

/** Where writeDirAtomic builds a folder: inside this dot folder beside the destination, so a half-built run's
 *  run.json is never at `<parent>/<name>/run.json`, the place the extension looks for runs (`runs/*\/run.json`). */
export const STAGING_DIR = '.ticket-lens-tmp';

/** `.<name>.tmp-<pid>-<8 hex>` (a file or folder being written) or `.<name>.tx-<pid>-<8 hex>` (a file staged by run/commit.ts). */
const TEMP_NAME = /^\..*\.(?:tmp|tx)-(\d+)-[0-9a-f]{8}$/;

export function tempSuffix(kind: 'tmp' | 'tx'): string {
  return `${kind}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

function tempSibling(path: string): string {
  return join(dirname(path), `.${basename(path)}.${tempSuffix('tmp')}`);
}

/** The pid a temporary name carries; null for any other name. */
export function tempOwner(name: string): number | null {
  const m = TEMP_NAME.exec(name);
  return m ? Number(m[1]) : null;
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface AtomicFileOptions {
  /** Runs once the data is on disk under the temporary name, before the rename (a test pause point). */
  beforeRename?: () => Promise<void>;
}

export async function writeFileAtomic(path: string, data: string | Uint8Array | Uint8Array[], opts: AtomicFileOptions = {}): Promise<void> {
  await writeFileAtomicWith(
    path,
    async (fh) => {
      for (const part of Array.isArray(data) ? data : [data]) await (typeof part === 'string' ? fh.write(part) : fh.write(part));
    },
    opts,
  );
}

/**
 * As writeFileAtomic, for output too large to build in memory first: `write` streams into the
 * temporary file; if it throws, the temporary file is removed and `path` is untouched.
 */
export async function writeFileAtomicWith(path: string, write: (fh: FileHandle) => Promise<void>, opts: AtomicFileOptions = {}): Promise<void> {
  await mkdir(dirname(resolve(path)), { recursive: true });
  const tmp = tempSibling(path);
  const fh = await open(tmp, 'w');
  try {
    await write(fh);
    await fh.sync();
  } catch (err) {
    await fh.close();
    await rm(tmp, { force: true });
    throw err;
  }
  await fh.close();
  try {
    await opts.beforeRename?.();
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

export async function syncDir(dir: string): Promise<void> {
  try {
    const fh = await open(dir, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {
    // best effort: a crash of the process (not of the machine) loses nothing already renamed
  }
}

/** Removes the staging folder once nothing is left in it (another writer's work keeps it). */
async function dropStagingIfEmpty(staging: string): Promise<void> {
  await rmdir(staging).catch(() => undefined);
}

/**
 * Builds a directory through `build(tmpDir)` and renames it to `path`, which must not exist. The
 * temporary folder lives in STAGING_DIR beside `path`.
 */
export async function writeDirAtomic(path: string, build: (tmpDir: string) => Promise<void>): Promise<void> {
  const final = resolve(path);
  if (existsSync(final)) throw new TicketLensError('bad_input', `${final} already exists; choose another output folder.`);
  await removeLeftovers(dirname(final));
  const staging = join(dirname(final), STAGING_DIR);
  const tmp = join(staging, `.${basename(final)}.${tempSuffix('tmp')}`);
  // Another writer may remove the empty staging folder between our two mkdirs: try again once.
  for (let attempt = 0; ; attempt++) {
    await mkdir(staging, { recursive: true });
    try {
      await mkdir(tmp);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || attempt > 0) throw err;
    }
  }
  try {
    await build(tmp);
    await rename(tmp, final);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  } finally {
    await dropStagingIfEmpty(staging);
  }
}

/**
 * Deletes the temporary files and folders of dead writers in `dir` and in its STAGING_DIR (a live
 * writer's, this process's included, are left alone). Returns the paths removed.
 */
export async function removeLeftovers(dir: string): Promise<string[]> {
  const removed: string[] = [];
  const sweep = async (d: string) => {
    let names: string[];
    try {
      names = await readdir(d);
    } catch {
      return; // no such folder: nothing left over
    }
    for (const name of names) {
      const pid = tempOwner(name);
      if (pid === null || processAlive(pid)) continue;
      await rm(join(d, name), { recursive: true, force: true });
      removed.push(join(d, name));
    }
  };
  await sweep(dir);
  const staging = join(dir, STAGING_DIR);
  await sweep(staging);
  if (existsSync(staging)) await dropStagingIfEmpty(staging);
  return removed;
}

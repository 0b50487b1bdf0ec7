/**
 * One process at a time in an embedded store: PGlite is PostgreSQL in single-user mode inside this
 * process, so two processes opening the same data folder would each write its files as if alone and
 * corrupt it. The owner holds `store.lock` (created with O_EXCL, holding its pid, host and command)
 * while the store is open; others wait for it, which is also what serialises two ingests of the same
 * embedded store. A lock whose process is gone (kill -9, a crash) is taken over: on this host its pid
 * is checked; a lock from another host (a store on a shared drive) is never taken over, only reported.
 *
 * Taking over is a rename of the stale file to a unique name first, so that of two waiters that both
 * saw it stale only one removes it; the other finds the new owner's lock and waits again.
 */
import { hostname } from 'node:os';
import { open, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { TicketLensError } from '../../shared/api';
import { processAlive, tempSuffix } from '../data/atomic';

export const LOCK_FILE = 'store.lock';

interface LockOwner {
  pid: number;
  host: string;
  since: string;
  command: string;
}

export interface FolderLock {
  release(): Promise<void>;
}

export interface FolderLockOptions {
  /** Give up after this long (ms); default 15 minutes. */
  timeoutMs?: number;
  /** Called once when the lock is held by another live process and we start waiting. */
  onWait?: (owner: string) => void;
}

async function readOwner(path: string): Promise<LockOwner | null> {
  try {
    const o = JSON.parse(await readFile(path, 'utf8')) as Partial<LockOwner>;
    return typeof o.pid === 'number' && typeof o.host === 'string' ? { pid: o.pid, host: o.host, since: String(o.since ?? ''), command: String(o.command ?? '') } : null;
  } catch {
    return null; // gone, or half-written by an owner that is creating it right now
  }
}

/** An unreadable lock older than this was left half-written by a process that died creating it. */
const UNREADABLE_STALE_MS = 10_000;

async function ageMs(path: string): Promise<number> {
  try {
    return Date.now() - (await stat(path)).mtimeMs;
  } catch {
    return 0;
  }
}

const describe = (o: LockOwner) => `process ${o.pid}${o.host === hostname() ? '' : ` on ${o.host}`} (${o.command || 'ticket-lens'}, since ${o.since})`;

async function tryCreate(path: string): Promise<boolean> {
  try {
    const fh = await open(path, 'wx');
    const me: LockOwner = { pid: process.pid, host: hostname(), since: new Date().toISOString(), command: process.argv.slice(2, 4).join(' ') };
    try {
      await fh.writeFile(JSON.stringify(me));
    } finally {
      await fh.close();
    }
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

/** Removes the lock if it still belongs to `stale` (null: still unreadable); true when it did. */
async function takeOver(path: string, stale: LockOwner | null): Promise<boolean> {
  // A dot name with our pid (data/atomic.ts): removed by the next opener if we die holding it.
  const aside = join(dirname(path), `.${basename(path)}.${tempSuffix('tmp')}`);
  try {
    await rename(path, aside);
  } catch {
    return false; // someone else took it over first
  }
  const moved = await readOwner(aside);
  if (stale ? !moved || moved.pid !== stale.pid || moved.since !== stale.since : moved) {
    // We moved a new owner's lock: put it back (its owner never noticed).
    await rename(aside, path).catch(() => undefined);
    return false;
  }
  await rm(aside, { force: true });
  return true;
}

export async function lockFolder(dir: string, opts: FolderLockOptions = {}): Promise<FolderLock> {
  const path = join(dir, LOCK_FILE);
  const deadline = Date.now() + (opts.timeoutMs ?? 15 * 60_000);
  let waited = false;
  let delay = 50;
  for (;;) {
    if (await tryCreate(path)) {
      return { release: () => rm(path, { force: true }) };
    }
    const owner = await readOwner(path);
    if (owner && owner.host === hostname() && !processAlive(owner.pid)) {
      await takeOver(path, owner);
      continue;
    }
    if (!owner && (await ageMs(path)) > UNREADABLE_STALE_MS) {
      // Its owner died between creating the file and writing its name.
      await takeOver(path, null);
      continue;
    }
    if (owner && owner.host === hostname() && owner.pid === process.pid) {
      throw new TicketLensError('bad_input', `The store at ${dir} is already open in this process; share that handle (openStore does) instead of opening it twice.`);
    }
    if (Date.now() > deadline) {
      throw new TicketLensError(
        'bad_input',
        `The store at ${dir} is in use by ${owner ? describe(owner) : 'another process'}; gave up waiting. If no such process runs, delete ${path}.`,
        { store: dir },
      );
    }
    if (!waited && owner) {
      waited = true;
      opts.onWait?.(describe(owner));
    }
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 500);
  }
}

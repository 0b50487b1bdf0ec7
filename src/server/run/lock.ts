/**
 * One lock per run folder for this server process: every writer (edits, labelling saves, exports) and
 * every reader of more than one run file holds it, so a rename made while a label job runs is never
 * overwritten by the job's next save and no reader sees one file of an update without the others.
 * Not re-entrant: code that holds it reads and writes through the unlocked helpers of folder.ts.
 */
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';

const tails = new Map<string, Promise<void>>();

/** The same folder reached through a symlink or a relative path is the same lock. */
function lockKey(dir: string): string {
  const abs = resolve(dir);
  try {
    return realpathSync(abs);
  } catch {
    return abs;
  }
}

export async function withRunLock<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const key = lockKey(dir);
  const previous = tails.get(key) ?? Promise.resolve();
  let release!: () => void;
  const mine = new Promise<void>((r) => (release = r));
  const tail = previous.then(() => mine);
  tails.set(key, tail);
  await previous;
  try {
    return await fn();
  } finally {
    release();
    if (tails.get(key) === tail) tails.delete(key);
  }
}

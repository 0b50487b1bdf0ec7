/**
 * A run update (a merge rewrites clusters.json, assignments.csv and summary.md) as one step. The new
 * files are first written beside the old ones under temporary names; then a journal naming them is
 * renamed into place, which is the commit; only then are they renamed over the old files, and the
 * journal removed. A crash before the journal leaves the old run (its staged files are leftovers); a
 * crash after it leaves a run that the next reader finishes (recoverRun), so a run is always read
 * either as it was or as the update left it, never as a mix. Callers hold the run's lock (lock.ts).
 */
import { existsSync } from 'node:fs';
import { readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { processAlive, removeLeftovers, syncDir, tempSuffix, writeFileAtomic } from '../data/atomic';
import { pauseAt } from './pausePoint';

export const COMMIT_JOURNAL = '.ticket-lens-commit.json';

const Journal = z.object({
  pid: z.number().int(),
  files: z.array(z.object({ name: z.string().regex(/^[^/\\]+$/), staged: z.string().regex(/^\.[^/\\]+$/) })),
});
type Journal = z.infer<typeof Journal>;

export interface RunFile {
  name: string;
  data: string | Uint8Array;
}

async function apply(dir: string, files: Journal['files']): Promise<void> {
  let first = true;
  for (const f of files) {
    // Already renamed when a replay repeats an update that was interrupted part-way.
    if (!existsSync(join(dir, f.staged))) continue;
    await rename(join(dir, f.staged), join(dir, f.name));
    if (first) await pauseAt('run-commit');
    first = false;
  }
  await syncDir(dir);
  await rm(join(dir, COMMIT_JOURNAL), { force: true });
}

export async function commitRunFiles(dir: string, files: readonly RunFile[]): Promise<void> {
  const suffix = tempSuffix('tx');
  const journal: Journal = { pid: process.pid, files: files.map((f) => ({ name: f.name, staged: `.${f.name}.${suffix}` })) };
  try {
    for (const [i, f] of files.entries()) await writeFileAtomic(join(dir, journal.files[i].staged), f.data);
    await pauseAt('run-stage');
    await writeFileAtomic(join(dir, COMMIT_JOURNAL), JSON.stringify(journal));
  } catch (err) {
    await Promise.all(journal.files.map((f) => rm(join(dir, f.staged), { force: true })));
    throw err;
  }
  await syncDir(dir);
  await apply(dir, journal.files);
}

/**
 * Finishes an update a dead process committed but did not apply, and deletes what dead writers left
 * (staged files of updates never committed, half-written temporary files). An update of another live
 * process is left to it.
 */
export async function recoverRun(dir: string): Promise<void> {
  const path = join(dir, COMMIT_JOURNAL);
  if (existsSync(path)) {
    let journal: Journal | null = null;
    try {
      journal = Journal.parse(JSON.parse(await readFile(path, 'utf8')));
    } catch {
      // The journal is renamed into place whole, so an unreadable one was never a commit.
      await rm(path, { force: true });
    }
    if (journal && (journal.pid === process.pid || !processAlive(journal.pid))) await apply(dir, journal.files);
  }
  await removeLeftovers(dir);
}

/**
 * The run a dataset's new tickets are assigned to after an ingest, and where the ones since it went.
 *
 * "A run made from the dataset" is decided from what is recorded, never from names: a run clustered
 * from the store (`cluster --store`) records the store and the dataset in its run.json (params.store,
 * params.dataset), so the run folders where runs are made (`<workspace>/.ticket-lens/runs`, beside an
 * embedded store's folder) are read for those; and the store's runs table files a run under a dataset
 * once `assign RUN --store` has placed the dataset's tickets in it — which is how a run clustered from
 * a CSV comes to count (the store cannot tell on its own that a CSV holds the dataset's tickets). The
 * latest by run.json's createdAt wins; a folder that is gone or unreadable is passed over.
 */
import { readdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { isTopLevelNoise, type DatasetRun, type RunManifest, type StoreLocation } from '../../shared/api';
import { readManifest } from '../run/runJson';
import type { SqlRunner, Store } from '../store';

export interface FoundRun {
  runDir: string;
  manifest: RunManifest;
}

/** Whether a folder may be read (the server's path policy); the CLI reads any. */
export type RunFolderCheck = (dir: string) => Promise<boolean>;

/** Where runs of a store's datasets are made: beside an embedded store's folder, and in each workspace's `.ticket-lens/runs`. */
export function runsDirsOf(location: StoreLocation, workspaces: readonly string[]): string[] {
  const dirs = workspaces.map((w) => join(resolve(w), '.ticket-lens', 'runs'));
  if ('dir' in location) dirs.unshift(join(dirname(resolve(location.dir)), 'runs'));
  return [...new Set(dirs)];
}

/** A run.json whose params say it was clustered from this store's dataset. */
function madeFrom(m: RunManifest, store: Store, dataset: string): boolean {
  if (m.params.dataset !== dataset || typeof m.params.store !== 'string') return false;
  return store.kind === 'pglite' ? resolve(m.params.store) === resolve(store.where) : m.params.store === store.where;
}

async function manifestOrNull(dir: string, usable: RunFolderCheck): Promise<RunManifest | null> {
  try {
    return (await usable(dir)) ? await readManifest(dir) : null;
  } catch {
    return null;
  }
}

async function subfolders(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => join(dir, e.name));
  } catch {
    return [];
  }
}

/** The latest run made from the dataset (see the module comment), or null. */
export async function latestDatasetRun(store: Store, dataset: string, runsDirs: readonly string[], usable: RunFolderCheck = () => Promise.resolve(true)): Promise<FoundRun | null> {
  const found: FoundRun[] = [];
  const registered = await store.engine.query<{ id: string; folder: string }>(
    'SELECT r.id, r.folder FROM runs r JOIN datasets d ON d.id = r.dataset_id WHERE d.name = $1 AND r.folder IS NOT NULL',
    [dataset],
  );
  for (const r of registered) {
    const dir = resolve(r.folder);
    const m = await manifestOrNull(dir, usable);
    // A folder reused by another run since is not this run.
    if (m && m.id === r.id) found.push({ runDir: dir, manifest: m });
  }
  for (const dir of (await Promise.all(runsDirs.map(subfolders))).flat()) {
    if (found.some((f) => f.runDir === dir)) continue;
    const m = await manifestOrNull(dir, usable);
    if (m && madeFrom(m, store, dataset)) found.push({ runDir: dir, manifest: m });
  }
  const at = (f: FoundRun) => Date.parse(f.manifest.createdAt);
  return found.reduce<FoundRun | null>((best, f) => (!best || at(f) > at(best) ? f : best), null);
}

/** Tickets of the dataset ingested since the run was made that it has not placed (or that changed since assign placed them), and how many of them have a vector to be placed with. */
export async function unplacedSince(db: SqlRunner, dataset: string, run: FoundRun): Promise<{ pending: number; withVector: number }> {
  const [row] = await db.query<{ pending: number; with_vector: number }>(
    `SELECT count(*)::int AS pending, count(e.ticket_pk)::int AS with_vector
     FROM datasets d
     JOIN tickets t ON t.dataset_id = d.id
     LEFT JOIN embeddings e ON e.ticket_pk = t.pk AND e.model_id = d.embedding_model_id AND e.content_hash = t.content_hash
     LEFT JOIN assignments a ON a.run_id = $2 AND a.ticket_pk = t.pk
     WHERE d.name = $1 AND ((a.ticket_pk IS NULL AND t.ingested_at >= $3::timestamptz) OR (a.source = 'assign' AND t.updated_at > a.assigned_at))`,
    [dataset, run.manifest.id, new Date(Date.parse(run.manifest.createdAt)).toISOString()],
  );
  return { pending: row?.pending ?? 0, withVector: row?.with_vector ?? 0 };
}

/** The run's assign placements of the dataset's tickets, by status, and what is still to place. */
export async function datasetRunStatus(db: SqlRunner, dataset: string, run: FoundRun): Promise<DatasetRun> {
  const byPath = await db.query<{ cluster_path: string | null; n: number }>(
    `SELECT a.cluster_path, count(*)::int AS n
     FROM assignments a JOIN tickets t ON t.pk = a.ticket_pk JOIN datasets d ON d.id = t.dataset_id
     WHERE a.run_id = $2 AND d.name = $1 AND a.source = 'assign'
     GROUP BY a.cluster_path`,
    [dataset, run.manifest.id],
  );
  const out: DatasetRun = { runDir: run.runDir, runId: run.manifest.id, createdAt: run.manifest.createdAt, assigned: 0, noise: 0, new: 0, pending: 0 };
  for (const { cluster_path: path, n } of byPath) {
    if (path === null) out.new += n;
    else if (isTopLevelNoise(path)) out.noise += n;
    else out.assigned += n;
  }
  out.pending = (await unplacedSince(db, dataset, run)).pending;
  return out;
}

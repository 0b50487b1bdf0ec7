/**
 * The HNSW index on embeddings (cosine), as migration 0001 created it. In the embedded engine,
 * inserting into it row by row costs ~4 ms a vector (PGlite is single-threaded WebAssembly; measured
 * on 4,000 Bitext vectors) while building it over the whole table costs ~0.5 ms a vector: a large
 * ingest drops it first. It is built again only when a nearest-neighbour query needs it
 * (ensureVectorIndex, from store.knn), not at the ingest's end: building it for Bitext's 26,872 vectors
 * took 12.5 s, a third of embedding them, and most ingests are followed by clustering or assigning,
 * which read the vectors without it. A process killed after the drop leaves the same state, so nothing
 * needs repairing when a store is opened. A PostgreSQL server keeps the index: other users query it
 * while an ingest runs, and a native insert is cheap.
 */
import type { Logger } from '../log';
import { LOCK_VECTOR_INDEX, STORE_LOCK_CLASS, type SqlEngine } from './engine';

const INDEX = 'embeddings_hnsw';

/** Drop rather than insert into the index when an ingest adds this many vectors and at least 1/8 of those already stored. */
const REBUILD_MIN_NEW = 1000;
const REBUILD_RATIO = 8;

export function rebuildPays(engine: SqlEngine, newVectors: number, storedVectors: number): boolean {
  return engine.kind === 'pglite' && newVectors >= REBUILD_MIN_NEW && newVectors * REBUILD_RATIO >= storedVectors;
}

export async function vectorIndexExists(engine: SqlEngine): Promise<boolean> {
  const [r] = await engine.query<{ ok: boolean }>(`SELECT to_regclass('ticket_lens.${INDEX}') IS NOT NULL AS ok`);
  return r.ok;
}

export async function dropVectorIndex(engine: SqlEngine): Promise<void> {
  await engine.exec(`DROP INDEX IF EXISTS ticket_lens.${INDEX}`);
}

export async function buildVectorIndex(engine: SqlEngine): Promise<void> {
  await engine.transaction(async (tx) => {
    // Two first queries at once build it once: the second waits here, then finds it made.
    await tx.query('SELECT pg_advisory_xact_lock($1, $2)', [STORE_LOCK_CLASS, LOCK_VECTOR_INDEX]);
    // The graph built in memory is much faster than one spilling to disk (pgvector's advice).
    await tx.query(`SELECT set_config('maintenance_work_mem', '256MB', true)`);
    await tx.exec(`CREATE INDEX IF NOT EXISTS ${INDEX} ON ticket_lens.embeddings USING hnsw (embedding vector_cosine_ops)`);
  });
}

/** Builds the index if a large ingest dropped it, saying so on the log: the query that waits for it needs a reason. */
export async function ensureVectorIndex(engine: SqlEngine, log?: Logger): Promise<void> {
  if (await vectorIndexExists(engine)) return;
  const [{ n }] = await engine.query<{ n: number }>('SELECT count(*)::int AS n FROM embeddings');
  log?.info(`ticket store at ${engine.where}: building the vector index (HNSW over ${n.toLocaleString('en-US')} vectors) for the first nearest-neighbour query since an ingest dropped it`);
  const started = performance.now();
  await buildVectorIndex(engine);
  log?.info(`ticket store at ${engine.where}: vector index built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

/**
 * The HNSW index on embeddings (cosine), as migration 0001 created it. In the embedded engine,
 * inserting into it row by row costs ~4 ms a vector (PGlite is single-threaded WebAssembly; measured
 * on 4,000 Bitext vectors) while building it over the whole table costs ~0.5 ms a vector: a large
 * ingest drops it first and builds it again at its end. If the process dies in between, the next
 * openStore finds it missing and builds it. A PostgreSQL server keeps it: other users query it while
 * an ingest runs, and a native insert is cheap.
 */
import type { SqlEngine } from './engine';

const INDEX = 'embeddings_hnsw';

/** Drop and rebuild rather than insert when an ingest adds this many vectors and at least 1/8 of those already stored. */
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
    // The graph built in memory is much faster than one spilling to disk (pgvector's advice).
    await tx.query(`SELECT set_config('maintenance_work_mem', '256MB', true)`);
    await tx.exec(`CREATE INDEX IF NOT EXISTS ${INDEX} ON ticket_lens.embeddings USING hnsw (embedding vector_cosine_ops)`);
  });
}

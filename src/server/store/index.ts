/**
 * The ticket store (issue 13): tickets, their vectors and what is made of them, kept across runs in
 * PostgreSQL with pgvector — embedded (PGlite, a folder, the default: `<workspace>/.ticket-lens/store`)
 * or a server (a `postgres://` connection string, for a team). One schema, the same SQL on both
 * (migrations/); each engine's differences are in its adapter (pgliteEngine.ts, postgresEngine.ts).
 *
 * API, for the CLI, the server's routes and the features built on the store:
 *
 *   const store = await openStore({ dir }) | await openStore({ url }), opts?: { onWait, lockTimeoutMs, log })
 *     Migrates the schema; refuses a store of a newer schema, a corrupt folder, a folder that is not a
 *     store — changing nothing. One engine per store per process, shared by every handle; each handle
 *     is closed once. An embedded store is open in one process at a time (others wait on its lock
 *     file), so a long-lived process (the model server) opens it per job and closes it after.
 *   await store.ingest(embedder, IngestOptions, { log, signal, onProgress }) → IngestResult
 *     (ingest/ingest.ts: idempotent, resumable, serialised per dataset; see its comment).
 *   await store.datasets() → DatasetInfo[]; await store.dataset(name) → DatasetInfo | null
 *   await store.vectors(dataset, { start?, end? }) → { vectors: Float32Array (n × 384, row-major),
 *     ids, texts, dates: Float64Array (epoch ms, NaN undated), rows, lines, dim }
 *     the dataset's tickets with a vector of their current text under the dataset's model, in the
 *     order they were first stored; a range [start, end) keeps the dated ones within it.
 *   await store.knn(dataset, vector, k) → [{ id, distance }] (cosine distance, HNSW, approximate; an
 *     index a large ingest dropped is built first, and the log says so: vectorIndex.ts)
 *   store.engine: query / exec / transaction, for the repositories of runs, clusters, assignments,
 *     label edits and tags (tables already in the schema, empty until those features write them).
 *   await store.close()
 *
 * Vectors are `vector(384)`, not `halfvec`: halfvec needs pgvector ≥ 0.7, and the PostgreSQL the tests
 * run (PyPI pgserver 0.1.4: PostgreSQL 16.2, pgvector 0.6.2) has none, so the same SQL could not run on
 * both engines; at 384 float32s a vector is 1.5 kB, 150 MB per 100,000 tickets, which a store can hold.
 * halfvec would halve that at little cost — measured on 4,000 Bitext vectors rounded to float16: pairwise
 * cosines move by at most 7.9e-5 (mean 1.1e-5) and exact top-15 neighbours agree at 99.9% — and is the
 * change to make (a migration) once every engine in use has pgvector ≥ 0.7.
 * The HNSW index is on `vector_cosine_ops` (vectorIndex.ts).
 */
export { openStore, defaultStoreDir, type Store, type OpenStoreOptions } from './store';
export type { IngestHooks, IngestProgress } from './ingest/ingest';
export type { StoredVectors, DateRange, Neighbour } from './vectors';
export type { SqlEngine, SqlRunner, EngineKind } from './engine';
export { SCHEMA_VERSION } from './migrations';
export { STORE_DIM } from './dim';
export { redactUrl } from './postgresEngine';
export { pgliteStoreExists } from './pgliteEngine';

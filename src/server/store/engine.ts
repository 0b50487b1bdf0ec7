/**
 * What the store's SQL runs on: the embedded engine (PGlite, pgliteEngine.ts) or a PostgreSQL server
 * (pg, postgresEngine.ts). Both run the same SQL; they differ in how a connection is had, how a
 * dataset is locked for an ingest, how their failures read, and whether a binary COPY can bring
 * vectors in (PGlite's copyFrom).
 *
 * Values that cross this boundary are kept to what both drivers return alike: text, int4 (`::int`),
 * float8, boolean, json, text[]. Counts and bigint keys are cast to int in SQL, times are read as
 * epoch milliseconds (`extract(epoch …) * 1000`) and vectors as base64 of `vector_send` (vectorCodec.ts).
 */
export interface SqlRunner {
  query: <R>(sql: string, params?: readonly unknown[]) => Promise<R[]>;
  /** Statements separated by `;`, no parameters. */
  exec: (sql: string) => Promise<void>;
  /**
   * Runs `COPY … FROM '/dev/blob' …` with `data` as the file read: PGlite's way of a bulk load. Null on
   * the PostgreSQL server, whose driver (pg) has no COPY FROM STDIN without another package; callers
   * there send the same rows as one JSON parameter.
   */
  copyFrom: ((sql: string, data: Uint8Array) => Promise<void>) | null;
}

export type EngineKind = 'pglite' | 'postgres';

export interface SqlEngine extends SqlRunner {
  readonly kind: EngineKind;
  /** The folder, or the connection string without its password: for messages. */
  readonly where: string;
  /** fn's statements commit together or not at all; a failure rolls back and rethrows. */
  transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T>;
  /**
   * Runs fn while no other ingest of `dataset` runs against this store, from this process or another.
   * onWait is called once if it has to wait.
   */
  withDatasetLock<T>(dataset: string, onWait: () => void, fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Advisory locks (two-key form): datasets are (DATASET_LOCK_CLASS, hashtext(name)), store-wide steps (STORE_LOCK_CLASS, one of below). */
export const DATASET_LOCK_CLASS = 0x544c; // "TL"
export const STORE_LOCK_CLASS = 0x544d;
export const LOCK_MIGRATIONS = 1;
export const LOCK_MODELS = 2;
export const LOCK_VECTOR_INDEX = 3;

/** openStore: one engine per store and process, migrated, shared by every caller until the last closes it. */
import { join, resolve } from 'node:path';
import type { DatasetInfo, IngestOptions, IngestResult, StoreLocation } from '../../shared/api';
import type { Embedder } from '../embed/types';
import type { Logger } from '../log';
import { datasetInfos } from './datasets';
import type { EngineKind, SqlEngine } from './engine';
import { ingest, type IngestHooks } from './ingest/ingest';
import { migrate } from './migrations';
import { openPglite } from './pgliteEngine';
import { openPostgres } from './postgresEngine';
import { nearest, readVectors, type DateRange, type Neighbour, type StoredVectors } from './vectors';

export interface Store {
  readonly kind: EngineKind;
  /** The folder, or the connection string without its password. */
  readonly where: string;
  /** The SQL underneath, for repositories that come later (runs, assignments, tags). */
  readonly engine: SqlEngine;
  datasets(): Promise<DatasetInfo[]>;
  dataset(name: string): Promise<DatasetInfo | null>;
  vectors(dataset: string, range?: DateRange): Promise<StoredVectors>;
  /** Through the HNSW index, built first if a large ingest dropped it (vectorIndex.ts; said on the log). */
  knn(dataset: string, vector: Float32Array, k: number): Promise<Neighbour[]>;
  ingest(embedder: Embedder, options: IngestOptions, hooks?: IngestHooks): Promise<IngestResult>;
  /** Closes this handle; the engine closes with the last handle of the process. */
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  /** Embedded store only: called once if another process has it open and this one waits. */
  onWait?: (owner: string) => void;
  /** Embedded store only: how long to wait for another process (default 15 minutes). */
  lockTimeoutMs?: number;
  log?: Logger;
}

/** `<workspace>/.ticket-lens/store`. */
export function defaultStoreDir(workspace = process.cwd()): string {
  return join(resolve(workspace), '.ticket-lens', 'store');
}

interface Shared {
  engine: Promise<SqlEngine>;
  refs: number;
  /** Set when the last handle closed: a new opener waits for it (the folder lock is still ours until then). */
  closing?: Promise<void>;
}

const open = new Map<string, Shared>();

async function start(location: StoreLocation, opts: OpenStoreOptions): Promise<SqlEngine> {
  const engine = 'dir' in location ? await openPglite(location.dir, { onWait: opts.onWait, timeoutMs: opts.lockTimeoutMs }) : await openPostgres(location.url);
  try {
    const applied = await migrate(engine);
    if (applied.length > 0) opts.log?.info(`ticket store at ${engine.where}: schema version ${applied[applied.length - 1]}`);
    return engine;
  } catch (err) {
    await engine.close().catch(() => undefined);
    throw err;
  }
}

export async function openStore(location: StoreLocation, opts: OpenStoreOptions = {}): Promise<Store> {
  const key = 'dir' in location ? `dir:${resolve(location.dir)}` : `url:${location.url}`;
  let shared = open.get(key);
  if (shared?.closing) {
    await shared.closing.catch(() => undefined);
    shared = open.get(key);
  }
  if (!shared || shared.closing) {
    shared = { engine: start(location, opts), refs: 0 };
    open.set(key, shared);
    const mine = shared;
    mine.engine.catch(() => {
      if (open.get(key) === mine) open.delete(key);
    });
  }
  shared.refs++;
  const held = shared;
  let engine: SqlEngine;
  try {
    engine = await held.engine;
  } catch (err) {
    held.refs--;
    throw err;
  }
  let closed = false;
  return {
    kind: engine.kind,
    where: engine.where,
    engine,
    datasets: () => datasetInfos(engine),
    dataset: async (name) => (await datasetInfos(engine, name))[0] ?? null,
    vectors: (dataset, range) => readVectors(engine, dataset, range),
    knn: (dataset, vector, k) => nearest(engine, dataset, vector, k, opts.log),
    ingest: (embedder, options, hooks) => ingest(engine, embedder, options, hooks),
    async close() {
      if (closed) return;
      closed = true;
      if (--held.refs > 0) return;
      held.closing = engine.close().finally(() => {
        if (open.get(key) === held) open.delete(key);
      });
      await held.closing;
    },
  };
}

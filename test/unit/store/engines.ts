/** The two engines every store test runs on: a fresh embedded store folder, or a fresh database on a real server. */
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { StoreLocation } from '../../../src/shared/api';
import { loadEmbedder, type Embedder } from '../../../src/server/embed';
import { openStore, type Store } from '../../../src/server/store';
import { modelDir } from '../../support/model';
import { startPostgres, type PgServer } from '../../support/postgres';
import { tempDir } from './fixtures';

export interface EngineUnderTest {
  name: string;
  kind: 'pglite' | 'postgres';
  /** A new, empty store on this engine. */
  fresh(tag: string): Promise<StoreLocation>;
}

export interface Engines {
  list: EngineUnderTest[];
  /** Starts the PostgreSQL server (beforeAll). */
  setup(): Promise<void>;
  teardown(): Promise<void>;
  server(): PgServer;
}

export function storeEngines(): Engines {
  const dir = tempDir('engines');
  let pg: PgServer | null = null;
  let n = 0;
  const server = () => {
    if (!pg) throw new Error('the PostgreSQL server is not started (call setup in beforeAll)');
    return pg;
  };
  return {
    list: [
      { name: 'embedded (PGlite)', kind: 'pglite', fresh: (tag) => Promise.resolve({ dir: join(dir, `${tag}-${++n}`) }) },
      { name: 'PostgreSQL server', kind: 'postgres', fresh: async (tag) => ({ url: await server().createDatabase(`${tag.toLowerCase()}_${++n}`) }) },
    ],
    async setup() {
      pg = await startPostgres();
    },
    async teardown() {
      await pg?.dispose();
    },
    server,
  };
}

/**
 * Registers the file-level hooks of a test that needs the real model: loads it while the engines start,
 * and disposes of both after. `loaded` receives the embedder.
 */
export function useModelAndEngines(engines: Engines, loaded: (embedder: Embedder) => void): void {
  let embedder: Embedder | undefined;
  beforeAll(async () => {
    [embedder] = await Promise.all([loadEmbedder({ modelDir: modelDir(), device: 'cpu' }), engines.setup()]);
    loaded(embedder);
  }, 180_000);
  afterAll(async () => {
    await embedder?.dispose();
    await engines.teardown();
  });
}

/** Registers hooks (inside a describe) that open a new, empty store on the engine and close it after; `opened` receives it. */
export function useFreshStore(eng: EngineUnderTest, tag: string, opened: (store: Store) => void): void {
  let store: Store | undefined;
  beforeAll(async () => {
    store = await openStore(await eng.fresh(tag));
    opened(store);
  }, 120_000);
  afterAll(() => store?.close());
}

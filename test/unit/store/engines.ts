/** The two engines every store test runs on: a fresh embedded store folder, or a fresh database on a real server. */
import { join } from 'node:path';
import type { StoreLocation } from '../../../src/shared/api';
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

/**
 * The store's schema on both engines: made by the migrations on first open, left alone on the next,
 * a store from a newer Ticket Lens refused without a write, and (embedded) a corrupt folder or a folder
 * that is not a store refused with its path; (server) an unreachable server named without its password.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoreLocation } from '../../../src/shared/api';
import { openStore, SCHEMA_VERSION } from '../../../src/server/store';
import type { SqlEngine } from '../../../src/server/store/engine';
import { openPglite, PGDATA } from '../../../src/server/store/pgliteEngine';
import { openPostgres } from '../../../src/server/store/postgresEngine';
import { storeEngines } from './engines';
import { tempDir } from './fixtures';

const engines = storeEngines();
beforeAll(() => engines.setup(), 180_000);
afterAll(() => engines.teardown());

/** The engine alone, without openStore's migrations: what is really in the store. */
async function raw<T>(loc: StoreLocation, fn: (e: SqlEngine) => Promise<T>): Promise<T> {
  const e = 'dir' in loc ? await openPglite(loc.dir) : await openPostgres(loc.url);
  try {
    return await fn(e);
  } finally {
    await e.close();
  }
}

const TABLES = ['assignments', 'clusters', 'datasets', 'embedding_models', 'embeddings', 'ingests', 'label_edits', 'runs', 'schema_migrations', 'tags', 'tickets'];

describe.each(engines.list)('the store schema on $name', (eng) => {
  it('is created by the migrations: every table, the HNSW cosine index on vector(384), the schema version', async () => {
    const loc = await eng.fresh('schema');
    const store = await openStore(loc);
    await store.close();
    await raw(loc, async (e) => {
      const tables = await e.query<{ t: string }>(`SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'ticket_lens' ORDER BY 1`);
      expect(tables.map((r) => r.t)).toEqual(TABLES);
      const [idx] = await e.query<{ def: string }>(`SELECT indexdef AS def FROM pg_indexes WHERE schemaname = 'ticket_lens' AND indexname = 'embeddings_hnsw'`);
      expect(idx.def).toMatch(/USING hnsw \(embedding vector_cosine_ops\)/);
      const [col] = await e.query<{ t: string }>(
        `SELECT format_type(atttypid, atttypmod) AS t FROM pg_attribute WHERE attrelid = 'ticket_lens.embeddings'::regclass AND attname = 'embedding'`,
      );
      expect(col.t).toBe('vector(384)');
      const versions = await e.query<{ version: number }>('SELECT version FROM ticket_lens.schema_migrations ORDER BY version');
      expect(versions.map((v) => v.version)).toEqual(Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1));
    });
  });

  it('is left as it is when opened again: data kept, no migration applied twice', async () => {
    const loc = await eng.fresh('reopen');
    const first = await openStore(loc);
    await first.engine.query(`INSERT INTO datasets (name, source_path, text_column) VALUES ('kept', '/x.csv', 'text')`);
    await first.close();
    const again = await openStore(loc);
    expect((await again.datasets()).map((d) => d.name)).toEqual(['kept']);
    const [{ n }] = await again.engine.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations');
    expect(n).toBe(SCHEMA_VERSION);
    await again.close();
  });

  it('of a newer Ticket Lens is refused, naming both versions, and nothing is written', async () => {
    const loc = await eng.fresh('newer');
    const store = await openStore(loc);
    await store.engine.query(`INSERT INTO schema_migrations (version, name) VALUES (${SCHEMA_VERSION + 5}, 'from the future')`);
    await store.engine.exec('DROP INDEX embeddings_hnsw'); // opening would build it again, were the store opened
    await store.close();
    await expect(openStore(loc)).rejects.toThrow(new RegExp(`schema version ${SCHEMA_VERSION + 5}, written by a newer Ticket Lens; this one knows versions up to ${SCHEMA_VERSION}`));
    await raw(loc, async (e) => {
      const versions = await e.query<{ version: number }>('SELECT version FROM ticket_lens.schema_migrations ORDER BY version');
      expect(versions.map((v) => v.version)).toEqual([...Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1), SCHEMA_VERSION + 5]);
      const [idx] = await e.query<{ ok: boolean }>(`SELECT to_regclass('ticket_lens.embeddings_hnsw') IS NOT NULL AS ok`);
      expect(idx.ok).toBe(false);
    });
  });
});

describe('an embedded store folder', () => {
  const root = tempDir('folder');

  it('that is corrupt is refused with its path, and left as it was', async () => {
    const dir = join(root, 'corrupt');
    const store = await openStore({ dir });
    await store.close();
    const control = join(dir, PGDATA, 'global', 'pg_control');
    const garbage = Buffer.alloc(8192, 0x5a);
    writeFileSync(control, garbage);
    await expect(openStore({ dir })).rejects.toThrow(new RegExp(`The ticket store at ${dir} cannot be opened: ${join(dir, PGDATA)} is corrupt`));
    expect(readFileSync(control).equals(garbage)).toBe(true);
    // The lock is released: the next open fails the same way instead of waiting.
    await expect(openStore({ dir }, { lockTimeoutMs: 1000 })).rejects.toThrow(/is corrupt/);
  });

  it('whose data folder lost PG_VERSION is refused as corrupt', async () => {
    const dir = join(root, 'no-version');
    mkdirSync(join(dir, PGDATA, 'base'), { recursive: true });
    await expect(openStore({ dir })).rejects.toThrow(new RegExp(`${join(dir, PGDATA)} has no PG_VERSION file`));
    expect(existsSync(join(dir, PGDATA, 'PG_VERSION'))).toBe(false);
  });

  it('that holds other files is not made a store', async () => {
    const dir = join(root, 'not-a-store');
    mkdirSync(dir);
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    await expect(openStore({ dir })).rejects.toThrow(/is not a ticket store .* and is not empty \(notes\.txt\)/);
    expect(existsSync(join(dir, PGDATA))).toBe(false);
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('mine');
  });

  it('without its vector index (a large ingest dropped it) is opened as it is, building nothing (the first knn builds it: ingest.test.ts)', async () => {
    const dir = join(root, 'no-index');
    const store = await openStore({ dir });
    await store.engine.exec('DROP INDEX embeddings_hnsw');
    await store.close();
    const again = await openStore({ dir });
    const [idx] = await again.engine.query<{ made: boolean }>(`SELECT to_regclass('ticket_lens.embeddings_hnsw') IS NOT NULL AS made`);
    expect(idx.made).toBe(false);
    await again.close();
  });

  it('opened twice in one process shares one engine until the last handle closes', async () => {
    const dir = join(root, 'shared');
    const a = await openStore({ dir });
    const b = await openStore({ dir });
    expect(b.engine).toBe(a.engine);
    await a.close();
    expect(await b.datasets()).toEqual([]);
    await b.close();
    expect(existsSync(join(dir, 'store.lock'))).toBe(false);
  });
});

describe('a PostgreSQL server', () => {
  it('that cannot be reached is named in the error, without the password', async () => {
    const s = engines.server();
    const url = `postgres://postgres:s3cret-pw@127.0.0.1:${s.port + 1}/postgres`;
    const err = await openStore({ url }).catch((e: unknown) => e as Error);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(new RegExp(`PostgreSQL server at postgres://postgres:\\*\\*\\*@127\\.0\\.0\\.1:${s.port + 1}/postgres cannot be reached`));
    expect((err as Error).message).not.toContain('s3cret-pw');
  });
});

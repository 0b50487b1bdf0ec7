/**
 * Versioned migrations: each is applied once and recorded in ticket_lens.schema_migrations; the
 * pending ones are applied in one transaction, so a store is at one version or the next, never between. A store whose recorded version is above the last one here was written
 * by a newer Ticket Lens: it is refused before anything is written (an older program must not alter a
 * schema it does not know). Two processes migrating one PostgreSQL database at once are serialised by
 * an advisory lock taken inside the transaction, after which the version is read again.
 *
 * To change the schema, add `000N_<what>.ts` exporting `name` and `sql` and list it below; never edit
 * an applied one.
 */
import { TicketLensError } from '../../../shared/api';
import { LOCK_MIGRATIONS, STORE_LOCK_CLASS, type SqlEngine, type SqlRunner } from '../engine';
import * as m0001 from './0001_initial';

interface Migration {
  version: number;
  name: string;
  sql: string;
}

const MIGRATIONS: readonly Migration[] = [{ version: 1, ...m0001 }];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

/** The highest version applied, 0 for a store without the schema; reads only. */
async function appliedVersion(db: SqlRunner): Promise<number> {
  const [t] = await db.query<{ exists: boolean }>(`SELECT to_regclass('ticket_lens.schema_migrations') IS NOT NULL AS exists`);
  if (!t.exists) return 0;
  const [v] = await db.query<{ version: number | null }>('SELECT max(version)::int AS version FROM ticket_lens.schema_migrations');
  return v.version ?? 0;
}

function newerStore(where: string, version: number): TicketLensError {
  return new TicketLensError(
    'bad_input',
    `The ticket store at ${where} has schema version ${version}, written by a newer Ticket Lens; this one knows versions up to ${SCHEMA_VERSION}. Nothing was changed: update Ticket Lens to use this store.`,
    { store: where, version, known: SCHEMA_VERSION },
  );
}

function missingVector(where: string, err: unknown): TicketLensError {
  return new TicketLensError(
    'bad_input',
    `The PostgreSQL database at ${where} has no pgvector extension and it cannot be created here (${(err as Error).message}). Install pgvector on the server and run \`CREATE EXTENSION vector;\` as a superuser, then try again.`,
    { store: where },
  );
}

/** Brings the store's schema to SCHEMA_VERSION; returns the versions it applied. */
export async function migrate(engine: SqlEngine): Promise<number[]> {
  const current = await appliedVersion(engine);
  if (current > SCHEMA_VERSION) throw newerStore(engine.where, current);
  if (current === SCHEMA_VERSION) return [];
  return engine.transaction(async (tx) => {
    // First the lock: two first openings of one database would otherwise race to create the same tables.
    await tx.query('SELECT pg_advisory_xact_lock($1, $2)', [STORE_LOCK_CLASS, LOCK_MIGRATIONS]);
    await tx.exec(`CREATE SCHEMA IF NOT EXISTS ticket_lens;
      CREATE TABLE IF NOT EXISTS ticket_lens.schema_migrations (version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const now = await appliedVersion(tx);
    if (now > SCHEMA_VERSION) throw newerStore(engine.where, now);
    const applied: number[] = [];
    for (const m of MIGRATIONS) {
      if (m.version <= now) continue;
      try {
        await tx.exec(m.sql);
      } catch (err) {
        if (/extension "vector"|vector\.control|permission denied to create extension/i.test((err as Error).message)) throw missingVector(engine.where, err);
        throw err;
      }
      await tx.query('INSERT INTO ticket_lens.schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      applied.push(m.version);
    }
    return applied;
  });
}

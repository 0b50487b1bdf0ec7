/**
 * A PostgreSQL server with pgvector, reached with a connection string: how a team shares one store and
 * how it grows past one machine. Queries go through a small pool; every connection puts the
 * `ticket_lens` schema first on its search_path and keeps the database's own path after it (pgvector
 * may live in another schema, e.g. `extensions` on hosted services).
 *
 * An ingest of a dataset holds a session-level advisory lock on a connection of its own for its whole
 * run, so a second ingest of the same dataset, from any machine, waits for the first to end; if the
 * process dies or the server goes away the server releases the lock with the session. (A transaction
 * lock, pg_advisory_xact_lock, would serialise single batches only: two ingests could still interleave
 * and embed the same rows twice.) Whatever stops a connection — the server restarted, the network —
 * reads as a TicketLensError naming the server; what was committed before it is kept.
 */
import pg from 'pg';
import { TicketLensError } from '../../shared/api';
import { DATASET_LOCK_CLASS, type SqlEngine, type SqlRunner } from './engine';

/** The connection string with its password replaced, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    for (const key of [...u.searchParams.keys()]) if (/pass/i.test(key)) u.searchParams.set(key, '***');
    return u.toString();
  } catch {
    return url.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@');
  }
}

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

function isConnectionLoss(err: Error & { code?: unknown }): boolean {
  const code = typeof err.code === 'string' ? err.code : '';
  // SQLSTATE class 08: connection exception; 57P01-03: the server shutting down, crashed, starting.
  if (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03' || CONNECTION_CODES.has(code)) return true;
  return /connection terminated|connection timeout|connection error|server closed the connection|not queryable/i.test(err.message);
}

/** A driver error as a user reads it: the server named, connection losses told from SQL errors. */
export function storeError(err: unknown, where: string): unknown {
  if (err instanceof TicketLensError || !(err instanceof Error)) return err;
  const e = err as Error & { code?: string };
  if (isConnectionLoss(e)) {
    return new TicketLensError('job_failed', `The PostgreSQL server at ${where} cannot be reached or went away (${e.code ?? e.message}).`, { store: where, reason: 'unreachable' });
  }
  if (e.code === '28P01' || e.code === '28000') {
    return new TicketLensError('bad_input', `The PostgreSQL server at ${where} refused the login (${e.message}); check the user and password of the connection string.`, { store: where });
  }
  if (e.code === '3D000') return new TicketLensError('bad_input', `${e.message} on the PostgreSQL server at ${where}; create it first (createdb).`, { store: where });
  return err;
}

function runner(c: pg.Pool | pg.PoolClient, where: string): SqlRunner {
  return {
    async query<R>(sql: string, params: readonly unknown[] = []): Promise<R[]> {
      try {
        return (await c.query(sql, [...params])).rows as R[];
      } catch (err) {
        throw storeError(err, where);
      }
    },
    async exec(sql: string): Promise<void> {
      try {
        await c.query(sql);
      } catch (err) {
        throw storeError(err, where);
      }
    },
    copyFrom: null,
  };
}

/** `ticket_lens` then the database's own search_path, as a startup option (spaces escaped). */
async function searchPath(config: pg.ClientConfig, where: string): Promise<string> {
  const c = new pg.Client(config);
  c.on('error', () => undefined);
  try {
    await c.connect();
    const [r] = (await c.query<{ search_path: string }>('SHOW search_path')).rows;
    return ['ticket_lens', ...r.search_path.split(',').map((s) => s.trim())].join(',').replace(/ /g, '\\ ');
  } catch (err) {
    throw storeError(err, where);
  } finally {
    await c.end().catch(() => undefined);
  }
}

export async function openPostgres(url: string): Promise<SqlEngine> {
  const where = redactUrl(url);
  const plain: pg.ClientConfig = { connectionString: url, application_name: 'ticket-lens', connectionTimeoutMillis: 15_000 };
  const config: pg.ClientConfig = { ...plain, options: `-c search_path=${await searchPath(plain, where)}` };
  const pool = new pg.Pool({ ...config, max: 4 });
  // An idle connection dropped by the server emits here; the next query reports it.
  pool.on('error', () => undefined);
  const base = runner(pool, where);
  return {
    kind: 'postgres',
    where,
    query: base.query,
    exec: base.exec,
    copyFrom: null,
    async transaction(fn) {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (err) {
        throw storeError(err, where);
      }
      let broken: Error | undefined;
      const onError = (e: Error) => (broken = e);
      client.on('error', onError);
      try {
        await client.query('BEGIN');
        const r = await fn(runner(client, where));
        await client.query('COMMIT');
        return r;
      } catch (err) {
        await client.query('ROLLBACK').catch((e: Error) => (broken ??= e));
        throw storeError(err, where);
      } finally {
        client.off('error', onError);
        client.release(broken);
      }
    },
    async withDatasetLock(dataset, onWait, fn) {
      const lockClient = new pg.Client(config);
      lockClient.on('error', () => undefined);
      try {
        await lockClient.connect();
        const [got] = (await lockClient.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS ok', [DATASET_LOCK_CLASS, dataset])).rows;
        if (!got.ok) {
          onWait();
          await lockClient.query('SELECT pg_advisory_lock($1, hashtext($2))', [DATASET_LOCK_CLASS, dataset]);
        }
      } catch (err) {
        await lockClient.end().catch(() => undefined);
        throw storeError(err, where);
      }
      try {
        return await fn();
      } finally {
        // Ending the session releases its advisory locks.
        await lockClient.end().catch(() => undefined);
      }
    },
    close: () => pool.end(),
  };
}

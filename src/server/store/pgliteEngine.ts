/**
 * The embedded engine: PostgreSQL compiled to WebAssembly (PGlite) with pgvector, its data in a
 * folder, nothing to install and no server. The store folder holds:
 *   pgdata/      PGlite's data directory (PG_VERSION, base/, pg_wal/ ...)
 *   store.lock   while a process has the store open (folderLock.ts)
 * A new store is initialised in a temporary folder beside pgdata/ and renamed into place, so a process
 * killed while creating one leaves no half-made pgdata/ (the temporary folder is removed by the next
 * opener once its writer is dead). A folder that holds anything else is refused rather than written
 * into, and a pgdata/ PGlite cannot open is reported as such with its path; neither is ever modified.
 *
 * PGlite loads its .wasm and .data files, and the vector extension its tarball, from beside its own
 * module: both packages must stay outside the bundle (scripts/build.mjs externals) and ship in node_modules.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { TicketLensError } from '../../shared/api';
import { removeLeftovers, tempOwner, tempSuffix } from '../data/atomic';
import type { SqlEngine, SqlRunner } from './engine';
import { LOCK_FILE, lockFolder, type FolderLockOptions } from './folderLock';
import { KeyedMutex } from './keyedMutex';

export const PGDATA = 'pgdata';

const bad = (message: string, dir: string) => new TicketLensError('bad_input', message, { store: dir });

function create(dataDir: string): Promise<PGlite> {
  return PGlite.create(dataDir, { extensions: { vector } });
}

function runner(db: PGlite | Transaction): SqlRunner {
  return {
    async query<R>(sql: string, params: readonly unknown[] = []): Promise<R[]> {
      return (await db.query<R>(sql, [...params])).rows;
    },
    async exec(sql: string): Promise<void> {
      await db.exec(sql);
    },
    async copyFrom(sql: string, data: Uint8Array): Promise<void> {
      await db.query(sql, [], { blob: new Blob([data]) });
    },
  };
}

/** Whether `folder` holds an embedded store already (opening it does not create one). */
export function pgliteStoreExists(folder: string): boolean {
  return existsSync(join(resolve(folder), PGDATA, 'PG_VERSION'));
}

/** What is in the store folder: a store to open, nothing yet, or something that is not ours. */
function inspect(dir: string): 'store' | 'empty' {
  const pgdata = join(dir, PGDATA);
  if (existsSync(join(pgdata, 'PG_VERSION'))) return 'store';
  if (existsSync(pgdata)) {
    throw bad(`The ticket store at ${dir} is corrupt: ${pgdata} has no PG_VERSION file. Nothing was changed; restore the folder from a backup, or move it away to start a new store.`, dir);
  }
  const others = readdirSync(dir).filter((n) => n !== LOCK_FILE && tempOwner(n) === null);
  if (others.length > 0) {
    throw bad(
      `${dir} is not a ticket store (it has no ${PGDATA}/ folder) and is not empty (${others.slice(0, 3).join(', ')}${others.length > 3 ? ', …' : ''}). Nothing was written; choose an empty folder or an existing store.`,
      dir,
    );
  }
  return 'empty';
}

async function initialise(dir: string): Promise<void> {
  const tmp = join(dir, `.${PGDATA}.${tempSuffix('tmp')}`);
  try {
    const db = await create(tmp);
    await db.close();
    await rename(tmp, join(dir, PGDATA));
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
}

async function openExisting(dir: string): Promise<PGlite> {
  const pgdata = join(dir, PGDATA);
  try {
    return await create(pgdata);
  } catch (err) {
    let version = '?';
    try {
      version = readFileSync(join(pgdata, 'PG_VERSION'), 'utf8').trim();
    } catch {
      // reported as unknown
    }
    throw bad(
      `The ticket store at ${dir} cannot be opened: ${pgdata} is corrupt or was made by another PostgreSQL version (its PG_VERSION is ${version}) (${(err as Error).message}). Nothing was changed; restore the folder from a backup, or move it away to start a new store.`,
      dir,
    );
  }
}

export async function openPglite(folder: string, lockOpts: FolderLockOptions = {}): Promise<SqlEngine> {
  const dir = resolve(folder);
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw bad(`${dir} is a file, not a ticket store folder.`, dir);
  await mkdir(dir, { recursive: true });
  const lock = await lockFolder(dir, lockOpts);
  let db: PGlite;
  try {
    await removeLeftovers(dir);
    if (inspect(dir) === 'empty') await initialise(dir);
    db = await openExisting(dir);
    await db.exec('SET search_path TO ticket_lens, public');
  } catch (err) {
    await lock.release();
    throw err;
  }
  const datasets = new KeyedMutex();
  const base = runner(db);
  return {
    kind: 'pglite',
    where: dir,
    query: base.query,
    exec: base.exec,
    copyFrom: base.copyFrom,
    transaction: (fn) => db.transaction((tx) => fn(runner(tx))),
    // The folder lock keeps every other process out while the store is open: only this process's own
    // ingests can meet, and they queue here.
    withDatasetLock(dataset, onWait, fn) {
      if (datasets.busy(dataset)) onWait();
      return datasets.run(dataset, fn);
    },
    async close() {
      try {
        await db.close();
      } finally {
        await lock.release();
      }
    },
  };
}

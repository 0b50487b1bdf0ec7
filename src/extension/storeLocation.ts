/**
 * Which ticket store the extension works with, without the editor (storeConfig.ts feeds it):
 * `ticketLens.database` empty is the embedded store in the workspace's `.ticket-lens/store`; otherwise
 * a PostgreSQL connection string WITHOUT its password. Settings are plain text (and may be synced), so
 * the password lives in SecretStorage, filed under the connection string it belongs to, and is put into
 * the string only for the request that carries it to the local server.
 */
import { join } from 'node:path';
import { TicketLensError, type StoreLocation } from '../shared/api';

export type DatabaseSetting = { kind: 'embedded' } | { kind: 'server'; url: string };

const bad = (message: string) => new TicketLensError('bad_input', message);

/** The setting's value checked: empty, or a postgres:// string that holds no password. */
export function parseDatabaseSetting(raw: unknown): DatabaseSetting {
  const value = typeof raw === 'string' ? raw.trim() : '';
  if (value === '') return { kind: 'embedded' };
  // The value is not echoed: it may hold a password.
  if (!/^postgres(ql)?:\/\//i.test(value)) throw bad('ticketLens.database must be empty (the embedded store) or a postgres:// connection string.');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw bad('ticketLens.database is not a valid connection string (postgres://user@host:5432/database).');
  }
  if (url.password || [...url.searchParams.keys()].some((k) => /pass/i.test(k))) {
    throw bad('ticketLens.database holds a password. Settings are plain text and may be synced: remove the password from the setting and store it with "Ticket Lens: Set Database Password".');
  }
  return { kind: 'server', url: value };
}

/** Where the password of a connection string is kept in SecretStorage: under that string, so it is never sent to another server. */
export function passwordKey(url: string): string {
  return `ticketLens.databasePassword:${url}`;
}

/** The connection string with its password, for the one request that carries it. */
export function withPassword(url: string, password: string | null): string {
  if (!password) return url;
  const u = new URL(url);
  // Encoded in full: the URL setter leaves `#` and `%` as they are, which the driver would misread.
  u.password = encodeURIComponent(password);
  return u.toString();
}

/** The store of a setting, a password and the workspace folder (null: no folder open). */
export function storeLocation(setting: DatabaseSetting, password: string | null, workspaceDir: string | null): StoreLocation {
  if (setting.kind === 'server') return { url: withPassword(setting.url, password) };
  if (workspaceDir === null) throw bad('Open a folder first: the embedded ticket store lives in the workspace, in .ticket-lens/store (or set ticketLens.database to a PostgreSQL server).');
  return { dir: embeddedStoreDir(workspaceDir) };
}

export function embeddedStoreDir(workspaceDir: string): string {
  return join(workspaceDir, '.ticket-lens', 'store');
}

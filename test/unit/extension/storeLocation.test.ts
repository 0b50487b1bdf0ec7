/**
 * Which ticket store the extension sends (src/extension/storeLocation.ts): the embedded store in the
 * workspace, or a PostgreSQL server whose connection string the setting holds without a password and
 * which gets the SecretStorage password only when it is sent — read back as the driver reads it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'pg-connection-string';
import { describe, expect, it } from 'vitest';
import { StoreLocation } from '../../../src/shared/api';
import { embeddedStoreDir, parseDatabaseSetting, passwordKey, storeLocation, withPassword } from '../../../src/extension/storeLocation';

interface Declared {
  contributes: { configuration: { properties: Record<string, { default: unknown; scope?: string }> } };
}
const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as Declared;

describe('the ticket store of the extension', () => {
  it('ticketLens.database is a machine setting, empty by default: a workspace cannot point the extension at a database', () => {
    expect(pkg.contributes.configuration.properties['ticketLens.database']).toMatchObject({ default: '', scope: 'machine' });
  });

  it('empty (or blank) is the embedded store in the workspace folder; none open is an error saying so', () => {
    for (const v of ['', '   ', undefined, null]) expect(parseDatabaseSetting(v)).toEqual({ kind: 'embedded' });
    expect(storeLocation({ kind: 'embedded' }, null, '/ws/project')).toEqual({ dir: join('/ws/project', '.ticket-lens', 'store') });
    expect(embeddedStoreDir('/ws/project')).toBe(join('/ws/project', '.ticket-lens', 'store'));
    expect(() => storeLocation({ kind: 'embedded' }, null, null)).toThrow(/Open a folder first/);
  });

  it('a connection string without a password is a server store, sent as the route expects it', () => {
    for (const url of ['postgres://tl@db.example.com:5432/support', 'postgresql://tl@127.0.0.1/tickets?sslmode=require']) {
      const s = parseDatabaseSetting(` ${url} `);
      expect(s).toEqual({ kind: 'server', url });
      const loc = storeLocation(s, null, '/ws');
      expect(loc).toEqual({ url });
      expect(StoreLocation.safeParse(loc).success).toBe(true);
    }
  });

  it('a password in the setting is refused (settings are plain text), without repeating it', () => {
    for (const bad of ['postgres://tl:hunter2@db/support', 'postgres://tl@db/support?password=hunter2', 'postgres://tl@db/support?sslpassword=hunter2']) {
      let message = '';
      try {
        parseDatabaseSetting(bad);
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).toMatch(/holds a password.*Set Database Password/);
      expect(message).not.toContain('hunter2');
    }
    expect(() => parseDatabaseSetting('mysql://tl:hunter2@db/x')).toThrow(/postgres:\/\/ connection string\.$/);
    expect(() => parseDatabaseSetting('mysql://tl:hunter2@db/x')).not.toThrow(/hunter2/);
  });

  it('the stored password is put into the string as the driver reads it back, whatever its characters', () => {
    const url = 'postgres://ticketlens@db.example.com:5432/support';
    for (const password of ['plain', 'p@ss:w/rd?#%', 'späße €', "quote'\"space "]) {
      const sent = withPassword(url, password);
      const read = parse(sent);
      expect(read).toMatchObject({ user: 'ticketlens', password, host: 'db.example.com', port: '5432', database: 'support' });
      expect(storeLocation({ kind: 'server', url }, password, null)).toEqual({ url: sent });
    }
    expect(withPassword(url, null)).toBe(url);
    expect(withPassword(url, '')).toBe(url);
  });

  it('a password is filed under its connection string, so it is never sent to another server', () => {
    expect(passwordKey('postgres://a@one/db')).not.toBe(passwordKey('postgres://a@two/db'));
    expect(passwordKey('postgres://a@one/db')).toBe(passwordKey('postgres://a@one/db'));
  });
});

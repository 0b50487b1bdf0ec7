/**
 * `ticket-lens ingest`, the built CLI as a child process, on both engines: its progress and summary,
 * a kill -9 in the middle and the resume (no duplicate, no lost row, nothing embedded twice), two
 * ingests of one dataset at once in two processes (the embedded store's lock file; the server's
 * advisory lock is met by two connections in ingest.test.ts), and the PostgreSQL server going away in
 * the middle (a clean failure naming it, then a resume).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IngestResult, type StoreLocation } from '../../../src/shared/api';
import { openStore } from '../../../src/server/store';
import { CLI } from '../../support/cli';
import { modelDir } from '../../support/model';
import { storeEngines } from './engines';
import { sampleTickets, tempDir, writeTickets } from './fixtures';

const engines = storeEngines();
const dir = tempDir('cli');
const tickets = sampleTickets();
const csv = writeTickets(dir, 'tickets.csv', tickets);
const N = tickets.length;

beforeAll(() => engines.setup(), 180_000);
afterAll(() => engines.teardown());

interface Running {
  stderr(): string;
  stdout(): string;
  kill(): void;
  exit: Promise<number | null>;
}

function ingest(where: StoreLocation, ...args: string[]): Running {
  const target = 'dir' in where ? ['--store', where.dir] : ['--database', where.url];
  const child = spawn(
    process.execPath,
    [CLI, 'ingest', csv, '--text-column', 'text', '--id-column', 'id', '--date-column', 'created_at', '--dataset', 'tickets', ...target, '--model', modelDir(), '--device', 'cpu', '--no-cache', ...args],
    { env: { ...process.env, TICKET_LENS_CACHE: join(dir, 'cache') } },
  );
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return {
    stderr: () => err,
    stdout: () => out,
    kill: () => child.kill('SIGKILL'),
    exit: new Promise((r) => child.once('close', (code) => r(code))),
  };
}

async function until(what: string, ok: () => boolean, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function finished(r: Running): Promise<IngestResult> {
  const code = await r.exit;
  expect(code, r.stderr()).toBe(0);
  return IngestResult.parse(JSON.parse(r.stdout()));
}

/** Tickets and vectors of the dataset as stored, and whether any ticket id is stored twice. */
async function stored(where: StoreLocation): Promise<{ tickets: number; distinct: number; vectors: number }> {
  const store = await openStore(where);
  try {
    const [r] = await store.engine.query<{ tickets: number; distinct: number; vectors: number }>(
      `SELECT count(*)::int AS tickets, count(DISTINCT t.ticket_id)::int AS distinct, count(e.ticket_pk)::int AS vectors
       FROM tickets t LEFT JOIN embeddings e ON e.ticket_pk = t.pk WHERE t.dataset_id = (SELECT id FROM datasets WHERE name = 'tickets')`,
    );
    return r;
  } finally {
    await store.close();
  }
}

describe('ticket-lens ingest (embedded store)', () => {
  it('reports progress on stderr and a summary on stdout; --json prints the result', async () => {
    const where = { dir: join(dir, 'summary') };
    const r = ingest(where, '--limit', '40', '--batch-size', '10');
    expect(await r.exit, r.stderr()).toBe(0);
    expect(r.stderr()).toContain('ingest: batch 4/4 committed (40/40 rows)');
    const summary = `dataset "tickets" in ${where.dir}: ${N} rows read, dated 2024-01-01 to 2024-01-12 — 40 new, 0 updated, 0 unchanged, ${N - 40} skipped (${N - 40} beyond --limit); 40 embedded; 40 tickets stored; `;
    expect(r.stdout().startsWith(summary), r.stdout()).toBe(true);
    expect(r.stdout().slice(summary.length)).toMatch(/^\d+\.\d s\n$/);
    const again = await finished(ingest(where, '--limit', '40', '--json'));
    expect(again).toMatchObject({ new: 0, unchanged: 40, embedded: 0, total: 40 });
  });

  it('killed with SIGKILL in the middle, resumes: no duplicate, no lost row, nothing embedded twice', async () => {
    const where = { dir: join(dir, 'killed') };
    const r = ingest(where, '--batch-size', '10', '--json');
    await until('two committed batches', () => r.stderr().includes('batch 2/30 committed'));
    r.kill();
    await r.exit;
    const before = await stored(where);
    expect(before.tickets).toBeGreaterThanOrEqual(20);
    expect(before.tickets).toBeLessThan(N);
    expect(before.vectors).toBe(before.tickets); // a ticket and its vector commit together
    const resumed = await finished(ingest(where, '--batch-size', '10', '--json'));
    expect(resumed).toMatchObject({ new: N - before.tickets, unchanged: before.tickets, embedded: N - before.tickets, total: N, resumed: true });
    expect(await stored(where)).toEqual({ tickets: N, distinct: N, vectors: N });
  });

  it('runs two ingests of one dataset one after the other (the store lock): each row stored and embedded once', async () => {
    const where = { dir: join(dir, 'twice') };
    const [a, b] = [ingest(where, '--json', '--batch-size', '50'), ingest(where, '--json', '--batch-size', '50')];
    const [ra, rb] = [await finished(a), await finished(b)];
    expect(ra.new + rb.new).toBe(N);
    expect(ra.embedded + rb.embedded).toBe(N);
    expect(a.stderr() + b.stderr()).toMatch(/the store is in use by process \d+ \(ingest .*\); waiting for it/);
    expect(await stored(where)).toEqual({ tickets: N, distinct: N, vectors: N });
  });
});

describe('ticket-lens ingest --database (PostgreSQL server)', () => {
  it('fails cleanly when the server goes away in the middle, and resumes once it is back', async () => {
    const server = engines.server();
    const where = { url: await server.createDatabase('cli_gone') };
    const r = ingest(where, '--batch-size', '10');
    await until('two committed batches', () => r.stderr().includes('batch 2/30 committed'));
    await server.stop({ immediate: true });
    expect(await r.exit).toBe(1);
    expect(r.stderr()).toMatch(
      new RegExp(`ticket-lens: The PostgreSQL server at postgres://postgres@127\\.0\\.0\\.1:${server.port}/cli_gone cannot be reached or went away .*\\d+ of ${N} rows to write were committed and are kept; run the same ingest again to resume\\.`),
    );
    await server.start();
    const before = await stored(where);
    expect(before.tickets).toBeGreaterThanOrEqual(20);
    expect(before.vectors).toBe(before.tickets);
    const resumed = await finished(ingest(where, '--batch-size', '10', '--json'));
    expect(resumed).toMatchObject({ new: N - before.tickets, embedded: N - before.tickets, total: N, resumed: true });
    expect(await stored(where)).toEqual({ tickets: N, distinct: N, vectors: N });
  });
});

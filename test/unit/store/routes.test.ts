/**
 * The ticket store through the model server (routes/store.ts), a real server confined to one folder:
 * an ingest job with progress per committed batch, a cancel that ends it within a second keeping the
 * committed batches and a second request that resumes, the dataset listing, the allowed roots, a
 * PostgreSQL connection string whose password never leaves the request, and the embedded store held
 * by a `ticket-lens ingest` process (the listing names it).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IngestResult, JobInfo, StoreDatasets, type StoreIngestRequest } from '../../../src/shared/api';
import type { Logger } from '../../../src/server/log';
import { startServer, type RunningServer } from '../../../src/server/serve';
import { CLI } from '../../support/cli';
import { callServer, errorOf } from '../../support/http';
import { modelDir } from '../../support/model';
import { startPostgres, type PgServer } from '../../support/postgres';
import { sampleTickets, tempDir, writeTickets, type Ticket } from './fixtures';

const root = tempDir('routes');
const outside = tempDir('routes-outside');
const tickets = sampleTickets();
const csv = writeTickets(root, 'tickets.csv', tickets);
/** The same tickets with texts no cache has seen: embedding them takes real time. */
const fresh = (tag: string, copies = 1): Ticket[] =>
  Array.from({ length: copies }, (_, c) => tickets.map((t) => ({ ...t, id: `${t.id}-${c}`, text: `${t.text} (${tag} ${c})` }))).flat();
const defaultStore = join(root, '.ticket-lens', 'store');
const logLines: string[] = [];
const log: Logger = { debug: (m) => logLines.push(m), info: (m) => logLines.push(m), warn: (m) => logLines.push(m), error: (m) => logLines.push(m) };

let server: RunningServer;
let pg: PgServer;

const call = (method: 'GET' | 'POST', path: string, body?: unknown) => callServer(server, method, path, body);

async function submit(req: StoreIngestRequest): Promise<JobInfo> {
  const res = await call('POST', '/store/ingest', req);
  expect(res.status, JSON.stringify(await res.clone().json())).toBe(202);
  return JobInfo.parse(await res.json());
}

async function datasets(store?: StoreIngestRequest['store']): Promise<StoreDatasets> {
  const res = store ? await call('POST', '/store/datasets', { store }) : await call('GET', '/store/datasets');
  expect(res.status, JSON.stringify(await res.clone().json())).toBe(200);
  return StoreDatasets.parse(await res.json());
}

const columns = { textColumn: 'text', idColumn: 'id', dateColumn: 'created_at' };

beforeAll(async () => {
  pg = await startPostgres();
  server = await startServer({ modelDir: modelDir(), device: 'cpu', cacheDir: join(root, 'cache'), allowRoots: [root], log });
}, 180_000);
afterAll(async () => {
  await server?.close();
  await pg?.dispose();
});

describe('the ticket store through the server', () => {
  it('documents its routes in the OpenAPI document, from the same schemas', async () => {
    const doc = (await (await call('GET', '/openapi.json')).json()) as { paths: Record<string, Record<string, { requestBody?: unknown }>> };
    expect(JSON.stringify(doc.paths['/store/ingest']?.post?.requestBody)).toContain('"csvPath"');
    expect(JSON.stringify(doc.paths['/store/datasets']?.post?.requestBody)).toContain('"store"');
    expect(doc.paths['/store/datasets']?.get).toBeDefined();
  });

  it('lists an embedded store not made yet as empty, without creating it', async () => {
    const r = await datasets();
    expect(r).toEqual({ store: defaultStore, kind: 'embedded', exists: false, datasets: [] });
    expect(existsSync(defaultStore)).toBe(false);
  });

  it('ingests a CSV as a job reporting each committed batch, then lists the dataset with its counts, dates, last ingest and model', async () => {
    const job = await submit({ csvPath: csv, ...columns, dataset: 'tickets', batchSize: 100 });
    const seen: string[] = [];
    const off = server.ctx.jobs.subscribe((j) => j.id === job.id && j.progress?.message && seen.push(j.progress.message));
    const done = await server.ctx.jobs.wait(job.id);
    off();
    expect(done.state, JSON.stringify(done.error)).toBe('succeeded');
    const result = IngestResult.parse(done.result);
    expect(result).toMatchObject({ dataset: 'tickets', store: defaultStore, rows: 300, new: 300, embedded: 300, total: 300 });
    expect(seen).toEqual(expect.arrayContaining(['1 of 3 batches committed', '2 of 3 batches committed', '3 of 3 batches committed']));

    const listed = await datasets();
    expect(listed.exists).toBe(true);
    const d = listed.datasets.find((x) => x.name === 'tickets');
    expect(d).toMatchObject({ sourcePath: csv, textColumn: 'text', idColumn: 'id', dateColumn: 'created_at', tickets: 300, embedded: 300 });
    const times = tickets.map((t) => t.at);
    expect(d?.dates).toEqual({ first: new Date(Math.min(...times)).toISOString(), last: new Date(Math.max(...times)).toISOString() });
    expect(Date.now() - Date.parse(d!.lastIngestAt!)).toBeLessThan(60_000);
    expect(d?.model?.id).toMatch(/all-MiniLM-L6-v2/);
    // The same listing by POST, naming the folder.
    expect((await datasets({ dir: defaultStore })).datasets).toEqual(listed.datasets);
  });

  it('a cancel ends the job within a second, keeping the committed batches; the same request resumes without embedding them again', async () => {
    const file = writeTickets(root, 'cancel.csv', fresh('cancel'));
    const req: StoreIngestRequest = { csvPath: file, ...columns, dataset: 'cancel', batchSize: 16 };
    const job = await submit(req);
    const firstBatch = new Promise<void>((resolve) => {
      const off = server.ctx.jobs.subscribe((j) => {
        if (j.id === job.id && (j.progress?.done ?? 0) >= 16) {
          off();
          resolve();
        }
      });
    });
    await firstBatch;
    const asked = Date.now();
    expect((await call('POST', `/jobs/${job.id}/cancel`, {})).status).toBe(200);
    const ended = await server.ctx.jobs.wait(job.id);
    const took = Date.now() - asked;
    expect(ended.state).toBe('cancelled');
    expect(took, `the job ended ${took} ms after the cancel`).toBeLessThan(1000);

    const kept = (await datasets()).datasets.find((x) => x.name === 'cancel');
    expect(kept, 'the committed batches are kept').toBeDefined();
    expect(kept!.tickets).toBeGreaterThanOrEqual(16);
    expect(kept!.tickets).toBeLessThan(300);
    expect(kept!.tickets % 16, 'whole batches only').toBe(0);
    expect(kept!.embedded).toBe(kept!.tickets);

    const again = await server.ctx.jobs.wait((await submit(req)).id);
    expect(again.state, JSON.stringify(again.error)).toBe('succeeded');
    const r = IngestResult.parse(again.result);
    expect(r.resumed).toBe(true);
    expect(r.new).toBe(300 - kept!.tickets);
    expect(r.embedded, 'nothing stored is embedded again').toBe(300 - kept!.tickets);
    expect(r.unchanged).toBe(kept!.tickets);
    expect(r.total).toBe(300);
  });

  it('honours the allowed roots: a CSV or a store folder outside them is refused', async () => {
    const out = writeTickets(outside, 'tickets.csv', tickets.slice(0, 5));
    const csvOut = await call('POST', '/store/ingest', { csvPath: out, textColumn: 'text' });
    expect(csvOut.status).toBe(403);
    expect((await errorOf(csvOut)).message).toMatch(/outside the folders this server may use/);
    const storeOut = await call('POST', '/store/ingest', { csvPath: csv, textColumn: 'text', store: { dir: join(outside, 'store') } });
    expect(storeOut.status).toBe(403);
    const listOut = await call('POST', '/store/datasets', { store: { dir: join(tmpdir(), 'elsewhere', 'store') } });
    expect(listOut.status).toBe(403);
    expect(existsSync(join(outside, 'store'))).toBe(false);
  });

  it('a PostgreSQL store: used for the request only, its password in no answer, error or log line', async () => {
    const secret = 'pw-S3cret-7f2a';
    const url = (await pg.createDatabase('routes')).replace('postgres@', `postgres:${secret}@`); // trust auth: the password is accepted and unused
    const job = await server.ctx.jobs.wait((await submit({ csvPath: csv, ...columns, dataset: 'shared', batchSize: 150, store: { url } })).id);
    expect(job.state, JSON.stringify(job.error)).toBe('succeeded');
    const r = IngestResult.parse(job.result);
    expect(r.total).toBe(300);
    expect(r.store).not.toContain(secret);
    const listed = await datasets({ url });
    expect(listed.kind).toBe('postgres');
    expect(listed.store).not.toContain(secret);
    expect(listed.datasets.map((d) => d.name)).toEqual(['shared']);

    // A server that is not there: the error names it, without the password.
    const gone = `postgres://someone:${secret}@127.0.0.1:1/tickets`;
    const res = await call('POST', '/store/datasets', { store: { url: gone } });
    expect(res.status).toBeGreaterThanOrEqual(400);
    const err = await errorOf(res);
    expect(err.message).toMatch(/127\.0\.0\.1:1/);
    expect(JSON.stringify(err)).not.toContain(secret);
    const failed = await server.ctx.jobs.wait((await submit({ csvPath: csv, textColumn: 'text', store: { url: gone } })).id);
    expect(failed.state).toBe('failed');
    expect(failed.error?.message).toMatch(/127\.0\.0\.1:1/);
    expect(JSON.stringify(failed)).not.toContain(secret);
    expect(logLines.filter((l) => l.includes(secret))).toEqual([]);
  });

  it('an embedded store held by a `ticket-lens ingest` process: the listing names the process instead of waiting for it', async () => {
    const file = writeTickets(root, 'busy.csv', fresh('busy', 3));
    const cache = join(root, 'cli-cache');
    mkdirSync(cache, { recursive: true });
    const child = spawn(
      process.execPath,
      [CLI, 'ingest', file, '--text-column', 'text', '--id-column', 'id', '--dataset', 'busy', '--store', defaultStore, '--batch-size', '16', '--model', modelDir(), '--device', 'cpu', '--no-cache'],
      { env: { ...process.env, TICKET_LENS_CACHE: cache } },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exit = new Promise<number | null>((r) => child.once('close', (code) => r(code)));
    try {
      const end = Date.now() + 120_000;
      while (!/batch 1\//.test(stderr)) {
        if (Date.now() > end || child.exitCode !== null) throw new Error(`the CLI ingest did not start committing: ${stderr}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      const res = await call('GET', '/store/datasets');
      expect(res.status).toBe(422);
      expect((await errorOf(res)).message).toMatch(new RegExp(`in use by process ${child.pid}\\b.*ingest`));
    } finally {
      expect(await exit, stderr).toBe(0);
    }
    expect((await datasets()).datasets.find((d) => d.name === 'busy')?.tickets).toBe(900);
  });
});

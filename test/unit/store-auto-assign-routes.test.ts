/**
 * The ingest job's assign step and the trends job through a real server confined to one folder, on the
 * embedded store in `<root>/.ticket-lens/store`: a run clustered from the store (the built CLI) into
 * `<root>/.ticket-lens/runs`, as the extension's workspace has it; an ingest job then assigns the new
 * tickets to it and says so in its result; the listing shows the run with where those tickets went; a
 * trends job writes the run's trends.json from the store; and `assign: false` stores only.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { callServer } from '../support/http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobInfo, StoreDatasets, StoreIngestResult, TrendsFile, TRENDS_JSON, type StoreIngestRequest, type StoreTrendsRequest } from '../../src/shared/api';
import { silentLogger } from '../../src/server/log';
import { startServer, type RunningServer } from '../../src/server/serve';
import { CLI } from '../support/cli';
import { modelDir } from '../support/model';
import { sampleTickets, tempDir, writeTickets } from './store/fixtures';

const root = tempDir('auto-assign-routes');
const tickets = sampleTickets();
const first = writeTickets(root, 'first.csv', tickets.slice(0, 240));
const all = writeTickets(root, 'all.csv', tickets);
const more = writeTickets(root, 'more.csv', [...tickets, { ...tickets[0], id: 'X-1', text: 'please close my account and delete my data' }]);
const store = { dir: join(root, '.ticket-lens', 'store') };
const runDir = join(root, '.ticket-lens', 'runs', 'tickets-run');
const log = silentLogger;
const columns = { textColumn: 'text', idColumn: 'id', dateColumn: 'created_at', dataset: 'tickets', batchSize: 100, store };

let server: RunningServer;

const call = (path: string, body: unknown) => callServer(server, 'POST', path, body);

async function job(path: string, body: StoreIngestRequest | StoreTrendsRequest): Promise<unknown> {
  const res = await call(path, body);
  expect(res.status, JSON.stringify(await res.clone().json())).toBe(202);
  const done = await server.ctx.jobs.wait(JobInfo.parse(await res.json()).id);
  expect(done.state, JSON.stringify(done.error)).toBe('succeeded');
  return done.result;
}

const ingest = async (req: StoreIngestRequest) => StoreIngestResult.parse(await job('/store/ingest', req));

function cli(...args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, TICKET_LENS_CACHE: join(root, 'cache'), TICKET_LENS_DATABASE: '' }, cwd: root });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('close', (code) => resolve({ code, stderr }));
  });
}

beforeAll(async () => {
  server = await startServer({ modelDir: modelDir(), device: 'cpu', cacheDir: join(root, 'cache'), allowRoots: [root], log });
}, 180_000);
afterAll(() => server?.close());

describe('the ingest job assigns new tickets to the latest run made from the dataset', () => {
  it('no run yet: stored only; after cluster --store: the new tickets go to it, the listing shows where, and a trends job writes the run’s trends', async () => {
    const before = await ingest({ csvPath: first, ...columns });
    expect(before.assignment).toMatchObject({ status: 'skipped', reason: 'no-run' });

    const clustered = await cli('cluster', '--store', '--store-dir', store.dir, '--depth', '1', '--out', runDir, '--quiet', '--model', modelDir(), '--device', 'cpu');
    expect(clustered.code, clustered.stderr).toBe(0);

    const after = await ingest({ csvPath: all, ...columns });
    const a = after.assignment;
    if (a.status !== 'assigned') throw new Error(`expected the 60 new tickets assigned, got ${JSON.stringify(a)}`);
    expect(a).toMatchObject({ chosen: 'latest', runDir, tickets: 60 });

    const listed = StoreDatasets.parse(await (await call('/store/datasets', { store })).json());
    expect(listed.datasets.find((d) => d.name === 'tickets')?.run).toEqual({ runDir, runId: a.runId, createdAt: a.runCreatedAt, assigned: a.assigned, noise: a.noise, new: a.new, pending: 0 });

    const trends = TrendsFile.parse(await job('/store/trends', { store, runDir, dataset: 'tickets' }));
    expect(trends.dated).toBe(300);
    expect(existsSync(join(runDir, TRENDS_JSON))).toBe(true);

    const off = await ingest({ csvPath: more, ...columns, assign: false });
    expect(off.assignment).toMatchObject({ status: 'skipped', reason: 'off' });
    const pending = StoreDatasets.parse(await (await call('/store/datasets', { store })).json());
    expect(pending.datasets[0].run).toMatchObject({ runId: a.runId, pending: 1 });
  }, 600_000);

  it('refuses a named run outside the allowed roots before ingesting anything', async () => {
    const res = await call('/store/ingest', { csvPath: all, ...columns, runDir: tempDir('elsewhere') });
    expect(res.status).toBe(403);
  });
});

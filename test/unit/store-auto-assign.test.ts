/**
 * New tickets into known clusters automatically after an ingest (issue 13), on both engines with the
 * real model: 240 tickets ingested and clustered with the built CLI's `cluster --store`, then the whole
 * file (60 more) ingested — the 60 are assigned to that run, found as the latest run made from the
 * dataset, and written to the store's assignments table; the listing's counts say the same. The same
 * file again assigns nothing and loads no model; `assign: false` (CLI `--no-assign`) stores without
 * assigning, and the next ingest that assigns picks those up. Then the built CLI itself: `--no-assign`,
 * the default, and `--run DIR` (a folder that is no run fails before anything is stored).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunManifest, StoreIngestResult, type StoreLocation } from '../../src/shared/api';
import { datasetRunStatus, latestDatasetRun } from '../../src/server/ingestAssign/datasetRun';
import { ingestAndAssign } from '../../src/server/ingestAssign/ingestAndAssign';
import { silentLogger } from '../../src/server/log';
import { openStore, type Store } from '../../src/server/store';
import { embedderSource } from '../../src/server/store/ingest/embedderSource';
import { runCli } from '../support/cli';
import { modelDir } from '../support/model';
import { storeEngines } from './store/engines';
import { sampleTickets, tempDir, writeTickets, type Ticket } from './store/fixtures';

const engines = storeEngines();
const dir = tempDir('auto-assign');
const tickets = sampleTickets();
const first = writeTickets(dir, 'first.csv', tickets.slice(0, 240));
const all = writeTickets(dir, 'all.csv', tickets);
/** Two more tickets than `all`, with texts of their own. */
const extra: Ticket[] = [
  { ...tickets[0], id: 'X-1', text: 'where is the parcel I ordered last week, it still has not arrived' },
  { ...tickets[1], id: 'X-2', text: 'please close my account and delete my data' },
];
const more = writeTickets(dir, 'more.csv', [...tickets, ...extra]);
/** `more` with X-1 rewritten to another topic: an edited ticket, already assigned. */
const edited = writeTickets(dir, 'edited.csv', [...tickets, { ...extra[0], text: 'I forgot my password and cannot sign in to my account' }, extra[1]]);
const model = ['--model', modelDir(), '--device', 'cpu', '--no-cache'];
const env = { ...process.env, TICKET_LENS_CACHE: join(dir, 'cache'), TICKET_LENS_DATABASE: '' };
const log = silentLogger;
const columns = { textColumn: 'text', idColumn: 'id', dateColumn: 'created_at', dataset: 'tickets' };

const cli = (...args: string[]) => runCli(args, env, dir);

const storeFlag = (where: StoreLocation, flag: '--store' | '--store-dir') => ('dir' in where ? [flag, where.dir] : ['--database', where.url]);

/** An ingest then its assign step with the CLI's lazy model; how many times it loaded the model. */
async function ingestCounting(where: StoreLocation, csvPath: string, runsDir: string, assign = true) {
  let loads = 0;
  const source = embedderSource({ modelDir: modelDir(), device: 'cpu' }, () => loads++);
  const store = await openStore(where);
  try {
    const result = await ingestAndAssign(store, source, { csvPath, ...columns, batchSize: 100 }, { assign }, { runsDirs: [runsDir] }, { log });
    return { loads, result: StoreIngestResult.parse(result) };
  } finally {
    await store.close();
    await source.dispose();
  }
}

async function assignmentsOf(where: StoreLocation, runId: string): Promise<{ ticket_id: string; cluster_path: string | null; source: string }[]> {
  const store: Store = await openStore(where);
  try {
    return await store.engine.query('SELECT t.ticket_id, a.cluster_path, a.source FROM assignments a JOIN tickets t ON t.pk = a.ticket_pk WHERE a.run_id = $1 ORDER BY t.ticket_id', [runId]);
  } finally {
    await store.close();
  }
}

beforeAll(() => engines.setup(), 180_000);
afterAll(() => engines.teardown());

describe.each(engines.list)('an ingest after cluster --store on the $name', (engine) => {
  it('assigns the new tickets to the latest run made from the dataset and writes them to the store; the same file again assigns nothing; assign: false stores only', async () => {
    const where = await engine.fresh('autoassign');
    const runs = join(dir, `runs-${engine.kind}`);

    const before = await ingestCounting(where, first, runs);
    expect(before.result.new).toBe(240);
    expect(before.result.assignment).toMatchObject({ status: 'skipped', reason: 'no-run' });

    const runDir = join(runs, 'tickets-run');
    const clustered = await cli('cluster', '--store', '--dataset', 'tickets', '--depth', '1', '--out', runDir, '--quiet', ...storeFlag(where, '--store-dir'), ...model);
    expect(clustered.code, clustered.stderr).toBe(0);

    const after = await ingestCounting(where, all, runs);
    expect(after.result.new).toBe(60);
    const a = after.result.assignment;
    if (a.status !== 'assigned') throw new Error(`expected the 60 new tickets assigned, got ${JSON.stringify(a)}`);
    expect(a).toMatchObject({ chosen: 'latest', runDir, tickets: 60, withoutVector: 0 });
    expect(a.assigned + a.noise + a.new).toBe(60);
    // The sample's 10 intents are all in the first 240 rows: most of the 60 find their cluster.
    expect(a.assigned).toBeGreaterThanOrEqual(45);

    const stored = await assignmentsOf(where, a.runId);
    expect(stored.map((s) => s.ticket_id)).toEqual(tickets.slice(240).map((t) => t.id).sort());
    expect(stored.every((s) => s.source === 'assign')).toBe(true);
    expect(stored.filter((s) => s.cluster_path === null)).toHaveLength(a.new);

    const again = await ingestCounting(where, all, runs);
    expect(again.result.assignment).toMatchObject({ status: 'skipped', reason: 'nothing-new', runDir });
    expect(again.loads, 'nothing to embed or assign: the model is not loaded').toBe(0);

    const off = await ingestCounting(where, more, runs, false);
    expect(off.result.new).toBe(2);
    expect(off.result.assignment).toMatchObject({ status: 'skipped', reason: 'off' });
    expect(await assignmentsOf(where, a.runId)).toHaveLength(60);

    // What the Ticket Store view lists for the dataset: the run, where the 60 went, the 2 still to place.
    const store = await openStore(where);
    try {
      const found = await latestDatasetRun(store, 'tickets', [runs]);
      expect(found?.runDir).toBe(runDir);
      expect(await datasetRunStatus(store.engine, 'tickets', found!)).toEqual({
        runDir,
        runId: a.runId,
        createdAt: a.runCreatedAt,
        assigned: a.assigned,
        noise: a.noise,
        new: a.new,
        pending: 2,
      });
      // Another dataset's runs are not this one's.
      expect(await latestDatasetRun(store, 'other', [runs])).toBeNull();
    } finally {
      await store.close();
    }

    const next = await ingestCounting(where, more, runs);
    expect(next.result.assignment).toMatchObject({ status: 'assigned', tickets: 2 });
    expect(await assignmentsOf(where, a.runId)).toHaveLength(62);

    // An assigned ticket whose text an ingest changed is placed again, alone; the others keep their places.
    const placed = await assignmentsOf(where, a.runId);
    const re = await ingestCounting(where, edited, runs);
    expect(re.result.updated).toBe(1);
    expect(re.result.assignment).toMatchObject({ status: 'assigned', tickets: 1 });
    const after2 = await assignmentsOf(where, a.runId);
    expect(after2).toHaveLength(62);
    expect(after2.filter((s) => s.ticket_id !== 'X-1')).toEqual(placed.filter((s) => s.ticket_id !== 'X-1'));
    const again2 = await ingestCounting(where, edited, runs);
    expect(again2.result.assignment).toMatchObject({ status: 'skipped', reason: 'nothing-new' });
  }, 600_000);
});

describe('ticket-lens ingest (the built CLI) on the embedded store', () => {
  it('--no-assign stores only; by default the new tickets go to the latest run; --run names one, and a folder that is no run fails first', async () => {
    const where = { dir: join(dir, 'cli-store') };
    const ingest = (csv: string, ...flags: string[]) =>
      cli('ingest', csv, '--text-column', 'text', '--id-column', 'id', '--date-column', 'created_at', '--dataset', 'tickets', '--quiet', ...storeFlag(where, '--store'), ...flags, ...model);

    const made = await ingest(first, '--json');
    expect(made.code, made.stderr).toBe(0);
    expect(StoreIngestResult.parse(JSON.parse(made.stdout)).assignment).toMatchObject({ status: 'skipped', reason: 'no-run' });
    // Where cluster --store puts a run by default: ./.ticket-lens/runs, which ingest reads.
    const clustered = await cli('cluster', '--store', '--depth', '1', '--quiet', ...storeFlag(where, '--store-dir'), ...model);
    expect(clustered.code, clustered.stderr).toBe(0);
    const runDir = /run folder: (.+)/.exec(clustered.stdout)?.[1]?.trim();
    expect(runDir).toBeTruthy();

    const skipped = await ingest(all, '--no-assign', '--json');
    expect(skipped.code, skipped.stderr).toBe(0);
    const s = StoreIngestResult.parse(JSON.parse(skipped.stdout));
    expect(s.new).toBe(60);
    expect(s.assignment).toMatchObject({ status: 'skipped', reason: 'off' });
    const runId = RunManifest.parse(JSON.parse(readFileSync(join(runDir!, 'run.json'), 'utf8'))).id;
    expect(await assignmentsOf(where, runId)).toHaveLength(0);

    const wrong = await ingest(more, '--run', join(dir, 'no-such-run'));
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(/not a Ticket Lens run folder/);

    const auto = await ingest(more);
    expect(auto.code, auto.stderr).toBe(0);
    expect(auto.stdout).toMatch(/2 new/);
    // The 60 stored with --no-assign and the 2 new ones: every ticket since the run that it has not placed.
    expect(auto.stdout).toMatch(/assigned 62 tickets to run \S+ \(the latest run made from the dataset\): \d+ into clusters/);
    expect(auto.stdout).toContain(runDir);

    const named = await ingest(more, '--run', runDir!, '--json');
    expect(named.code, named.stderr).toBe(0);
    expect(StoreIngestResult.parse(JSON.parse(named.stdout)).assignment).toMatchObject({ status: 'skipped', reason: 'nothing-new', runDir });
  }, 600_000);
});

/**
 * New tickets and trends end to end, with the built CLI as a user runs it (real model): a run made from
 * dated tickets of nine intents; new tickets — later ones of those intents, and a tenth intent the run
 * never saw, all in the last week — assigned from a CSV and from the ticket store (both engines); then
 * `ticket-lens trends`: the tenth intent must show as the fastest-growing series (new/unassigned) and as
 * an emerging topic made of its tickets, in trends.json and in the run's summary.md.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AssignResult, ClusterParams, TrendsFile, type StoreLocation } from '../../../src/shared/api';
import { runClusterPipeline } from '../../../src/server/cluster/pipeline';
import { loadEmbedder } from '../../../src/server/embed';
import { silentLogger } from '../../../src/server/log';
import { openStore } from '../../../src/server/store';
import { runCli } from '../../support/cli';
import { modelDir } from '../../support/model';
import { DAY, isHeldOut, sampleRows, START, tempDir, UNSEEN_INTENT, writeRows, type SampleRow } from '../assign/fixtures';
import { storeEngines } from '../store/engines';

const dir = tempDir('trends');
const env = { TICKET_LENS_CACHE: join(dir, 'cache') };
const rows = sampleRows();
const iso = (t: number) => new Date(t).toISOString();

// The run's tickets over days 0–20; new ones: held-out rows of known intents over days 14–27, the unseen intent over days 21–27.
type Dated = SampleRow & { id: string; created_at: string };
const known: Dated[] = [];
const fresh: Dated[] = [];
rows.forEach((r, i) => {
  const id = `T-${i}`;
  if (r.intent === UNSEEN_INTENT) fresh.push({ ...r, id, created_at: iso(START + (21 + (i % 7)) * DAY + 3_600_000) });
  else if (isHeldOut(i)) fresh.push({ ...r, id, created_at: iso(START + (14 + (i % 14)) * DAY + 3_600_000) });
  else known.push({ ...r, id, created_at: iso(START + (i % 21) * DAY + 3_600_000) });
});
const knownCsv = writeRows(dir, 'known.csv', known);
const freshCsv = writeRows(dir, 'fresh.csv', fresh);
const unseenTexts = new Set(fresh.filter((r) => r.intent === UNSEEN_INTENT).map((r) => r.text));
const run = join(dir, 'run');

async function makeRun(out: string): Promise<void> {
  const embedder = await loadEmbedder({ modelDir: modelDir(), device: 'cpu', cacheDir: env.TICKET_LENS_CACHE });
  try {
    await runClusterPipeline({ csvPath: knownCsv, textColumn: 'text', outDir: out, params: ClusterParams.parse({}) }, { embedder, log: silentLogger });
  } finally {
    await embedder.dispose();
  }
}

function checkTrends(t: TrendsFile, total: number): void {
  expect(t.dated).toBe(total);
  expect(t.series.reduce((s, x) => s + x.total, 0)).toBe(total);
  for (const s of t.series) expect(s.counts).toHaveLength(t.buckets.length);
  // The unseen intent arrived in the last week only: the new/unassigned series grew fastest.
  expect(t.window?.currentStart.slice(0, 10)).toBe(iso(START + 21 * DAY).slice(0, 10));
  // (A held-out ticket of a known intent may be new too, 1 in 30 on this sample: a few in the week before.)
  expect(t.growth[0].cluster).toBe('new');
  expect(t.growth[0].current).toBeGreaterThanOrEqual(24);
  expect(t.growth[0].previous).toBeLessThanOrEqual(3);
  // One emerging topic, made of the unseen intent's tickets.
  const [topic] = t.emerging;
  expect(topic.size).toBeGreaterThanOrEqual(20);
  for (const ex of topic.examples) expect(unseenTexts.has(ex.text), ex.text).toBe(true);
  expect(topic.keywords.map((k) => k.term)).toContain('newsletter');
}

describe('trends from assigned CSVs', () => {
  const assigned = join(dir, 'fresh-assigned.csv');
  beforeAll(async () => {
    await makeRun(run);
    const r = await runCli(['assign', run, '--csv', freshCsv, '--text-column', 'text', '--id-column', 'id', '--date-column', 'created_at', '--out', assigned, '--model', modelDir(), '--quiet'], env);
    expect(r.code, r.stderr).toBe(0);
  });

  it("counts the run's rows and the new tickets per day, finds the new topic growing and emerging, and writes trends.json and summary.md", async () => {
    const r = await runCli(['trends', run, '--date-column', 'created_at', '--assigned', assigned, '--min-topic-size', '5', '--model', modelDir(), '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    const t = TrendsFile.parse(JSON.parse(r.stdout));
    expect(t.bucket).toBe('day');
    expect(t.buckets).toHaveLength(28);
    checkTrends(t, known.length + fresh.length);
    expect(TrendsFile.parse(JSON.parse(readFileSync(join(run, 'trends.json'), 'utf8')))).toEqual(t);
    const summary = readFileSync(join(run, 'summary.md'), 'utf8');
    expect(summary).toContain('## Trends');
    expect(summary).toMatch(/#### emerging\\\.0 — .*newsletter/);
  });

  it('refuses a date column whose cells are not dates, naming the row', async () => {
    const r = await runCli(['trends', run, '--date-column', 'intent'], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/row 1, column "intent": "\w+" is not a date/);
  });

  it('says what it needs when given no dated tickets', async () => {
    const r = await runCli(['trends', run], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Trends need dated tickets: --date-column/);
  });
});

const engines = storeEngines();
beforeAll(() => engines.setup(), 180_000);
afterAll(() => engines.teardown());

describe.each(engines.list)('from the ticket store ($name)', (engine) => {
  let where: StoreLocation;
  const target = () => ('dir' in where ? ['--store', where.dir] : ['--database', where.url]);
  const storeRun = join(dir, `run-${engine.kind}`);

  beforeAll(async () => {
    where = await engine.fresh('trends');
    const ingest = (csv: string) => runCli(['ingest', csv, '--text-column', 'text', '--id-column', 'id', '--date-column', 'created_at', '--dataset', 'tickets', ...target(), '--model', modelDir(), '--quiet'], env);
    expect((await ingest(knownCsv)).code).toBe(0);
    // The run is made after the known tickets were stored, and before the new ones arrive.
    await makeRun(storeRun);
    const r = await ingest(freshCsv);
    expect(r.code, r.stderr).toBe(0);
  });

  it('assigns the tickets stored since the run was made, once, into the store', async () => {
    const first = await runCli(['assign', storeRun, ...target(), '--model', modelDir(), '--json', '--quiet'], env);
    expect(first.code, first.stderr).toBe(0);
    const r = AssignResult.parse(JSON.parse(first.stdout));
    expect(r.tickets).toBe(fresh.length);
    expect(r.new).toBeGreaterThanOrEqual(24);
    const store = await openStore(where);
    try {
      const rows = await store.engine.query<{ n: number; unplaced: number }>(
        `SELECT count(*)::int AS n, count(*) FILTER (WHERE cluster_path IS NULL)::int AS unplaced FROM assignments WHERE run_id = $1 AND source = 'assign'`,
        [r.runDir.split(/[\\/]/).pop()],
      );
      expect(rows[0]).toEqual({ n: fresh.length, unplaced: r.new });
    } finally {
      await store.close();
    }
    const again = await runCli(['assign', storeRun, ...target(), '--model', modelDir(), '--json', '--quiet'], env);
    expect(again.code, again.stderr).toBe(0);
    expect(AssignResult.parse(JSON.parse(again.stdout)).tickets).toBe(0);
  });

  it("finds the same trends from the store's dates and vectors", async () => {
    const r = await runCli(['trends', storeRun, ...target(), '--min-topic-size', '5', '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    checkTrends(TrendsFile.parse(JSON.parse(r.stdout)), known.length + fresh.length);
  });
});

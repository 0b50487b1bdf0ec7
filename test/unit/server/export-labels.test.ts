// "Use reviewed clusters as labels" through the real server: a real run of the sample, reviewed
// clusters exported as text,label (deepest reviewed ancestor wins), then trained and used.
import { errorOf } from '../../support/http';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClassifyResponse, ClustersFile, ExportLabelsResult, JobInfo, TrainResult } from '../../../src/shared/api';
import { silentLogger } from '../../../src/server/log';
import { startServer, type RunningServer } from '../../../src/server/serve';
import { modelDir } from '../../support/model';
import { SAMPLE_CSV } from '../../support/sample';

let server: RunningServer;
const dir = mkdtempSync(join(tmpdir(), 'tl-export-'));
const runDir = join(dir, 'run');
// The run's input is a copy, so a regression in the never-over-the-input guard cannot damage the fixture.
const inputCsv = join(dir, 'sample.csv');
const post = (path: string, body: unknown) =>
  fetch(`${server.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
const edit = async (edits: unknown[]) => {
  const r = await post('/runs/edit', { runDir, edits });
  expect(r.status).toBe(200);
};
type Cluster = ClustersFile['clusters'][number];
let clusters: Cluster[];
const assignments = () => parse<{ text: string; cluster: string }>(readFileSync(join(runDir, 'assignments.csv')), { columns: true });

beforeAll(async () => {
  copyFileSync(SAMPLE_CSV, inputCsv);
  server = await startServer({ modelDir: modelDir(), device: 'cpu', cacheDir: join(dir, 'cache'), log: silentLogger });
  const job = JobInfo.parse(await (await post('/cluster', { csvPath: inputCsv, textColumn: 'text', outDir: runDir, params: { depth: 2, minClusterSize: 40, minClusterPct: 1, reassignOutliers: null } })).json());
  expect((await server.ctx.jobs.wait(job.id)).state).toBe('succeeded');
  clusters = ((await (await post('/runs/load', { runDir })).json()) as { clusters: Cluster[] }).clusters;
});
afterAll(() => server.close());

describe('reviewed clusters as labels', () => {
  it('needs reviewed, labelled clusters, and two labels at least', async () => {
    const none = await post('/runs/export-labels', { runDir });
    expect(none.status).toBe(422);
    expect((await errorOf(none)).message).toMatch(/no cluster is both labelled and marked reviewed\. Mark clusters as reviewed first/);
    const top = clusters.filter((c) => c.depth === 1 && !c.isNoise);
    await edit([
      { op: 'rename', id: top[0].id, label: 'Alpha' },
      { op: 'review', id: top[0].id, reviewed: true },
    ]);
    const one = await post('/runs/export-labels', { runDir });
    expect(one.status).toBe(422);
    expect((await errorOf(one)).message).toMatch(/at least two labels.*only "Alpha"/);
    // The same label in another case is the same class, so still one label.
    await edit([
      { op: 'rename', id: top[1].id, label: 'ALPHA' },
      { op: 'review', id: top[1].id, reviewed: true },
    ]);
    const same = await post('/runs/export-labels', { runDir });
    expect(same.status).toBe(422);
    expect((await errorOf(same)).message).toMatch(/at least two labels.*only "Alpha"/);
  });

  it('writes text,label for the rows of reviewed clusters, the deepest reviewed ancestor winning; the input untouched', async () => {
    const input = readFileSync(SAMPLE_CSV);
    const top = clusters.filter((c) => c.depth === 1 && !c.isNoise);
    const parent = top.find((c) => clusters.some((k) => k.parent === c.id && !k.isNoise));
    expect(parent, 'a top cluster with sub-clusters').toBeDefined();
    const sub = clusters.find((k) => k.parent === parent!.id && !k.isNoise)!;
    const other = top.find((c) => c.id !== parent!.id && c.id !== top[0].id) ?? top.find((c) => c.id !== parent!.id)!;
    await edit([
      { op: 'review', id: top[0].id, reviewed: false },
      { op: 'review', id: top[1].id, reviewed: false },
      { op: 'rename', id: parent!.id, label: 'Parent' },
      { op: 'review', id: parent!.id, reviewed: true },
      { op: 'rename', id: sub.id, label: 'Child' },
      { op: 'review', id: sub.id, reviewed: true },
      { op: 'rename', id: other.id, label: 'other label' },
      { op: 'review', id: other.id, reviewed: true },
    ]);
    const res = await post('/runs/export-labels', { runDir });
    expect(res.status).toBe(200);
    const r = ExportLabelsResult.parse(await res.json());
    expect(r.csvPath).toBe(join(runDir, 'reviewed-labels.csv'));
    const text = readFileSync(r.csvPath, 'utf8');
    expect(text.split('\n')[0]).toBe('text,label');
    const rows = parse<{ text: string; label: string }>(text, { columns: true });
    const a = assignments();
    const expected = a.flatMap((row) => {
      if (row.cluster === sub.id || row.cluster.startsWith(`${sub.id}.`)) return [{ text: row.text, label: 'Child' }];
      if (row.cluster === parent!.id || row.cluster.startsWith(`${parent!.id}.`)) return [{ text: row.text, label: 'Parent' }];
      if (row.cluster === other.id || row.cluster.startsWith(`${other.id}.`)) return [{ text: row.text, label: 'other label' }];
      return [];
    });
    expect(rows).toEqual(expected);
    expect(r.rows).toBe(expected.length);
    expect(r.skippedRows).toBe(a.length - expected.length);
    expect(new Set(r.labels.map((l) => l.label))).toEqual(new Set(['Parent', 'Child', 'other label']));
    expect(readFileSync(inputCsv).equals(input)).toBe(true);

    for (const [outPath, what] of [[inputCsv, "the run's input CSV"], [join(runDir, 'assignments.csv'), "the run's own assignments.csv"]]) {
      const refused = await post('/runs/export-labels', { runDir, outPath });
      expect(refused.status).toBe(422);
      expect((await errorOf(refused)).message).toContain(`is ${what}; choose another file (inputs are never modified)`);
    }
    expect(readFileSync(inputCsv).equals(input)).toBe(true);

    // ... and the loop closes: train on it, classify with it.
    const outPath = join(dir, 'reviewed.tlc');
    const job = JobInfo.parse(await (await post('/classify/train', { csvPath: r.csvPath, textColumn: 'text', labelColumns: ['label'], outPath })).json());
    const done = await server.ctx.jobs.wait(job.id);
    expect(done.state, JSON.stringify(done.error)).toBe('succeeded');
    expect(TrainResult.parse(done.result).tasks[0].classes).toBe(3);
    const c = ClassifyResponse.parse(await (await post('/classify', { texts: [expected[0].text], models: [outPath], reject: false })).json());
    expect(c.results[0].tasks[0].label).toBe(expected[0].label);
  });

  it('with reviewedOnly false, every labelled or auto-named cluster counts; only top-level noise is left out', async () => {
    const now = ((await (await post('/runs/load', { runDir })).json()) as { clusters: Cluster[] }).clusters;
    const byId = new Map(now.map((c) => [c.id, c]));
    const name = (c: Cluster) => c.label ?? c.autoName ?? c.keywords.slice(0, 3).map((k) => k.term).join(', ');
    const res = await post('/runs/export-labels', { runDir, outPath: join(dir, 'all-labels.csv'), reviewedOnly: false });
    expect(res.status).toBe(200);
    const r = ExportLabelsResult.parse(await res.json());
    const rows = parse<{ text: string; label: string }>(readFileSync(r.csvPath, "utf8"), { columns: true });
    const expected = assignments().flatMap((row) => {
      const parts = row.cluster.split('.');
      for (let i = parts.length; i >= 2; i--) {
        const c = byId.get(parts.slice(0, i).join('.'));
        if (c && !c.isNoise && name(c)) return [{ text: row.text, label: name(c) }];
      }
      return [];
    });
    expect(rows).toEqual(expected);
    // The run keeps HDBSCAN's noise (reassignOutliers null), and a minimum size of 40 leaves some of the sample's intents (30 rows each) as noise.
    const noiseRows = assignments().filter((a) => a.cluster === 'root.noise').length;
    expect(noiseRows).toBeGreaterThan(0);
    expect(r.skippedRows).toBe(noiseRows);
    // An unlabelled cluster is exported under the name chosen without an LLM, not its keyword list.
    const unlabelled = now.find((c) => !c.isNoise && !c.label && c.autoName)!;
    expect(r.labels.map((l) => l.label)).toContain(unlabelled.autoName);
  });
});

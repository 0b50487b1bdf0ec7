import { errorOf } from '../../support/http';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterResult, CsvPreview, JobInfo, PredictResponse, RunPoints, type RunManifest } from '../../../src/shared/api';
import { parse } from 'csv-parse/sync';
import { silentLogger } from '../../../src/server/log';
import { startServer, type RunningServer } from '../../../src/server/serve';
import { modelDir } from '../../support/model';
import { SAMPLE_CSV } from '../../support/sample';

let server: RunningServer;
const dir = mkdtempSync(join(tmpdir(), 'tl-route-'));
const post = (path: string, body: unknown) =>
  fetch(`${server.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });

beforeAll(async () => {
  server = await startServer({ modelDir: modelDir(), device: 'cpu', cacheDir: join(dir, 'cache'), log: silentLogger });
});
afterAll(() => server.close());

describe('clustering through the server', () => {
  it('runs a cluster job with staged progress, then loads the run and predicts clusters for new texts', async () => {
    const runDir = join(dir, 'run');
    const res = await post('/cluster', { csvPath: SAMPLE_CSV, textColumn: 'text', labelColumn: 'intent', outDir: runDir, params: { depth: 1 } });
    expect(res.status).toBe(202);
    const job = JobInfo.parse(await res.json());
    const stages = new Set<string>();
    server.ctx.jobs.subscribe((j) => j.id === job.id && j.progress && stages.add(j.progress.stage));
    const done = await server.ctx.jobs.wait(job.id);
    expect(done.state, JSON.stringify(done.error)).toBe('succeeded');
    const result = ClusterResult.parse(done.result);
    expect(result.runDir).toBe(runDir);
    expect(result.metrics?.ari).toBeGreaterThan(0.8);
    expect([...stages]).toEqual(expect.arrayContaining(['reading CSV', 'embedding', 'kNN graph', 'UMAP (5-d and 2-d map)', 'HDBSCAN']));

    const load = await post('/runs/load', { runDir });
    expect(load.status).toBe(200);
    const run = (await load.json()) as { clusters: { id: string; purity: { label: string } | null }[] };
    const pred = await post('/runs/predict', { runDir, texts: ['I need to get my money back for the order', 'I forgot my password and cannot log in'] });
    expect(pred.status).toBe(200);
    const { predictions } = PredictResponse.parse(await pred.json());
    const purity = (p: string | null) => run.clusters.find((c) => c.id === p)?.purity?.label;
    expect(purity(predictions[0].path)).toBe('get_refund');
    expect(purity(predictions[1].path)).toBe('recover_password');
    expect(predictions[0].probability).toBeGreaterThan(0.5);
    // The map's points carry each row's label-column value (colour by label), in row order.
    const points = RunPoints.parse(await (await post('/runs/points', { runDir })).json());
    const intents = parse<{ intent: string }>(readFileSync(SAMPLE_CSV, 'utf8'), { columns: true }).map((r) => r.intent);
    expect(points.label).toEqual(intents);
    // The run normalised its texts (the default): a ticket's handle, link and signature do not move it.
    const noisy = await post('/runs/predict', { runDir, texts: ['@AcmeHelp I need to get my money back for the order https://acme.example/o/123\n\nSent from my iPhone'] });
    expect(PredictResponse.parse(await noisy.json()).predictions[0]).toEqual(predictions[0]);

    // Another build of the same model (a different ONNX hash) still compares texts with the run, by the
    // recorded fingerprint; a run whose probe vectors disagree (another model) is refused with the evidence.
    const manifest = JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')) as RunManifest;
    expect(manifest.model.fingerprint?.texts.length).toBeGreaterThanOrEqual(8);
    const copy = (name: string, model: RunManifest['model']) => {
      const to = join(dir, name);
      cpSync(runDir, to, { recursive: true });
      writeFileSync(join(to, 'run.json'), JSON.stringify({ ...manifest, model }, null, 2));
      return to;
    };
    const texts = ['I need to get my money back for the order'];
    const rebuilt = await post('/runs/predict', { runDir: copy('rebuilt', { ...manifest.model, hash: 'ab'.repeat(32) }), texts });
    expect(rebuilt.status).toBe(200);
    expect(PredictResponse.parse(await rebuilt.json()).predictions[0].path).toBe(predictions[0].path);
    const fp = manifest.model.fingerprint!;
    const elsewhere = { texts: fp.texts, vectors: fp.vectors.map((_, i) => fp.vectors[(i + 1) % fp.vectors.length]) };
    const other = await post('/runs/predict', { runDir: copy('other', { id: 'BAAI/bge-small-en-v1.5', hash: 'ab'.repeat(32), fingerprint: elsewhere }), texts });
    expect(other.status).toBe(422);
    expect((await errorOf(other)).message).toMatch(/made with another embedding model \(BAAI\/bge-small-en-v1\.5.*\): its probe texts embed to vectors with cosine -?0\.\d+ to those recorded, below 0\.95; re-cluster/);
  });

  it('rejects a bad request with the field, and a missing column as a failed job naming it', async () => {
    const bad = await post('/cluster', { csvPath: SAMPLE_CSV });
    expect(bad.status).toBe(400);
    expect((await errorOf(bad)).message).toMatch(/textColumn/);
    const res = await post('/cluster', { csvPath: SAMPLE_CSV, textColumn: 'body', outDir: join(dir, 'x') });
    const done = await server.ctx.jobs.wait(JobInfo.parse(await res.json()).id);
    expect(done.state).toBe('failed');
    expect(done.error?.code).toBe('bad_input');
    expect(done.error?.message).toContain('there is no column "body"');
  });

  it('a run folder that is not one is a clear 422', async () => {
    const r = await post('/runs/load', { runDir: dir });
    expect(r.status).toBe(422);
    expect((await errorOf(r)).message).toMatch(/not a Ticket Lens run folder: run.json is missing/);
  });
});

describe('reviewing a run through the server', () => {
  it('previews a CSV, then renames, reviews and merges clusters with atomic writes', async () => {
    const pv = CsvPreview.parse(await (await post("/csv/preview", { path: SAMPLE_CSV, rows: 3 })).json());
    expect(pv.header).toEqual(['text', 'category', 'intent']);
    expect(pv.rows).toHaveLength(3);

    const runDir = join(dir, 'review');
    const job = JobInfo.parse(await (await post('/cluster', { csvPath: SAMPLE_CSV, textColumn: 'text', outDir: runDir, params: { depth: 1 } })).json());
    expect((await server.ctx.jobs.wait(job.id)).state).toBe('succeeded');
    const before = (await (await post('/runs/load', { runDir })).json()) as { clusters: { id: string; size: number; isNoise: boolean; examples: { line?: number }[] }[] };
    const [a, b] = before.clusters.filter((c) => !c.isNoise);
    expect(a.examples[0].line).toBeGreaterThan(1);
    const res = await post('/runs/edit', {
      runDir,
      edits: [
        { op: 'rename', id: a.id, label: 'Refund questions' },
        { op: 'review', id: a.id, reviewed: true },
        { op: 'merge', ids: [a.id, b.id] },
      ],
    });
    expect(res.status).toBe(200);
    const after = (await res.json()) as { clusters: { id: string; size: number; label: string | null; labelSource: string; mergedFrom?: string[]; reviewed: boolean }[] };
    const merged = after.clusters.find((c) => c.id === a.id)!;
    expect(merged).toMatchObject({ label: 'Refund questions', labelSource: 'user', size: a.size + b.size, mergedFrom: [b.id], reviewed: false });
    expect(after.clusters.find((c) => c.id === b.id)).toBeUndefined();
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(join(runDir, 'assignments.csv'), 'utf8')).not.toMatch(new RegExp(`,${b.id.replace('.', '\\.')},`));
    const bad = await post('/runs/edit', { runDir, edits: [{ op: 'rename', id: 'root.999', label: 'x' }] });
    expect(bad.status).toBe(422);
    expect((await errorOf(bad)).message).toMatch(/there is no cluster root\.999/);
  });
});

/**
 * A label job and the user's edits on the same run, through the real HTTP server: the job (real SDK
 * against the fake Messages API, each answer delayed) saves label after label while the user renames
 * one cluster and merges two others. The rename and the merge must survive the job, the run must stay
 * consistent (clusters.json, assignments.csv and summary.md agree), and every other cluster is labelled.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClustersFile, JobInfo, RunManifest } from '../../../src/shared/api';
import { ClusterParams } from '../../../src/shared/cluster';
import { runClusterPipeline } from '../../../src/server/cluster/pipeline';
import { loadEmbedder } from '../../../src/server/embed';
import { silentLogger } from '../../../src/server/log';
import { readAssignments } from '../../../src/server/run/assignmentsCsv';
import { readMetrics } from '../../../src/server/run/metricsJson';
import { renderSummary, summaryOfRun } from '../../../src/server/run/summaryMd';
import { sizeChartSvg } from '../../../src/server/run/sizeChart';
import { startServer, type RunningServer } from '../../../src/server/serve';
import { labelFromPrompt, startFakeAnthropic, type FakeAnthropic } from '../../support/fakeAnthropic';
import { modelDir } from '../../support/model';
import { SAMPLE_CSV } from '../../support/sample';

const root = mkdtempSync(join(tmpdir(), 'tl-label-edit-'));
const runDir = join(root, 'run');
const KEY = 'sk-ant-test-0123456789abcdef';
let server: RunningServer;
let fake: FakeAnthropic;

const clustersOf = () => ClustersFile.parse(JSON.parse(readFileSync(join(runDir, 'clusters.json'), 'utf8'))).clusters;
const post = (path: string, body: unknown) =>
  fetch(`${server.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });

async function until(what: string, ok: () => boolean, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

beforeAll(async () => {
  const e = await loadEmbedder({ modelDir: modelDir(), device: 'cpu' });
  await runClusterPipeline({ csvPath: SAMPLE_CSV, textColumn: 'text', outDir: runDir, params: ClusterParams.parse({ depth: 1 }) }, { embedder: e, log: silentLogger });
  await e.dispose();
  server = await startServer({ modelDir: modelDir(), device: 'cpu', cacheDir: join(root, 'cache'), log: silentLogger });
  fake = await startFakeAnthropic((q) => ({ kind: 'tool', input: labelFromPrompt(q), delayMs: 300 }));
});
afterAll(async () => {
  await fake?.close();
  await server?.close();
});

describe('editing a run while a label job runs on it', () => {
  it('keeps a rename and a merge made meanwhile, and labels the rest', async () => {
    const before = clustersOf().filter((c) => !c.isNoise);
    expect(before.length).toBeGreaterThanOrEqual(6);
    // The job asks for clusters in file order, one at a time: the last three are still unasked when the user edits.
    const [a, b, x] = before.slice(-3);
    const res = await post('/label', { runDir, apiKey: KEY, options: { baseURL: fake.url, concurrency: 1, baseDelayMs: 20, timeoutMs: 5000 } });
    expect(res.status).toBe(202);
    const job = JobInfo.parse(await res.json());

    await until('the first saved label', () => clustersOf().some((c) => c.labelSource === 'llm'));
    const rename = await post('/runs/edit', { runDir, edits: [{ op: 'rename', id: x.id, label: 'Our own name' }] });
    expect(rename.status).toBe(200);
    const merge = await post('/runs/edit', { runDir, edits: [{ op: 'merge', ids: [a.id, b.id] }] });
    expect(merge.status).toBe(200);
    expect(server.ctx.jobs.get(job.id)?.state).toBe('running');

    const done = await server.ctx.jobs.wait(job.id);
    expect(done.state, JSON.stringify(done.error)).toBe('succeeded');

    const after = clustersOf();
    expect(after.find((c) => c.id === x.id)).toMatchObject({ label: 'Our own name', labelSource: 'user' });
    expect(after.find((c) => c.id === b.id)).toBeUndefined();
    expect(after.find((c) => c.id === a.id)).toMatchObject({ size: a.size + b.size, mergedFrom: [b.id], labelSource: 'llm' });
    for (const c of after.filter((k) => !k.isNoise && k.id !== x.id)) expect(c.labelSource, c.id).toBe('llm');

    const rows = await readAssignments(runDir);
    expect(rows.filter((r) => r.cluster === b.id)).toHaveLength(0);
    expect(rows.filter((r) => r.cluster === a.id)).toHaveLength(a.size + b.size);
    const manifest = RunManifest.parse(JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')));
    expect(manifest.labelling.state).toBe('complete');
    // summary.md is the report of exactly these files
    expect(readFileSync(join(runDir, 'summary.md'), 'utf8')).toBe(renderSummary(summaryOfRun(manifest, after, await readMetrics(runDir))));
    expect(readFileSync(join(runDir, 'summary.md'), 'utf8')).toContain('Our own name');
    // So is the size chart, which names the clusters.
    expect(readFileSync(join(runDir, 'sizes.svg'), 'utf8')).toBe(sizeChartSvg(after, manifest.input.rows));
    expect(readFileSync(join(runDir, 'sizes.svg'), 'utf8')).toContain('Our own name');
  });
});

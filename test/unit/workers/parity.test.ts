/**
 * Moving the CPU-bound stages into worker threads changed no result: the built server (dist/cli.js
 * serve, whose training, adapter, HDBSCAN sweep and c-TF-IDF run in dist/cpu-worker.js) trains the
 * same model, bit for bit, and clusters into the same clusters as the engine run in-process from the
 * sources, where no worker bundle exists and the same tasks run inline.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterParams, ClusterResult, JobInfo, TrainParams } from '../../../src/shared/api';
import { loadModelFile } from '../../../src/server/classify/modelFile';
import { trainModel } from '../../../src/server/classify/trainModel';
import { runClusterPipeline } from '../../../src/server/cluster/pipeline';
import { loadEmbedder, type Embedder } from '../../../src/server/embed';
import { silentLogger } from '../../../src/server/log';
import { loadRun } from '../../../src/server/run/folder';
import { usesWorkers } from '../../../src/server/workers/pool';
import { CLI, spawnServe, type ServeProcess } from '../../support/cli';
import { modelDir } from '../../support/model';
import { SAMPLE_CSV } from '../../support/sample';

const dir = mkdtempSync(join(tmpdir(), 'tl-worker-parity-'));
const token = 'parity-test-token-0123456789abcd';
let server: ServeProcess;
let embedder: Embedder;

async function serverJob(path: string, body: unknown): Promise<JobInfo> {
  const url = `http://127.0.0.1:${server.port}`;
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const { id } = JobInfo.parse(await (await fetch(url + path, { method: 'POST', headers, body: JSON.stringify(body) })).json());
  for (;;) {
    const job = JobInfo.parse(await (await fetch(`${url}/jobs/${id}`, { headers })).json());
    if (job.state !== 'queued' && job.state !== 'running') return job;
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  server = await spawnServe(['--model', modelDir(), '--device', 'cpu'], { TICKET_LENS_TOKEN: token, TICKET_LENS_CACHE: join(dir, 'server-cache') });
  embedder = await loadEmbedder({ modelDir: modelDir(), device: 'cpu', cacheDir: join(dir, 'cache') });
});
afterAll(async () => {
  server?.child.kill('SIGTERM');
  await embedder?.dispose();
});

describe('worker threads and inline runs give identical results', () => {
  it('runs inline here, from the sources, and the built server has its worker bundle (so the comparison is inline against workers)', () => {
    expect(usesWorkers()).toBe(false);
    expect(existsSync(join(dirname(CLI), '..', 'dist', 'cpu-worker.js'))).toBe(true);
  });

  it('trains the same model (adapter, heads, stored examples, calibration)', async () => {
    const params = { adapter: true, epochs: 8, seed: 7 };
    const viaServer = join(dir, 'server.tlc');
    const job = await serverJob('/classify/train', { csvPath: SAMPLE_CSV, textColumn: 'text', labelColumns: ['intent', 'category'], outPath: viaServer, params });
    expect(job.state, JSON.stringify(job.error)).toBe('succeeded');
    const inline = join(dir, 'inline.tlc');
    const columns = [
      { column: 'intent', multiLabel: false },
      { column: 'category', multiLabel: false },
    ];
    await trainModel({ csvPath: SAMPLE_CSV, textColumn: 'text', columns, outPath: inline, params: TrainParams.parse(params) }, { embedder, log: silentLogger });

    const [a, b] = await Promise.all([loadModelFile(viaServer), loadModelFile(inline)]);
    expect(a.adapter).not.toBeNull();
    expect(a.adapter).toEqual(b.adapter);
    expect(a.weights).toEqual(b.weights);
    expect(a.exampleVectors).toEqual(b.exampleVectors);
    const header = (m: typeof a) => ({ ...m.header, createdAt: null, name: null });
    expect(header(a)).toEqual(header(b));
  });

  it("clusters into the same clusters, with the same 'auto' size, sweep and keywords", async () => {
    const params = { minClusterSize: 'auto' as const };
    const job = await serverJob('/cluster', { csvPath: SAMPLE_CSV, textColumn: 'text', labelColumn: 'intent', outDir: join(dir, 'server-run'), params });
    expect(job.state, JSON.stringify(job.error)).toBe('succeeded');
    const inline = await runClusterPipeline({ csvPath: SAMPLE_CSV, textColumn: 'text', labelColumn: 'intent', outDir: join(dir, 'inline-run'), params: ClusterParams.parse(params) }, { embedder, log: silentLogger });
    const viaServer = ClusterResult.parse(job.result);
    expect(viaServer.sweep?.length).toBeGreaterThan(1);
    const figures = (r: ClusterResult) => ({ ...r, runDir: null, timings: null, cacheHits: null });
    expect(figures(viaServer)).toEqual(figures(inline));

    const [a, b] = await Promise.all([loadRun(join(dir, 'server-run')), loadRun(join(dir, 'inline-run'))]);
    expect(a.manifest.params).toEqual(b.manifest.params);
    expect(a.clusters.length).toBeGreaterThan(2);
    expect(a.clusters).toEqual(b.clusters);
  });
});

/**
 * Model inference off the HTTP thread (workers/inferenceLane.ts): the embedder's batches run on
 * inference threads, and what changes nothing else is proven here.
 *
 * In-process (from the sources there is no worker bundle, so the lanes run inline with the same
 * queueing): concurrent one-text requests go as one batch, and get the vectors that batch gives; a
 * request goes ahead of a job's embedding; a cancelled embedding ends at once.
 * The built server (dist/inference-worker.js): /embed gives the in-process embedder's vectors bit for
 * bit, requests are answered while a cluster job embeds, that job's thread runs at a lower priority,
 * and a cancel mid-embedding ends the job within 1 s with nothing written.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClassifyResponse, EmbedResponse, JobInfo } from '../../../src/shared/api';
import { readCsv } from '../../../src/server/data/csv';
import { loadEmbedder, type Embedder } from '../../../src/server/embed';
import { inferenceLane } from '../../../src/server/workers/inferenceLane';
import { CLI, spawnServe, type ServeProcess } from '../../support/cli';
import { modelDir } from '../../support/model';
import { SAMPLE_CSV } from '../../support/sample';

const DIM = 384;
const dir = mkdtempSync(join(tmpdir(), 'tl-inference-'));
let sample: string[];
let embedder: Embedder;

const row = (v: Float32Array, i: number) => Array.from(v.subarray(i * DIM, (i + 1) * DIM));
const cosine = (a: number[], b: number[]) => a.reduce((s, x, d) => s + x * b[d], 0);

beforeAll(async () => {
  sample = (await readCsv(SAMPLE_CSV, { textColumn: 'text', columns: [] })).records.map((r) => r.text);
  embedder = await loadEmbedder({ modelDir: modelDir(), device: 'cpu' });
});
afterAll(async () => {
  await embedder?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('inference lanes, in-process', () => {
  it('runs eight concurrent one-text requests in two batches, each text getting the vector of the batch it ran in', async () => {
    // eight texts of about the same length (a batch is padded to its longest text)
    const byLength = [...new Set(sample)].sort((a, b) => a.length - b.length);
    const texts = byLength.slice(150, 158);
    const lane = inferenceLane('interactive');
    const before = { ...lane.stats };
    const together = await Promise.all(texts.map((t) => embedder.embed([t])));
    // the first ran alone at once; the seven that queued behind it meanwhile ran as one batch
    expect(lane.stats.runs - before.runs).toBe(2);
    expect(lane.stats.merged - before.merged).toBe(7);
    expect(Array.from(together[0])).toEqual(row(await embedder.embed([texts[0]]), 0));
    const batch = await embedder.embed(texts.slice(1));
    for (let i = 1; i < 8; i++) {
      expect(Array.from(together[i])).toEqual(row(batch, i - 1));
      // in int8 a batch moves a vector only slightly from the one the text gets alone
      expect(cosine(Array.from(together[i]), row(await embedder.embed([texts[i]]), 0))).toBeGreaterThan(0.99);
    }
  });

  it('does not pad several short texts to a long one: a long text runs with one short text at most', async () => {
    const short = [...new Set(sample)].sort((a, b) => a.length - b.length).slice(100, 107);
    const long = `${'my order arrived broken and nobody answers my emails. '.repeat(40)}`;
    const lane = inferenceLane('interactive');
    const before = lane.stats.runs;
    await Promise.all([short[0], long, ...short.slice(1)].map((t) => embedder.embed([t])));
    // the first alone, the long one (with one short text at most), then the remaining short ones together
    expect(lane.stats.runs - before).toBe(3);
  });

  it("answers a request while a job's embedding is still running", async () => {
    const many = Array.from({ length: 640 }, (_, i) => `${sample[i % sample.length]} (#${i})`);
    let done = 0;
    let doneWhenAnswered = -1;
    const job = embedder.embed(many, { onProgress: (d) => (done = d) });
    while (done === 0) await new Promise((r) => setTimeout(r, 5));
    const t = performance.now();
    await embedder.embed(['where is my parcel?']);
    doneWhenAnswered = done;
    const ms = performance.now() - t;
    await job;
    console.log(`a request during a 640-text job embedding: answered in ${ms.toFixed(0)} ms, with ${doneWhenAnswered}/640 embedded`);
    expect(doneWhenAnswered).toBeLessThan(many.length);
  });

  it('rejects a cancelled embedding at once, without waiting for the batch in flight', async () => {
    const many = Array.from({ length: 2000 }, (_, i) => `${sample[i % sample.length]} [${i}]`);
    const ac = new AbortController();
    let started = false;
    const job = embedder.embed(many, { signal: ac.signal, onProgress: (d) => (started ||= d > 0) });
    while (!started) await new Promise((r) => setTimeout(r, 5));
    const t = performance.now();
    ac.abort();
    await expect(job).rejects.toMatchObject({ code: 'job_cancelled' });
    expect(performance.now() - t).toBeLessThan(100);
  });
});

describe('the built server: inference threads (dist/inference-worker.js)', () => {
  const token = 'inference-test-token-0123456789ab';
  let s: ServeProcess;
  const url = (p: string) => `http://127.0.0.1:${s.port}${p}`;
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const post = (p: string, body: unknown) => fetch(url(p), { method: 'POST', headers, body: JSON.stringify(body) });
  const job = async (id: string) => JobInfo.parse(await (await fetch(url(`/jobs/${id}`), { headers })).json());

  beforeAll(async () => {
    expect(existsSync(join(dirname(CLI), '..', 'dist', 'inference-worker.js'))).toBe(true);
    s = await spawnServe(['--model', modelDir(), '--device', 'cpu'], { TICKET_LENS_TOKEN: token, TICKET_LENS_CACHE: join(dir, 'server-cache') });
  });
  afterAll(() => s?.child.kill('SIGTERM'));

  it('embeds 200 sample texts to the same vectors, bit for bit, as the embedder in-process', async () => {
    const texts = sample.slice(0, 200);
    const res = await post('/embed', { texts });
    expect(res.status).toBe(200);
    const served = EmbedResponse.parse(await res.json());
    const local = await embedder.embed(texts);
    expect(served.vectors).toHaveLength(200);
    served.vectors.forEach((v, i) => expect(v).toEqual(row(local, i)));
  });

  it('answers /classify while a cluster job embeds at a lower priority, and cancels that job mid-embedding within 1 s', async () => {
    // 3,000 texts no cache holds: the job spends its first seconds embedding
    const csv = join(dir, 'numbered.csv');
    writeFileSync(csv, stringify(Array.from({ length: 3000 }, (_, i) => ({ text: `(#${i}) ${sample[i % sample.length]}` })), { header: true }));

    const outDir = join(dir, 'run');
    const submitted = await post('/cluster', { csvPath: csv, textColumn: 'text', outDir, params: { minClusterSize: 'auto' } });
    expect(submitted.status).toBe(202);
    const { id } = JobInfo.parse(await submitted.json());
    let info = await job(id);
    while (info.state !== 'running' || info.progress?.stage !== 'embedding' || !info.progress.done) {
      expect(info.state === 'queued' || info.state === 'running', JSON.stringify(info)).toBe(true);
      await new Promise((r) => setTimeout(r, 20));
      info = await job(id);
    }

    // the job's inference thread (and the onnxruntime threads it started) run at nice 10, the HTTP thread as it was started
    const nice = (tid: string) => Number(readFileSync(`/proc/${s.child.pid}/task/${tid}/stat`, 'utf8').split(') ')[1].split(' ')[16]);
    if (process.platform === 'linux' && nice(String(s.child.pid)) < 10) {
      const niced = readdirSync(`/proc/${s.child.pid}/task`).filter((t) => nice(t) === 10);
      expect(niced.length).toBeGreaterThan(0);
    }

    const latencies: number[] = [];
    for (let i = 0; i < 8; i++) {
      const t = performance.now();
      const r = await post('/classify', { texts: [`is my refund for order ${i} on its way?`], models: ['bitext'] });
      expect(r.status).toBe(200);
      expect(ClassifyResponse.parse(await r.json()).results).toHaveLength(1);
      latencies.push(performance.now() - t);
    }
    info = await job(id);
    console.log(`/classify during the job's embedding: ${latencies.map((l) => l.toFixed(0)).join(', ')} ms; job at ${info.progress?.stage} ${info.progress?.done}/${info.progress?.total}`);
    // all eight were answered before the job's embedding was done
    expect(info.progress?.stage).toBe('embedding');

    const t = performance.now();
    expect((await post(`/jobs/${id}/cancel`, {})).status).toBe(200);
    while ((info = await job(id)).state === 'running') await new Promise((r) => setTimeout(r, 10));
    const cancelMs = performance.now() - t;
    console.log(`cluster job cancelled mid-embedding in ${cancelMs.toFixed(0)} ms`);
    expect(info.state).toBe('cancelled');
    expect(info.progress?.stage).toBe('embedding');
    expect(cancelMs).toBeLessThan(1000);
    expect(existsSync(outDir)).toBe(false);
  });
});

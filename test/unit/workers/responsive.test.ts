/**
 * The server stays responsive while CPU-bound jobs run: the built server (dist/cli.js serve: training,
 * the HDBSCAN sweep, c-TF-IDF and the run folder's maps in worker threads, inference on its own
 * threads) answers every /health within 1 s while a training job and a cluster job with an 'auto'
 * minimum cluster size run, and a cancel ends either job within 1 s (the issue's requirement). Before
 * the workers, training held the HTTP thread for 23.7 s on these 3,000 rows, clustering held it in
 * blocks of ~1.5 s, and Cancel only took effect once training had finished.
 *
 * The bounds are what the defect breaks, not speed targets: this file must pass on a busy 2-core CI
 * machine. The targets (/health p99 < 250 ms, /classify p99 < 100 ms) are `npm run bench:load`'s, which
 * prints them beside an idle reference; here p50/p99/max are printed for the log.
 *
 * /health is requested every 50 ms whether or not the previous answer has come (open loop): a stall of
 * s ms shows as ~s/50 slow answers, where a client that waits for each answer would record one. The
 * rows are embedded once first (embedding is on the inference thread; bench:load --cold measures it
 * under load), so each job measured spends its time in the CPU-bound stages and the file stays short.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterResult, JobInfo, TrainResult } from '../../../src/shared/api';
import { spawnServe, type ServeProcess } from '../../support/cli';
import { modelDir } from '../../support/model';

const ROWS = 3000;
/** The slowest /health answer allowed while a job runs; the thread stalls this catches were 1.5–23.7 s. */
const HEALTH_MAX_MS = 1000;
const CANCEL_MS = 1000;

// The Bitext data set, where scripts/train-defaults.mjs and the adapter-space test find it.
const bitextCsv = join(process.env.TICKET_LENS_DATA || resolve(__dirname, '..', '..', '..', '..', 'shared', 'data'), 'bitext.csv');

/** Every k-th Bitext row up to ROWS (the file has no quoted line breaks: one record per line). */
function bitextSubset(path: string): void {
  const [header, ...body] = readFileSync(bitextCsv, 'utf8').split('\n').filter(Boolean);
  const k = Math.floor(body.length / ROWS);
  writeFileSync(path, [header, ...body.filter((_, i) => i % k === 0).slice(0, ROWS)].join('\n') + '\n');
}

const percentile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * q))];
};

describe.skipIf(!existsSync(bitextCsv))('a responsive server under CPU-bound jobs (built server, Bitext 3,000 rows)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tl-responsive-'));
  const csv = join(dir, 'bitext-3k.csv');
  const token = 'responsive-test-token-0123456789';
  let s: ServeProcess;
  const url = (p: string) => `http://127.0.0.1:${s.port}${p}`;
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const post = async (p: string, body: unknown) => fetch(url(p), { method: 'POST', headers, body: JSON.stringify(body) });
  const job = async (id: string) => JobInfo.parse(await (await fetch(url(`/jobs/${id}`), { headers })).json());

  /** Latencies of /health requested every 50 ms until `until` settles, and the worst one per job stage (for the log). */
  async function healthWhile(until: Promise<unknown>, stage: () => string): Promise<number[]> {
    const lat: number[] = [];
    const worst = new Map<string, number>();
    const inFlight: Promise<void>[] = [];
    let done = false;
    void until.finally(() => (done = true));
    while (!done) {
      const t = performance.now();
      const st = stage();
      inFlight.push(
        fetch(url('/health'), { headers }).then(async (r) => {
          await r.arrayBuffer();
          expect(r.status).toBe(200);
          const ms = performance.now() - t;
          lat.push(ms);
          worst.set(st, Math.max(worst.get(st) ?? 0, Math.round(ms)));
        }),
      );
      await new Promise((r) => setTimeout(r, 50));
    }
    await Promise.all(inFlight);
    console.log('worst /health ms by stage:', JSON.stringify(Object.fromEntries(worst)));
    return lat;
  }

  /** Resolves with the job's final state; `onStage` sees each progress report as the server sends it (SSE). */
  async function follow(id: string, onStage?: (stage: string, p: NonNullable<JobInfo['progress']>) => void): Promise<JobInfo> {
    const res = await fetch(url(`/jobs/${id}/events`), { headers });
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buf = '';
    let last: JobInfo | null = null;
    let stage = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += value;
      let end: number;
      while ((end = buf.indexOf('\n\n')) >= 0) {
        const data = buf.slice(0, end).split('\n').find((l) => l.startsWith('data: '));
        buf = buf.slice(end + 2);
        if (!data) continue;
        last = JobInfo.parse(JSON.parse(data.slice(6)));
        if (last.progress && (last.progress.stage !== stage || last.progress.done !== undefined)) onStage?.((stage = last.progress.stage), last.progress);
      }
    }
    return last!;
  }

  /** Cancels at the first stage `at` accepts; resolves with the ms from sending the cancel to the job reading 'cancelled'. */
  async function cancelAt(id: string, at: (stage: string) => boolean): Promise<{ ms: number; stage: string; final: JobInfo }> {
    const cancel: { sent?: Promise<{ ms: number; stage: string }> } = {};
    const final = await follow(id, (stage) => {
      if (cancel.sent || !at(stage)) return;
      cancel.sent = (async () => {
        const t = performance.now();
        expect((await post(`/jobs/${id}/cancel`, {})).status).toBe(200);
        while ((await job(id)).state === 'running') await new Promise((r) => setTimeout(r, 10));
        return { ms: performance.now() - t, stage };
      })();
      cancel.sent.catch(() => undefined); // awaited below, once the event stream ends
    });
    if (!cancel.sent) throw new Error(`the job ended (${final.state}) without reaching the stage to cancel at`);
    return { ...(await cancel.sent), final };
  }

  beforeAll(async () => {
    bitextSubset(csv);
    s = await spawnServe(['--model', modelDir()], { TICKET_LENS_TOKEN: token, TICKET_LENS_CACHE: join(dir, 'cache') });
    // Embed the rows once (a one-epoch training job): the jobs measured below then spend their time in
    // the CPU-bound stages, not in onnxruntime's embedding batches.
    const warm = await post('/classify/train', { csvPath: csv, textColumn: 'text', labelColumns: ['intent'], outPath: join(dir, 'warm.tlc'), params: { epochs: 1 } });
    const final = await follow(JobInfo.parse(await warm.json()).id);
    expect(final.state, JSON.stringify(final.error)).toBe('succeeded');
  });
  afterAll(() => s?.child.kill('SIGTERM'));

  /** Logs p50/p99/max and checks that no answer took HEALTH_MAX_MS or more. */
  function expectResponsive(what: string, lat: number[]): void {
    const max = Math.max(...lat);
    console.log(`${what}: /health p50 ${percentile(lat, 0.5).toFixed(0)} ms, p99 ${percentile(lat, 0.99).toFixed(0)} ms, max ${max.toFixed(0)} ms over ${lat.length} requests (targets: npm run bench:load)`);
    expect(lat.length).toBeGreaterThan(0);
    expect(max).toBeLessThan(HEALTH_MAX_MS);
  }

  it('answers every /health within 1 s while a training job (with the adapter) runs', async () => {
    const res = await post('/classify/train', { csvPath: csv, textColumn: 'text', labelColumns: ['intent'], outPath: join(dir, 'm.tlc'), params: { adapter: true } });
    expect(res.status).toBe(202);
    const { id } = JobInfo.parse(await res.json());
    let stage = '';
    const epochs: number[] = [];
    const finished = follow(id, (st, p) => {
      stage = st;
      if (st === 'training intent' && p.done !== undefined) epochs.push(p.done);
    });
    const lat = await healthWhile(finished, () => stage);
    const final = await finished;
    expect(final.state, JSON.stringify(final.error)).toBe('succeeded');
    expect(TrainResult.parse(final.result).tasks[0].valAccuracy).toBeGreaterThan(0.9);
    // each epoch's progress came through from the worker thread
    expect(epochs).toContain(1);
    expect(Math.max(...epochs)).toBeGreaterThan(1);
    expectResponsive('training', lat);
  });

  it("answers every /health within 1 s while a cluster job sweeps for its minimum cluster size ('auto') and writes its run", async () => {
    const res = await post('/cluster', { csvPath: csv, textColumn: 'text', labelColumn: 'intent', outDir: join(dir, 'run'), params: { minClusterSize: 'auto' } });
    expect(res.status).toBe(202);
    const { id } = JobInfo.parse(await res.json());
    let stage = '';
    const finished = follow(id, (st) => (stage = st));
    const lat = await healthWhile(finished, () => stage);
    const final = await finished;
    expect(final.state, JSON.stringify(final.error)).toBe('succeeded');
    expect(ClusterResult.parse(final.result).sweep?.length).toBeGreaterThan(1);
    expectResponsive('clustering', lat);
  });

  it('cancels a training job within 1 s, mid-training, and writes no model', async () => {
    const outPath = join(dir, 'cancelled.tlc');
    const res = await post('/classify/train', { csvPath: csv, textColumn: 'text', labelColumns: ['intent'], outPath, params: { adapter: true } });
    const { id } = JobInfo.parse(await res.json());
    const c = await cancelAt(id, (stage) => stage === 'training adapter');
    console.log(`training cancelled at "${c.stage}" in ${c.ms.toFixed(0)} ms`);
    expect(c.final.state).toBe('cancelled');
    // stopped in the stage it was cancelled in, not once that stage had run to its end
    expect(c.final.progress?.stage).toBe(c.stage);
    expect(c.ms).toBeLessThan(CANCEL_MS);
    expect(existsSync(outPath)).toBe(false);
  });

  it('cancels a cluster job within 1 s, during the HDBSCAN sweep, and writes no run folder', async () => {
    const outDir = join(dir, 'cancelled-run');
    const res = await post('/cluster', { csvPath: csv, textColumn: 'text', outDir, params: { minClusterSize: 'auto' } });
    const { id } = JobInfo.parse(await res.json());
    const c = await cancelAt(id, (stage) => stage === 'HDBSCAN');
    console.log(`clustering cancelled at "${c.stage}" in ${c.ms.toFixed(0)} ms`);
    expect(c.final.state).toBe('cancelled');
    expect(c.final.progress?.stage).toBe(c.stage);
    expect(c.ms).toBeLessThan(CANCEL_MS);
    expect(existsSync(outDir)).toBe(false);
  });
});

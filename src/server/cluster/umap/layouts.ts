/**
 * Several layouts of one kNN graph (5-d for clustering, 2-d for the map) computed side by side: the
 * fuzzy graph and the spectral init are shared, and each SGD optimisation — single-threaded and the
 * bulk of the cost — runs in its own worker thread, so on 2 cores the two layouts take the wall
 * time of one. Each layout is seeded on its own, so the result is bit-identical whether it ran in a
 * worker or inline (the fallback when the bundled worker script is absent, e.g. tests from source).
 */
import { bundledScript } from '../../workers/bundledScript';
import { Worker } from 'node:worker_threads';
import { TicketLensError } from '../../../shared/api';
import { runTask } from '../../workers/pool';
import { umapPrepareTask } from '../../workers/umapPrepare';
import type { KnnGraph, UmapOptions } from '../types';
import type { LayoutJob } from './layoutJob';
import { restoreOrder } from './locality';
import { optimizeLayout } from './optimize';

export interface LayoutResult {
  layout: Float64Array;
  ms: number;
}

/** Stage timings (ms) for benchmarks: 'graph', 'init', 'optimize <d>-d'. */
export type StageTimer = (stage: string, ms: number) => void;

/** Without the bundled worker (running from sources) the layouts run inline, one after the other. */
const workerScript = () => bundledScript('umap-worker.js');

export function runLayoutJob(job: LayoutJob, signal?: AbortSignal): LayoutResult {
  const t = performance.now();
  optimizeLayout(job.graph, job.init, { ...job.options, signal });
  return { layout: job.init, ms: performance.now() - t };
}

function runInWorker(script: string, job: LayoutJob, signal?: AbortSignal): Promise<LayoutResult> {
  return new Promise((resolvePromise, reject) => {
    const w = new Worker(script, { workerData: job });
    const onAbort = () => {
      void w.terminate();
      reject(new TicketLensError('job_cancelled', 'UMAP was cancelled.'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    w.once('message', (m: LayoutResult) => {
      signal?.removeEventListener('abort', onAbort);
      void w.terminate();
      resolvePromise(m);
    });
    w.once('error', (err) => {
      signal?.removeEventListener('abort', onAbort);
      reject(err);
    });
  });
}

/** Layouts (row-major Float32Array each) for every options entry; all must share nNeighbors. */
export async function umapLayouts(knn: KnnGraph, layouts: UmapOptions[], signal?: AbortSignal, timer?: StageTimer): Promise<Float32Array[]> {
  const cancelled = () => new TicketLensError('job_cancelled', 'UMAP was cancelled.');
  if (signal?.aborted) throw cancelled();
  const n = knn.n;
  const nn = layouts[0].nNeighbors;
  if (layouts.some((l) => l.nNeighbors !== nn)) throw new Error('umapLayouts: every layout must use the same nNeighbors');
  if (n <= 2 || knn.k === 0) {
    return layouts.map((l) => {
      const out = new Float32Array(n * l.nComponents);
      for (let i = 0; i < n; i++) out[i * l.nComponents] = i;
      return out;
    });
  }
  // The shared graph and spectral init, in a cpu-worker thread (inline from sources): pure JS, and the
  // longest stall a cluster job left on the HTTP thread.
  const { jobs, graphMs, initMs, order } = await runTask(umapPrepareTask, { knn, layouts }, { signal });
  timer?.('graph', graphMs);
  timer?.('init', initMs);
  if (signal?.aborted) throw cancelled();
  const script = workerScript();
  const results = script ? await Promise.all(jobs.map((j) => runInWorker(script, j, signal))) : jobs.map((j) => runLayoutJob(j, signal));
  results.forEach((r, i) => timer?.(`optimize ${layouts[i].nComponents}-d`, r.ms));
  return results.map((r, i) => (order ? restoreOrder(r.layout, order, layouts[i].nComponents) : Float32Array.from(r.layout)));
}

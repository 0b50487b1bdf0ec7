/**
 * Several layouts of one kNN graph (5-d for clustering, 2-d for the map) computed side by side: the
 * fuzzy graph and the spectral init are shared, and each SGD optimisation — single-threaded and the
 * bulk of the cost — runs in its own worker thread, so on 2 cores the two layouts take the wall
 * time of one. Each layout is seeded on its own, so the result is bit-identical whether it ran in a
 * worker or inline (the fallback when the bundled worker script is absent, e.g. tests from source).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { TicketLensError } from '../../../shared/api';
import type { KnnGraph, UmapOptions } from '../types';
import { findAB } from './curve';
import { fuzzySimplicialSet, type FuzzyGraph } from './fuzzy';
import { defaultEpochs, rescaleTo10 } from './index';
import { optimizeLayout, type OptimizeOptions } from './optimize';
import { spectralInit } from './spectral';

export interface LayoutJob {
  graph: FuzzyGraph;
  init: Float64Array;
  options: Omit<OptimizeOptions, 'signal' | 'onProgress'>;
}

function workerScript(): string | null {
  const candidates = [join(__dirname, 'umap-worker.js'), resolve(__dirname, '..', '..', '..', '..', 'dist', 'umap-worker.js')];
  return candidates.find((c) => existsSync(c)) ?? null;
}

function runInWorker(script: string, job: LayoutJob, signal?: AbortSignal): Promise<Float64Array> {
  return new Promise((resolvePromise, reject) => {
    const w = new Worker(script, { workerData: job });
    const onAbort = () => {
      void w.terminate();
      reject(new TicketLensError('job_cancelled', 'UMAP was cancelled.'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    w.once('message', (m: Float64Array) => {
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
export async function umapLayouts(knn: KnnGraph, layouts: UmapOptions[], signal?: AbortSignal): Promise<Float32Array[]> {
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
  const graph = fuzzySimplicialSet(knn, nn);
  const maxDim = Math.max(...layouts.map((l) => l.nComponents));
  const spectral = spectralInit(graph, maxDim, layouts[0].seed);
  const jobs: LayoutJob[] = layouts.map((l) => {
    const init = new Float64Array(n * l.nComponents);
    for (let i = 0; i < n; i++) for (let c = 0; c < l.nComponents; c++) init[i * l.nComponents + c] = spectral[i * maxDim + c];
    rescaleTo10(init, n, l.nComponents);
    const { a, b } = findAB(l.spread ?? 1, l.minDist);
    return { graph, init, options: { dim: l.nComponents, nEpochs: l.nEpochs ?? defaultEpochs(n), a, b, seed: l.seed } };
  });
  if (signal?.aborted) throw cancelled();
  const script = workerScript();
  const results = script
    ? await Promise.all(jobs.map((j) => runInWorker(script, j, signal)))
    : jobs.map((j) => {
        optimizeLayout(j.graph, j.init, { ...j.options, signal });
        return j.init;
      });
  return results.map((r) => Float32Array.from(r));
}

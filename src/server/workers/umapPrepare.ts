/**
 * What UMAP computes before its layouts are optimised (each in its own umap-worker thread): the fuzzy
 * graph and the spectral init the layouts share, and each layout's rescaled starting point. Pure JS
 * and 0.5–1 s at 3–8k points (measured), so it runs as a worker task too: on the HTTP thread it was
 * the longest stall left in a cluster job.
 */
import type { LayoutJob } from '../cluster/umap/layoutJob';
import type { KnnGraph, UmapOptions } from '../cluster/types';
import { findAB } from '../cluster/umap/curve';
import { fuzzySimplicialSet } from '../cluster/umap/fuzzy';
import { defaultEpochs, rescaleTo10 } from '../cluster/umap/prepare';
import { spectralInit } from '../cluster/umap/spectral';
import { breadthFirstOrder, LOCALITY_MIN_POINTS, NEGATIVE_POOL_POINTS, relabelGraph } from '../cluster/umap/locality';
import { buffers, type CpuTask } from './task';

export interface UmapPrepared {
  jobs: LayoutJob[];
  /** Stage timings (ms) for benchmarks. */
  graphMs: number;
  initMs: number;
  /**
   * Past LOCALITY_MIN_POINTS the jobs' points are relabelled for locality (locality.ts): order[i] is
   * the caller's index of the jobs' point i. null: the caller's order.
   */
  order: Int32Array | null;
}

/** `layouts` must share nNeighbors, and knn must have n > 2 points with k > 0 neighbours. */
export const umapPrepareTask: CpuTask<{ knn: KnnGraph; layouts: UmapOptions[] }, UmapPrepared> = {
  name: 'umapPrepare',
  run({ knn, layouts }) {
    const n = knn.n;
    let t = performance.now();
    let graph = fuzzySimplicialSet(knn, layouts[0].nNeighbors);
    const order = n > LOCALITY_MIN_POINTS ? breadthFirstOrder(graph) : null;
    if (order) graph = relabelGraph(graph, order);
    const graphMs = performance.now() - t;
    t = performance.now();
    const maxDim = Math.max(...layouts.map((l) => l.nComponents));
    const spectral = spectralInit(graph, maxDim, layouts[0].seed);
    const initMs = performance.now() - t;
    const jobs = layouts.map((l): LayoutJob => {
      const init = new Float64Array(n * l.nComponents);
      for (let i = 0; i < n; i++) for (let c = 0; c < l.nComponents; c++) init[i * l.nComponents + c] = spectral[i * maxDim + c];
      rescaleTo10(init, n, l.nComponents);
      const { a, b } = findAB(l.spread ?? 1, l.minDist);
      return { graph, init, options: { dim: l.nComponents, nEpochs: l.nEpochs ?? defaultEpochs(n), a, b, seed: l.seed, negativePool: order ? NEGATIVE_POOL_POINTS : 0 } };
    });
    return { jobs, graphMs, initMs, order };
  },
  transfer: (o) => buffers(...o.jobs.flatMap((j) => [j.graph.heads, j.graph.tails, j.graph.weights, j.graph.rowPtr, j.init]), ...(o.order ? [o.order] : [])),
};

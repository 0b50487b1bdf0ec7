/**
 * UMAP from a precomputed kNN graph: fuzzy simplicial set → spectral init → SGD layout, the same
 * algorithm and defaults as umap-learn (n_neighbors counting the point itself, a/b fitted to
 * min_dist, 200 epochs above 10k points, 5 negative samples per edge sample, epochs per edge as
 * make_epochs_per_sample). Written here rather than taken from umap-js, whose measured cost on
 * 27k × 384 → 5-d was 140 s and 2.5 GB (45 s of it in its own low-recall kNN, 23 s building a graph
 * keyed by strings, random init) and whose transform() is broken; and not embedding-atlas's WASM
 * build (56 s, and it pulls UI peer dependencies; docs/measurements/umap.md). Ours, scripts/bench-umap.mjs on
 * 24,635 unique Bitext vectors, 2 cores: kNN 2.3 s + graph 0.2 s + init 0.7 s + the 5-d (5.7 s) and
 * 2-d (4.2 s) optimisations side by side ≈ 9 s, against umap-learn's 27 s (warmed numba, same seed,
 * its kNN shared between the two fits), with downstream ARI/NMI vs intent at or above umap-learn's.
 * Sharing one exact kNN graph, fuzzy graph and spectral init between the 5-d (clustering) and 2-d
 * (map) layouts avoids computing them twice.
 */
import type { KnnGraph, UmapOptions } from '../types';
import { findAB } from './curve';
import { fuzzySimplicialSet, type FuzzyGraph } from './fuzzy';
import { optimizeLayout } from './optimize';
import { defaultEpochs, rescaleTo10 } from './prepare';
import { spectralInit } from './spectral';

export { fuzzySimplicialSet, type FuzzyGraph } from './fuzzy';
export { umapLayouts } from './layouts';

/** Layout of n points in nComponents dims, row-major. Pass a prebuilt `graph` to share it between layouts. */
export function umapFromKnn(knn: KnnGraph, opts: UmapOptions, graph?: FuzzyGraph): Float32Array {
  const n = knn.n;
  const dim = opts.nComponents;
  if (n === 0) return new Float32Array(0);
  if (n <= 2 || knn.k === 0) {
    // Nothing to lay out: spread the points on a line.
    const out = new Float32Array(n * dim);
    for (let i = 0; i < n; i++) out[i * dim] = i;
    return out;
  }
  const g = graph ?? fuzzySimplicialSet(knn, opts.nNeighbors);
  const { a, b } = findAB(opts.spread ?? 1, opts.minDist);
  const emb = spectralInit(g, dim, opts.seed);
  rescaleTo10(emb, n, dim);
  optimizeLayout(g, emb, { dim, nEpochs: opts.nEpochs ?? defaultEpochs(n), a, b, seed: opts.seed, signal: opts.signal, onProgress: opts.onProgress });
  return Float32Array.from(emb);
}

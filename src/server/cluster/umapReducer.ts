/**
 * The default reducer: the cosine kNN graph (exact up to knn.ts's EXACT_MAX_POINTS, NN-descent above,
 * so the graph grows as n log n rather than n²; below the top level, the top level's graph restricted
 * to the cluster where that graph was approximate, knn/clusterKnn.ts), then UMAP from it — a
 * low-dimensional layout for HDBSCAN (ClusterParams.nComponents, min_dist 0 as BERTopic uses) and, at
 * the top level, a 2-d map (min_dist 0.1) laid out side by side from the same graph.
 */
import { knnGraph } from './knn';
import { clusterKnn } from './knn/clusterKnn';
import type { Reducer } from './stages';
import { umapLayouts } from './umap';

export const umapReducer: Reducer = {
  async reduce({ vectors, n, dim, params, top, parent }, hooks) {
    let t = Date.now();
    hooks.stage(top ? 'kNN graph' : 'sub-clusters: kNN');
    const opts = { signal: hooks.signal, seed: params.seed };
    const knn = !top && parent ? await clusterKnn(parent.knn, parent.members, vectors, dim, params.nNeighbors, opts) : await knnGraph(vectors, n, dim, params.nNeighbors, opts);
    if (top) hooks.time('knn', Date.now() - t);

    t = Date.now();
    hooks.stage(top ? 'UMAP (5-d and 2-d map)' : 'sub-clusters: UMAP');
    // A layout needs fewer dimensions than points (spectral init); tiny levels get fewer.
    const layouts = [{ nComponents: Math.min(params.nComponents, Math.max(2, n - 2)), nNeighbors: params.nNeighbors, minDist: 0, seed: params.seed }];
    if (top) layouts.push({ nComponents: 2, nNeighbors: params.nNeighbors, minDist: 0.1, seed: params.seed });
    // The top level's UMAP timings by part as well ('umap graph', 'umap init', 'umap optimize 5-d', ...),
    // for the benchmarks' stage tables.
    const [layout, map] = await umapLayouts(knn, layouts, hooks.signal, top ? (part, ms) => hooks.time(`umap ${part}`, ms) : undefined);
    if (top) hooks.time('umap', Date.now() - t);
    return { layout, dim: layouts[0].nComponents, map: map ?? null, knn };
  },
};

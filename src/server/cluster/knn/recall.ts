/** How well an approximate kNN graph matches the exact one: what the benchmark prints and the tests bound. */
import type { KnnGraph } from '../types';

/** Recall@k: the share of the exact neighbours the approximate graph found, over every point (a tie at the k-th distance counts as found). */
export function graphRecall(exact: KnnGraph, approx: KnnGraph): number {
  let hit = 0;
  for (let i = 0; i < exact.n; i++) {
    const row = new Set(exact.indices.subarray(i * exact.k, (i + 1) * exact.k));
    const kth = exact.distances[(i + 1) * exact.k - 1];
    for (let c = i * approx.k; c < (i + 1) * approx.k; c++) if (row.has(approx.indices[c]) || approx.distances[c] <= kth + 1e-6) hit++;
  }
  return hit / (exact.n * exact.k);
}

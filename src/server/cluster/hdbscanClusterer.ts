/**
 * The default clusterer: HDBSCAN on the reducer's layout, its minimum cluster size given or, for
 * 'auto', chosen by the validity sweep (autoSize.ts). min_samples defaults to 10 and never exceeds the
 * number of points. Clusters are renumbered by size, largest first, so `root.0` is the biggest.
 */
import { hdbscanLevelTask, type LevelOutput } from './autoSize';
import { runTask } from '../workers/pool';
import type { Clusterer } from './stages';

export const DEFAULT_MIN_SAMPLES = 10;

/** Renumbers clusters by size, largest first (noise stays −1). */
function bySize(r: LevelOutput): LevelOutput {
  const sizes = new Array<number>(r.nClusters).fill(0);
  for (const l of r.labels) if (l >= 0) sizes[l]++;
  const order = sizes.map((s, c) => [s, c]).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  const rank = new Int32Array(r.nClusters);
  order.forEach(([, c], i) => (rank[c] = i));
  return { ...r, labels: r.labels.map((l) => (l >= 0 ? rank[l] : -1)), persistence: Float64Array.from(order, ([, c]) => r.persistence[c]) };
}

export const hdbscanClusterer: Clusterer = {
  async cluster({ points, n, dim, minClusterSize, params, top }, hooks) {
    const t = Date.now();
    hooks.stage(top ? 'HDBSCAN' : 'sub-clusters: HDBSCAN');
    if (hooks.signal?.aborted) throw hooks.signal.reason;
    const minSamples = Math.min(params.minSamples ?? DEFAULT_MIN_SAMPLES, n);
    const base = { minSamples, clusterSelectionMethod: params.selection, clusterSelectionEpsilon: params.epsilon };
    // In a worker thread: the MST and the sweep take seconds at 27k points, and the server must answer meanwhile.
    const level = await runTask(hdbscanLevelTask, { points, n, dim, minClusterSize, base }, { signal: hooks.signal });
    if (top) hooks.time('hdbscan', Date.now() - t);
    const r = bySize(level);
    return { labels: r.labels, probabilities: r.probabilities, outlierScores: r.outlierScores, nClusters: r.nClusters, minClusterSize: r.chosen, sweep: r.sweep };
  },
};

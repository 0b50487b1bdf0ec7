/**
 * Clustering as a tree of paths: `root.0`, `root.0.1`, `root.0.noise`. One level = kNN → UMAP →
 * HDBSCAN over a set of unique texts; a cluster holding at least minClusterPct % of its parent's rows
 * is clustered again inside, to the requested depth. Clusters are numbered by size, largest first.
 */
import type { ClusterParams } from '../../shared/api';
import { hdbscan, buildMst, type HdbscanDetail } from './hdbscan';
import { exactKnn } from './knn';
import { sweepMinClusterSize, type SweepRow } from './autoSize';
import { umapLayouts } from './umap';

export interface LevelResult {
  /** For each member (index into `members`): cluster number at this level, −1 for noise. */
  labels: Int32Array;
  probabilities: Float32Array;
  outlierScores: Float32Array;
  nClusters: number;
  minClusterSize: number;
  sweep: SweepRow[] | null;
  /** 2-d map coordinates, only for the top level. */
  map: Float32Array | null;
}

export interface StageHooks {
  signal?: AbortSignal;
  stage(name: string, done?: number, total?: number): void;
  time(name: string, ms: number): void;
}

function gather(vectors: Float32Array, dim: number, members: readonly number[]): Float32Array {
  const out = new Float32Array(members.length * dim);
  members.forEach((m, i) => out.set(vectors.subarray(m * dim, (m + 1) * dim), i * dim));
  return out;
}

/** Renumbers clusters by size, largest first (noise stays −1). */
function bySize(r: HdbscanDetail): HdbscanDetail {
  const sizes = new Array<number>(r.nClusters).fill(0);
  for (const l of r.labels) if (l >= 0) sizes[l]++;
  const order = sizes.map((s, c) => [s, c]).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  const rank = new Int32Array(r.nClusters);
  order.forEach(([, c], i) => (rank[c] = i));
  return { ...r, labels: r.labels.map((l) => (l >= 0 ? rank[l] : -1)), persistence: Float64Array.from(order, ([, c]) => r.persistence[c]) };
}

export async function clusterLevel(
  vectors: Float32Array,
  dim: number,
  members: readonly number[],
  params: ClusterParams,
  opts: { top: boolean; minClusterSize: number | 'auto'; hooks: StageHooks },
): Promise<LevelResult> {
  const { hooks } = opts;
  const n = members.length;
  const sub = opts.top && members.length * dim === vectors.length ? vectors : gather(vectors, dim, members);
  let t = Date.now();
  hooks.stage(opts.top ? 'kNN graph' : 'sub-clusters: kNN');
  const knn = await exactKnn(sub, n, dim, params.nNeighbors, { signal: hooks.signal });
  if (opts.top) hooks.time('knn', Date.now() - t);

  t = Date.now();
  hooks.stage(opts.top ? 'UMAP (5-d and 2-d map)' : 'sub-clusters: UMAP');
  const layouts = [{ nComponents: Math.min(params.nComponents, Math.max(2, n - 2)), nNeighbors: params.nNeighbors, minDist: 0, seed: params.seed }];
  if (opts.top) layouts.push({ nComponents: 2, nNeighbors: params.nNeighbors, minDist: 0.1, seed: params.seed });
  const [layout, map] = await umapLayouts(knn, layouts, hooks.signal);
  if (opts.top) hooks.time('umap', Date.now() - t);

  t = Date.now();
  hooks.stage(opts.top ? 'HDBSCAN' : 'sub-clusters: HDBSCAN');
  if (hooks.signal?.aborted) throw hooks.signal.reason;
  const base = { minSamples: params.minSamples ?? 10, clusterSelectionMethod: params.selection, clusterSelectionEpsilon: params.epsilon };
  const d = layouts[0].nComponents;
  let r: HdbscanDetail;
  let chosen: number;
  let sweep: SweepRow[] | null = null;
  if (opts.minClusterSize === 'auto') {
    const mst = buildMst(layout, n, d, Math.min(base.minSamples, n));
    const s = sweepMinClusterSize(mst, n, { ...base, minSamples: Math.min(base.minSamples, n) });
    r = s.best;
    chosen = s.chosen;
    sweep = s.table;
  } else {
    chosen = Math.min(opts.minClusterSize, Math.max(2, n));
    r = hdbscan(layout, n, d, { ...base, minSamples: Math.min(base.minSamples, n), minClusterSize: chosen });
  }
  if (opts.top) hooks.time('hdbscan', Date.now() - t);
  r = bySize(r);
  return { labels: r.labels, probabilities: r.probabilities, outlierScores: r.outlierScores, nClusters: r.nClusters, minClusterSize: chosen, sweep, map: map ?? null };
}

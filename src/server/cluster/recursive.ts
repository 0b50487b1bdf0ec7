/**
 * Clustering as a tree of paths: `root.0`, `root.0.1`, `root.0.noise`. One level = reduce → cluster
 * over a set of unique texts; a cluster holding at least minClusterPct % of its parent's rows is
 * clustered again inside, to the requested depth, so small clusters are not split into fragments.
 */
import { childPath, isNoisePath, pathAtDepth, type ClusterParams } from '../../shared/api';
import type { ClusterStages, LevelClusters, StageHooks } from './stages';
import type { KnnGraph } from './types';

/** A level with fewer unique texts is not split further: too few for a kNN graph and a density estimate. */
export const MIN_SUBCLUSTER_INPUT = 30;

/** The unique texts' vectors, and how many input rows each text stands for (shares are in rows). */
export interface TextSpace {
  vectors: Float32Array;
  dim: number;
  rowsPerText: ArrayLike<number>;
}

/** One level's clusters (labels index into `members`), plus the map at the top level. */
export interface LevelResult extends LevelClusters {
  /** 2-d map coordinates, only for the top level. */
  map: Float32Array | null;
  /** The level's kNN graph over `members`, in their order (the top level's is passed to subdivide). */
  knn: KnnGraph;
}

type LevelStages = Pick<ClusterStages, 'reducer' | 'clusterer'>;

function gather(vectors: Float32Array, dim: number, members: readonly number[]): Float32Array {
  const out = new Float32Array(members.length * dim);
  members.forEach((m, i) => out.set(vectors.subarray(m * dim, (m + 1) * dim), i * dim));
  return out;
}

/**
 * One level: the members' vectors reduced, then clustered. `topKnn`, for a level below the top: the
 * top level's kNN graph over every text of `space` (the top level's members are all texts, in order),
 * so `members` are already indices into it at every depth.
 */
export async function clusterLevel(
  space: Pick<TextSpace, 'vectors' | 'dim'>,
  members: readonly number[],
  params: ClusterParams,
  opts: { top: boolean; minClusterSize: number | 'auto'; topKnn?: KnnGraph },
  stages: LevelStages,
  hooks: StageHooks,
): Promise<LevelResult> {
  const { vectors, dim } = space;
  const n = members.length;
  const sub = opts.top && n * dim === vectors.length ? vectors : gather(vectors, dim, members);
  const parent = !opts.top && opts.topKnn ? { knn: opts.topKnn, members: Int32Array.from(members) } : undefined;
  const reduced = await stages.reducer.reduce({ vectors: sub, n, dim, params, top: opts.top, parent }, hooks);
  const c = await stages.clusterer.cluster({ points: reduced.layout, n, dim: reduced.dim, minClusterSize: opts.minClusterSize, params, top: opts.top }, hooks);
  return { ...c, map: reduced.map, knn: reduced.knn };
}

/** Members grouped by their path cut to `depth` levels, in first-seen order. */
function groupsAt(pathOf: readonly string[], members: readonly number[], depth: number): Map<string, number[]> {
  const m = new Map<string, number[]>();
  for (const u of members) {
    const p = pathAtDepth(pathOf[u], depth);
    let list = m.get(p);
    if (!list) m.set(p, (list = []));
    list.push(u);
  }
  return m;
}

/**
 * Splits the top-level clusters of `topPaths` (one path per unique text) into sub-clusters, level by
 * level down to params.depth, and returns every text's leaf path. A cluster is split only when it
 * has MIN_SUBCLUSTER_INPUT texts and holds minClusterPct % of its parent's rows (the whole input for a
 * top-level cluster); a split that finds fewer than two clusters is dropped. `topKnn`: the top level's
 * kNN graph over every text of `space`, which each level's reducer may restrict instead of searching anew.
 */
export async function subdivide(space: TextSpace, topPaths: readonly string[], params: ClusterParams, stages: LevelStages, hooks: StageHooks, topKnn?: KnnGraph): Promise<string[]> {
  const pathOf = [...topPaths];
  const rowsIn = (members: readonly number[]) => members.reduce((s, u) => s + space.rowsPerText[u], 0);
  const all = pathOf.map((_, u) => u);
  const queue = [...groupsAt(pathOf, all, 1)]
    .filter(([p]) => !isNoisePath(p))
    .map(([path, members]) => ({ path, members, depth: 1, parentRows: rowsIn(all) }));
  while (queue.length) {
    const { path, members, depth, parentRows } = queue.shift()!;
    if (depth >= params.depth || members.length < MIN_SUBCLUSTER_INPUT) continue;
    const rows = rowsIn(members);
    if ((rows / Math.max(1, parentRows)) * 100 < params.minClusterPct) continue;
    const mcs = Math.max(5, Math.round(members.length / 10));
    const sub = await clusterLevel(space, members, params, { top: false, minClusterSize: mcs, topKnn }, stages, hooks);
    if (sub.nClusters < 2) continue;
    members.forEach((u, i) => (pathOf[u] = childPath(path, sub.labels[i])));
    for (const [p, m] of groupsAt(pathOf, members, depth + 1)) if (!isNoisePath(p)) queue.push({ path: p, members: m, depth: depth + 1, parentRows: rows });
  }
  return pathOf;
}

/**
 * HDBSCAN, written for this project: hdbscan-ts was measured wrong (76 % noise on well-separated
 * blobs where scikit-learn finds every cluster) and far too slow (15 s at 2,000 points, unfinished at
 * 10,000; it builds a dense n × n matrix) — docs/measurements/hdbscan.md. This one follows
 * scikit-learn's HDBSCAN step by step (core distances, mutual-reachability MST, single linkage,
 * condensed tree, EOM/leaf selection with ε, probabilities) plus GLOSH outlier scores, and is checked
 * against scikit-learn on identical inputs (test/unit/cluster/hdbscan.test.ts).
 *
 * MST: Prim as scikit-learn up to PRIM_MAX_POINTS (identical tie order), Borůvka over a KD-tree above
 * (n log n; only the order among equal-weight edges can differ). The MST depends only on minSamples, so `hdbscanFromMst` lets a minClusterSize sweep reuse it.
 */
import type { HdbscanOptions, HdbscanResult } from '../types';
import { condenseTree, type CondensedTree } from './condense';
import { KdTree } from './kdtree';
import { membership } from './membership';
import { mutualReachabilityMst, type Mst } from './mst';
import { PRIM_MAX_POINTS, primMst } from './prim';
import { selectClusters } from './select';
import { relativeValidity } from './validity';

export type { CondensedTree } from './condense';
export type { Mst } from './mst';

export interface HdbscanDetail extends HdbscanResult {
  condensed: CondensedTree;
  /** Selected cluster ids in the condensed tree, by label. */
  selected: number[];
}

export function buildMst(points: Float32Array | Float64Array, n: number, dim: number, minSamples: number, algorithm: 'auto' | 'prim' | 'boruvka' = 'auto'): Mst {
  const p64 = points instanceof Float64Array ? points : Float64Array.from(points);
  const tree = new KdTree(p64, n, dim);
  const core = n > 0 ? tree.kthDistances(Math.max(1, Math.min(minSamples, n))) : new Float64Array(0);
  const prim = algorithm === 'prim' || (algorithm === 'auto' && n <= PRIM_MAX_POINTS);
  return prim ? primMst(p64, n, dim, core) : mutualReachabilityMst(tree, core);
}

export function hdbscanFromMst(mst: Mst, n: number, opts: HdbscanOptions): HdbscanDetail {
  const mcs = Math.max(2, opts.minClusterSize);
  const method = opts.clusterSelectionMethod ?? 'eom';
  const epsilon = opts.clusterSelectionEpsilon ?? 0;
  const allowSingle = opts.allowSingleCluster ?? false;
  const condensed = condenseTree(mst, n, mcs);
  const { selected, stability } = selectClusters(condensed, { method, epsilon, allowSingleCluster: allowSingle });
  const m = membership(condensed, selected, epsilon, allowSingle);
  const persistence = Float64Array.from(selected, (c) => stability[c - n]);
  return {
    ...m,
    nClusters: selected.length,
    persistence,
    relativeValidity: relativeValidity(mst, m.labels, selected.length),
    condensed,
    selected,
  };
}

export function hdbscan(points: Float32Array | Float64Array, n: number, dim: number, opts: HdbscanOptions): HdbscanDetail {
  if (n === 0) {
    const empty = new Float32Array(0);
    return { labels: new Int32Array(0), probabilities: empty, outlierScores: empty, nClusters: 0, persistence: new Float64Array(0), relativeValidity: -1, condensed: condenseTree({ from: new Int32Array(0), to: new Int32Array(0), weight: new Float64Array(0) }, 0, 2), selected: [] };
  }
  const mst = buildMst(points, n, dim, opts.minSamples ?? opts.minClusterSize);
  return hdbscanFromMst(mst, n, opts);
}

/**
 * Relative validity of a clustering, used to choose minClusterSize: an MST approximation of DBCV
 * (the idea of the hdbscan package's relative_validity_). For each cluster, its density sparseness is
 * the heaviest mutual-reachability MST edge inside it and its separation the lightest MST edge leaving
 * it; V_c = (sep − sparse) / max(sep, sparse), weighted by cluster size over ALL points, so labelling
 * many points as noise lowers the score (users dislike 30–50 % noise).
 */
import type { Mst } from './mst';

export function relativeValidity(mst: Mst, labels: Int32Array, nClusters: number): number {
  if (nClusters === 0) return -1;
  const sparse = new Float64Array(nClusters);
  const sep = new Float64Array(nClusters).fill(Infinity);
  const size = new Int32Array(nClusters);
  for (const l of labels) if (l >= 0) size[l]++;
  for (let e = 0; e < mst.from.length; e++) {
    const a = labels[mst.from[e]];
    const b = labels[mst.to[e]];
    const w = mst.weight[e];
    if (a >= 0 && a === b) sparse[a] = Math.max(sparse[a], w);
    else {
      if (a >= 0) sep[a] = Math.min(sep[a], w);
      if (b >= 0) sep[b] = Math.min(sep[b], w);
    }
  }
  let v = 0;
  for (let c = 0; c < nClusters; c++) {
    const s = Number.isFinite(sep[c]) ? sep[c] : sparse[c];
    const denom = Math.max(s, sparse[c]);
    v += (size[c] / labels.length) * (denom > 0 ? (s - sparse[c]) / denom : 0);
  }
  return v;
}

/**
 * UMAP's fuzzy simplicial set from a kNN graph: per-point smooth distances (rho, sigma found so the
 * membership strengths sum to log2(k)), then the fuzzy union w = a + b − ab of the two directions.
 * Returns the symmetric graph as COO arrays with both directions present, in row order (as umap-learn
 * optimises).
 */
import type { KnnGraph } from '../types';

const SMOOTH_K_TOLERANCE = 1e-5;
const MIN_K_DIST_SCALE = 1e-3;

export interface FuzzyGraph {
  n: number;
  heads: Int32Array;
  tails: Int32Array;
  weights: Float32Array;
  /** Edges are in row order: row i is heads[rowPtr[i]..rowPtr[i+1]), tails ascending. */
  rowPtr: Int32Array;
}

/**
 * As in umap-learn, `nNeighbors` counts the point itself (its kNN lists the point first, at distance
 * 0, and smooth_knn_dist skips that column): nNeighbors 15 means the 14 nearest other points, with
 * membership strengths summing to log2(15). Our KnnGraph excludes the point, so the first
 * nNeighbors − 1 of its neighbours are used. (Using all 15 made every neighbourhood one point wider
 * than umap-learn's; downstream ARI vs intent on Bitext, seed 42, went 0.305 → 0.319 with the fix.)
 */
export function fuzzySimplicialSet(knn: KnnGraph, nNeighbors: number): FuzzyGraph {
  const { n } = knn;
  const k = Math.max(1, Math.min(nNeighbors - 1, knn.k));
  const target = Math.log2(k + 1);
  const vals = new Float32Array(n * k);
  // umap-learn's means run over its kNN matrix, whose first column is the point itself at distance 0.
  let meanAll = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) meanAll += knn.distances[i * knn.k + j];
  meanAll /= Math.max(1, n * (k + 1));

  for (let i = 0; i < n; i++) {
    const row = i * knn.k;
    let rho = 0;
    for (let j = 0; j < k; j++) {
      const d = knn.distances[row + j];
      if (d > 0) {
        rho = d;
        break;
      }
    }
    let lo = 0;
    let hi = Infinity;
    let mid = 1;
    for (let it = 0; it < 64; it++) {
      let psum = 0;
      for (let j = 0; j < k; j++) {
        const d = knn.distances[row + j] - rho;
        psum += d > 0 ? Math.exp(-d / mid) : 1;
      }
      if (Math.abs(psum - target) < SMOOTH_K_TOLERANCE) break;
      if (psum > target) {
        hi = mid;
        mid = (lo + hi) / 2;
      } else {
        lo = mid;
        mid = hi === Infinity ? mid * 2 : (lo + hi) / 2;
      }
    }
    let meanI = 0;
    for (let j = 0; j < k; j++) meanI += knn.distances[row + j];
    meanI /= k + 1;
    const sigma = Math.max(mid, rho > 0 ? MIN_K_DIST_SCALE * meanI : MIN_K_DIST_SCALE * meanAll);
    for (let j = 0; j < k; j++) {
      const d = knn.distances[row + j] - rho;
      vals[i * k + j] = d <= 0 ? 1 : Math.exp(-d / sigma);
    }
  }

  // Fuzzy union of (i→j) and (j→i): sort directed edges by the unordered pair, then merge.
  const m = n * k;
  const keys = new Float64Array(m);
  const order = new Int32Array(m);
  for (let e = 0; e < m; e++) {
    const i = Math.floor(e / k);
    const j = knn.indices[i * knn.k + (e % k)];
    const a = Math.min(i, j);
    const b = Math.max(i, j);
    keys[e] = a * n + b;
    order[e] = e;
  }
  order.sort((x, y) => keys[x] - keys[y] || x - y);
  const heads: number[] = [];
  const tails: number[] = [];
  const weights: number[] = [];
  for (let p = 0; p < m; ) {
    const key = keys[order[p]];
    let wij = 0; // i→j with i < j
    let wji = 0;
    let q = p;
    while (q < m && keys[order[q]] === key) {
      const e = order[q];
      const i = Math.floor(e / k);
      const j = knn.indices[i * knn.k + (e % k)];
      if (i < j) wij = Math.max(wij, vals[e]);
      else wji = Math.max(wji, vals[e]);
      q++;
    }
    const a = Math.floor(key / n);
    const b = key - a * n;
    const w = wij + wji - wij * wji;
    if (a !== b && w > 0) {
      heads.push(a, b);
      tails.push(b, a);
      weights.push(w, w);
    }
    p = q;
  }
  // Row order (by head, then tail), as umap-learn's graph.tocoo(): consecutive edges share their head,
  // which keeps the SGD's writes in cache (measured ~10% faster than pair order). A stable counting sort
  // suffices: pairs come by ascending (min, max), so every row's tails arrive already ascending.
  const m2 = heads.length;
  const rowPtr = new Int32Array(n + 1);
  for (let e = 0; e < m2; e++) rowPtr[heads[e] + 1]++;
  for (let i = 0; i < n; i++) rowPtr[i + 1] += rowPtr[i];
  const fill = rowPtr.slice(0, n);
  const H = new Int32Array(m2);
  const T = new Int32Array(m2);
  const W = new Float32Array(m2);
  for (let e = 0; e < m2; e++) {
    const p = fill[heads[e]]++;
    H[p] = heads[e];
    T[p] = tails[e];
    W[p] = weights[e];
  }
  return { n, heads: H, tails: T, weights: W, rowPtr };
}

/**
 * UMAP's fuzzy simplicial set from a kNN graph: per-point smooth distances (rho, sigma found so the
 * membership strengths sum to log2(k)), then the fuzzy union w = a + b − ab of the two directions.
 * Returns the symmetric graph as COO arrays with both directions present (as umap-learn optimises).
 */
import type { KnnGraph } from '../types';

const SMOOTH_K_TOLERANCE = 1e-5;
const MIN_K_DIST_SCALE = 1e-3;

export interface FuzzyGraph {
  n: number;
  heads: Int32Array;
  tails: Int32Array;
  weights: Float32Array;
}

export function fuzzySimplicialSet(knn: KnnGraph, nNeighbors: number): FuzzyGraph {
  const { n } = knn;
  const k = Math.min(nNeighbors, knn.k);
  const target = Math.log2(Math.max(k, 2));
  const vals = new Float32Array(n * k);
  let meanAll = 0;
  for (let i = 0; i < n * knn.k; i++) meanAll += knn.distances[i];
  meanAll /= Math.max(1, n * knn.k);

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
    meanI /= k;
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
  return { n, heads: Int32Array.from(heads), tails: Int32Array.from(tails), weights: Float32Array.from(weights) };
}

/**
 * Spectral initialisation, as umap-learn's default: the leading non-trivial eigenvectors of the
 * normalised graph adjacency D^-1/2 W D^-1/2, here by subspace iteration on the sparse graph
 * (cheap: each step is one pass over the edges) instead of an eigensolver. A partly converged
 * subspace is already a smooth, structure-aware start, which is what the layout needs; a random
 * init (umap-js) converges to worse layouts in the same number of epochs.
 */
import type { FuzzyGraph } from './fuzzy';
import { Prng } from './prng';

export function spectralInit(g: FuzzyGraph, dim: number, seed: number, iterations = 120): Float64Array {
  const n = g.n;
  const deg = new Float64Array(n);
  for (let e = 0; e < g.heads.length; e++) deg[g.heads[e]] += g.weights[e];
  const invSqrt = new Float64Array(n);
  const trivial = new Float64Array(n);
  let tnorm = 0;
  for (let i = 0; i < n; i++) {
    invSqrt[i] = deg[i] > 0 ? 1 / Math.sqrt(deg[i]) : 0;
    trivial[i] = Math.sqrt(deg[i]);
    tnorm += deg[i];
  }
  tnorm = Math.sqrt(tnorm) || 1;
  for (let i = 0; i < n; i++) trivial[i] /= tnorm;

  const rng = new Prng(seed ^ 0x5eed);
  let Y = Array.from({ length: dim }, () => Float64Array.from({ length: n }, () => rng.next() - 0.5));
  const tmp = Array.from({ length: dim }, () => new Float64Array(n));

  const orthonormalise = (vs: Float64Array[]) => {
    for (let c = 0; c < vs.length; c++) {
      const v = vs[c];
      for (const u of [trivial, ...vs.slice(0, c)]) {
        let d = 0;
        for (let i = 0; i < n; i++) d += u[i] * v[i];
        for (let i = 0; i < n; i++) v[i] -= d * u[i];
      }
      let norm = 0;
      for (let i = 0; i < n; i++) norm += v[i] * v[i];
      norm = Math.sqrt(norm) || 1;
      for (let i = 0; i < n; i++) v[i] /= norm;
    }
  };

  orthonormalise(Y);
  for (let it = 0; it < iterations; it++) {
    // tmp = ((M + I) / 2) Y keeps every eigenvalue non-negative, so the iteration favours the top ones.
    for (let c = 0; c < dim; c++) {
      const y = Y[c];
      const t = tmp[c];
      for (let i = 0; i < n; i++) t[i] = 0.5 * y[i];
      for (let e = 0; e < g.heads.length; e++) {
        const h = g.heads[e];
        const tl = g.tails[e];
        t[h] += 0.5 * invSqrt[h] * g.weights[e] * invSqrt[tl] * y[tl];
      }
    }
    const swap = Y;
    Y = tmp.splice(0, dim, ...swap);
    orthonormalise(Y);
  }

  const out = new Float64Array(n * dim);
  for (let c = 0; c < dim; c++) {
    let max = 0;
    for (let i = 0; i < n; i++) max = Math.max(max, Math.abs(Y[c][i]));
    const scale = max > 0 ? 10 / max : 1;
    for (let i = 0; i < n; i++) out[i * dim + c] = Y[c][i] * scale + (rng.next() - 0.5) * 2e-4;
  }
  return out;
}

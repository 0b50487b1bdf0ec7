/**
 * Spectral initialisation, as umap-learn's default: the leading non-trivial eigenvectors of the
 * normalised graph adjacency A = D^-1/2 W D^-1/2 (the smallest of the normalised Laplacian), scaled
 * to max |x| = 10 with 1e-4 noise. Not by ARPACK (umap-learn's eigsh: 3.4 s at 24.6k Bitext points)
 * but by Chebyshev-filtered subspace iteration: 3 rounds of a degree-40 Chebyshev polynomial of A
 * that stays within ±1 on [−1, 0.995] and grows fast above it, applied to a seeded random block
 * (trivial eigenvector deflated), orthonormalised between rounds. Each step is one pass over the
 * CSR edges for all components at once: 0.7 s at 24.6k points (0.48 M edges); from TEAM_MIN_POINTS
 * points the pass is shared between threads, row by row (spectralTeam.ts), bit-identically.
 *
 * Why it matters, measured on Bitext (hdbscan on the 5-d layout, ARI / NMI vs intent, seeds 1 and 2;
 * umap-learn 0.329 / 0.749 at seed 42): 120 plain power iterations of (A + I)/2 (the first version,
 * 0.9 s) gave 0.30–0.32 / 0.72–0.74 — a partly converged start mixes in rough, within-cluster
 * directions and the layout never recovers them in 200 epochs; 1,000 power iterations (7 s) gave
 * 0.33–0.34 / 0.75; this filter gives 0.33–0.36 / 0.75–0.76 in 0.7 s. Cut 0.98 (wider pass band) and
 * 0.999 (nearer the exact top eigenvectors) both scored lower (0.32–0.34 / 0.75).
 * A final Rayleigh–Ritz step orders the directions by eigenvalue, as eigsh's, so a 2-d layout can
 * take the first two columns of the 5-d start.
 */
import { availableParallelism } from 'node:os';
import type { FuzzyGraph } from './fuzzy';
import { Prng } from '../../vectors/prng';
import { ThreadTeam } from '../../workers/team';
import { stepArg, stepRows, type SpectralHelperData } from './spectralTeam';

export interface SpectralOptions {
  /** Degree of the Chebyshev filter applied per round. */
  degree?: number;
  rounds?: number;
  /** Eigenvalues of D^-1/2 W D^-1/2 above this are amplified, those in [−1, cut] damped. */
  cut?: number;
  /** Threads sharing each step (default: the machine's cores, at most 8, from TEAM_MIN_POINTS points up); the start is the same on any number. */
  threads?: number;
  /** The helpers' bundled script (default dist/team-worker.js beside this bundle; null: none). */
  helperScript?: string | null;
  /** Told the threads the steps run on, once the team has started. */
  onTeam?: (threads: number) => void;
}

/** From this many points a step's pass is shared between threads: below, a helper's start (~30 ms) is a good part of the whole start. */
export const TEAM_MIN_POINTS = 50_000;

function toSharedInt32(a: Int32Array): Int32Array {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  const s = new Int32Array(new SharedArrayBuffer(a.length * 4));
  s.set(a);
  return s;
}

export function spectralInit(g: FuzzyGraph, dim: number, seed: number, so: SpectralOptions = {}): Float64Array {
  const degree = so.degree ?? 40;
  const rounds = so.rounds ?? 3;
  const cut = so.cut ?? 0.995;
  const { n, rowPtr, tails, weights } = g;
  const deg = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let e = rowPtr[i]; e < rowPtr[i + 1]; e++) deg[i] += weights[e];
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
  // Shared memory, so that a team's helpers read the graph and write their rows of the buffers.
  const sharedF64 = (len: number) => new Float64Array(new SharedArrayBuffer(len * 8));
  const nw = sharedF64(tails.length);
  for (let i = 0; i < n; i++) for (let e = rowPtr[i]; e < rowPtr[i + 1]; e++) nw[e] = invSqrt[i] * weights[e] * invSqrt[tails[e]];

  // Chebyshev filter on [−1, cut]: with x = (λ − centre) / halfWidth, T_k(x) stays in [−1, 1] there and
  // grows like cosh(k·acosh x) above it.
  const centre = (cut - 1) / 2;
  const halfWidth = (cut + 1) / 2;
  const data: SpectralHelperData = {
    n,
    dim,
    rowPtr: toSharedInt32(rowPtr),
    tails: toSharedInt32(tails),
    nw,
    trivial: sharedF64(n),
    centre,
    halfWidth,
    dot: sharedF64(dim),
    bufs: [0, 1, 2, 3].map(() => sharedF64(n * dim)),
  };
  data.trivial.set(trivial);
  const threads = so.threads ?? (n >= TEAM_MIN_POINTS ? Math.min(8, availableParallelism()) : 1);
  const team = new ThreadTeam('spectral', { threads, helperScript: so.helperScript }, () => data);
  so.onTeam?.(team.size);
  const { dot } = data;
  /** out = (A·y − centre·y) / halfWidth (then 2·that − prev, with prev), A = D^-1/2 W D^-1/2 with the trivial eigenvector deflated. */
  const step = (y: Float64Array, out: Float64Array, prev: Float64Array | null = null) => {
    dot.fill(0);
    for (let i = 0; i < n; i++) for (let c = 0; c < dim; c++) dot[c] += trivial[i] * y[i * dim + c];
    const arg = stepArg(data.bufs.indexOf(y), data.bufs.indexOf(out), prev ? data.bufs.indexOf(prev) : -1);
    team.step(0, 0, n, arg, (_c, lo, hi) => {
      stepRows(data, arg, lo, hi);
      return 0;
    });
  };

  const rng = new Prng(seed ^ 0x5eed);
  // Row-major n × dim, so one pass over a row's edges updates every component.
  let [Y, prev, next] = data.bufs;
  for (let i = 0; i < Y.length; i++) Y[i] = rng.next() - 0.5;

  const orthonormalise = (v: Float64Array) => {
    for (let c = 0; c < dim; c++) {
      let d = 0;
      for (let i = 0; i < n; i++) d += trivial[i] * v[i * dim + c];
      for (let i = 0; i < n; i++) v[i * dim + c] -= d * trivial[i];
      for (let u = 0; u < c; u++) {
        let du = 0;
        for (let i = 0; i < n; i++) du += v[i * dim + u] * v[i * dim + c];
        for (let i = 0; i < n; i++) v[i * dim + c] -= du * v[i * dim + u];
      }
      let norm = 0;
      for (let i = 0; i < n; i++) norm += v[i * dim + c] ** 2;
      norm = Math.sqrt(norm) || 1;
      for (let i = 0; i < n; i++) v[i * dim + c] /= norm;
    }
  };

  try {
    orthonormalise(Y);
    for (let r = 0; r < rounds; r++) {
      // T_0 = Y, T_1 = x·Y, T_{k+1} = 2x·T_k − T_{k−1}
      prev.set(Y);
      step(prev, Y);
      for (let k = 1; k < degree; k++) {
        step(Y, next, prev);
        const t = prev;
        prev = Y;
        Y = next;
        next = t;
      }
      orthonormalise(Y);
    }
    Y = rayleighRitz(Y, n, dim, data.bufs[3], (y, out) => {
      step(y, out);
      // back from the filter's shifted, scaled variable to A itself
      for (let i = 0; i < out.length; i++) out[i] = out[i] * halfWidth + centre * y[i];
    });
  } finally {
    team.close();
  }

  for (let c = 0; c < dim; c++) {
    let max = 0;
    for (let i = 0; i < n; i++) max = Math.max(max, Math.abs(Y[i * dim + c]));
    const scale = max > 0 ? 10 / max : 1;
    for (let i = 0; i < n; i++) Y[i * dim + c] = Y[i * dim + c] * scale + (rng.next() - 0.5) * 2e-4;
  }
  return Y;
}

/** Rotates the orthonormal columns of Y (n × dim, row-major) onto A's Ritz vectors, largest first. */
function rayleighRitz(Y: Float64Array, n: number, dim: number, AY: Float64Array, apply: (y: Float64Array, out: Float64Array) => void): Float64Array {
  apply(Y, AY);
  const H = new Float64Array(dim * dim);
  for (let i = 0; i < n; i++)
    for (let a = 0; a < dim; a++) for (let b = 0; b < dim; b++) H[a * dim + b] += Y[i * dim + a] * AY[i * dim + b];
  for (let a = 0; a < dim; a++)
    for (let b = 0; b < a; b++) {
      const m = (H[a * dim + b] + H[b * dim + a]) / 2;
      H[a * dim + b] = m;
      H[b * dim + a] = m;
    }
  const { values, vectors } = jacobiEigen(H, dim);
  const order = Array.from({ length: dim }, (_, c) => c).sort((p, q) => values[q] - values[p] || p - q);
  const out = new Float64Array(n * dim);
  for (let i = 0; i < n; i++)
    for (let c = 0; c < dim; c++) {
      const col = order[c];
      let s = 0;
      for (let a = 0; a < dim; a++) s += Y[i * dim + a] * vectors[a * dim + col];
      out[i * dim + c] = s;
    }
  return out;
}

/** Eigen-decomposition of a small symmetric matrix by cyclic Jacobi rotations; vectors are columns. */
export function jacobiEigen(M: Float64Array, d: number): { values: Float64Array; vectors: Float64Array } {
  const A = Float64Array.from(M);
  const V = new Float64Array(d * d);
  for (let i = 0; i < d; i++) V[i * d + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < d; p++) for (let q = p + 1; q < d; q++) off += A[p * d + q] ** 2;
    if (off < 1e-30) break;
    for (let p = 0; p < d; p++)
      for (let q = p + 1; q < d; q++) {
        const apq = A[p * d + q];
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (A[q * d + q] - A[p * d + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < d; k++) {
          const akp = A[k * d + p];
          const akq = A[k * d + q];
          A[k * d + p] = c * akp - s * akq;
          A[k * d + q] = s * akp + c * akq;
        }
        for (let k = 0; k < d; k++) {
          const apk = A[p * d + k];
          const aqk = A[q * d + k];
          A[p * d + k] = c * apk - s * aqk;
          A[q * d + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < d; k++) {
          const vkp = V[k * d + p];
          const vkq = V[k * d + q];
          V[k * d + p] = c * vkp - s * vkq;
          V[k * d + q] = s * vkp + c * vkq;
        }
      }
  }
  return { values: Float64Array.from({ length: d }, (_, i) => A[i * d + i]), vectors: V };
}

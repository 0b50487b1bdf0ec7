/**
 * UMAP's layout optimisation (umap-learn's optimize_layout_euclidean): per epoch, every edge whose
 * turn has come pulls its two ends together, and its head is pushed from `negativeSampleRate`
 * random points; learning rate decays linearly. Plain loops over Float64Arrays with one power per
 * update: this is where the time goes (≈ n_epochs × Σw/max(w) attractions, 5× as many repulsions:
 * ~180 M updates for 5-d at 24.6k points). A CPU profile put 62% of it in Math.exp(b·Math.log(d²))
 * of the repulsions; the PowTable below took the 5-d layout from 12.2 s to 5.7 s. Tried and dropped:
 * a Float32 embedding (slower, 6.6 s: conversions), a scratch array for the differences (6.4 s).
 * Single-threaded and seeded, hence bit-identical for the same input, parameters and seed; the two
 * layouts run in parallel instead (layouts.ts).
 */
import { TicketLensError } from '../../../shared/api';
import type { FuzzyGraph } from './fuzzy';
import { Prng } from '../../vectors/prng';

export interface OptimizeOptions {
  dim: number;
  nEpochs: number;
  a: number;
  b: number;
  seed: number;
  gamma?: number;
  negativeSampleRate?: number;
  initialAlpha?: number;
  signal?: AbortSignal;
  onProgress?: (epoch: number, nEpochs: number) => void;
  /**
   * Negative samples from a pool of this many random points (a power of two), copied from the layout
   * and drawn again after every NEGATIVE_POOL_REUSE × size samples, instead of straight from the whole
   * layout. Each sample is still a uniformly random point; its position is at most one refill old (a
   * small fraction of an epoch). Past cache size the pool keeps the repulsions' reads in cache: the
   * attractions read graph neighbours, which locality.ts puts near each other. 0 or absent: umap-learn's
   * sampling, bit for bit as before.
   */
  negativePool?: number;
}

/** How many negative samples, per pooled point, before the pool is drawn again. */
export const NEGATIVE_POOL_REUSE = 32;

/**
 * x^p for x > 0 by table: 2^(e·p) per binary exponent e times (1+m)^p interpolated linearly over the
 * top 20 mantissa bits (1,025 entries). Relative error < 1e-6, ~2 ns against ~20 ns for
 * Math.exp(p·Math.log(x)) in V8 — and the SGD takes one such power per sample, ~190 M at 27k points.
 * Pure IEEE arithmetic on fixed tables, so still bit-identical everywhere.
 */
export class PowTable {
  private readonly f64 = new Float64Array(1);
  private readonly u32 = new Uint32Array(this.f64.buffer);
  private readonly exp = new Float64Array(2048);
  private readonly man = new Float64Array(1025);

  constructor(readonly p: number) {
    for (let e = 1; e < 2047; e++) this.exp[e] = Math.pow(2, (e - 1023) * p);
    for (let i = 0; i <= 1024; i++) this.man[i] = Math.pow(1 + i / 1024, p);
  }

  pow(x: number): number {
    this.f64[0] = x;
    const hi = this.u32[1];
    const e = hi >>> 20;
    // zero, subnormal, infinity/NaN: not hit by the layout's squared distances, but stay correct
    if (e === 0 || e === 2047) return Math.pow(x, this.p);
    const m = hi & 0xfffff;
    const i = m >>> 10;
    const lo = this.man[i];
    return this.exp[e] * (lo + (m & 1023) * (1 / 1024) * (this.man[i + 1] - lo));
  }
}

export function optimizeLayout(g: FuzzyGraph, embedding: Float64Array, o: OptimizeOptions): void {
  const { dim, nEpochs, a, b } = o;
  const gamma = o.gamma ?? 1;
  const negRate = o.negativeSampleRate ?? 5;
  const alpha0 = o.initialAlpha ?? 1;
  const n = g.n;

  let wmax = 0;
  for (let e = 0; e < g.weights.length; e++) wmax = Math.max(wmax, g.weights[e]);
  // The graph's own arrays, read in place: per edge only its two sampling clocks are kept (16 bytes,
  // where copies of the ends and both periods made it 44: ~0.6 GB per layout at 1M points). An edge
  // too weak to be sampled even once never comes up (umap-learn drops it); its period is recomputed
  // when it fires, the same division as before, so layouts are bit for bit what they were.
  const { heads, tails, weights } = g;
  const m = weights.length;
  const nextSample = new Float64Array(m);
  const nextNeg = new Float64Array(m);
  for (let p = 0; p < m; p++) {
    if (weights[p] >= wmax / nEpochs) {
      nextSample[p] = wmax / weights[p];
      nextNeg[p] = wmax / weights[p] / negRate;
    } else nextSample[p] = Infinity;
  }

  // xorshift32 inlined in the hot loop (a method call per negative sample cost ~15% of the time).
  let rs = new Prng(o.seed).nextU32() || 1;
  const powBm1 = new PowTable(b - 1);
  const powB = new PowTable(b);
  const nScale = n / 4294967296;
  const twoAB = 2 * a * b;
  const twoGB = 2 * gamma * b;
  const poolSize = o.negativePool ?? 0;
  if (poolSize && (poolSize & (poolSize - 1)) !== 0) throw new Error(`negativePool must be a power of two, got ${poolSize}`);
  const pool = new Float64Array(poolSize * dim);
  const poolPoint = new Int32Array(poolSize);
  const poolShift = 32 - Math.log2(Math.max(1, poolSize));
  // Its own stream, so that the sampling without a pool stays bit for bit as before; a module function,
  // not a closure, so that no variable of the hot loop moves into a context.
  const poolRng = new Prng(o.seed ^ 0x6e6567);
  let poolLeft = 0;
  for (let epoch = 0; epoch < nEpochs; epoch++) {
    if (o.signal?.aborted) throw new TicketLensError('job_cancelled', 'UMAP was cancelled.');
    const alpha = alpha0 * (1 - epoch / nEpochs);
    for (let p = 0; p < m; p++) {
      if (nextSample[p] > epoch) continue;
      const head = heads[p];
      const j = head * dim;
      const k = tails[p] * dim;
      const eps = wmax / weights[p];
      const epsNeg = eps / negRate;
      if (dim === 5) {
        // The 5-d layout, the longer of the two, with the head's coordinates in locals for the whole
        // edge: its attraction (the tail's written back at once) and its negative samples (the pool, or
        // points other than the head, are all they read), written back before a refill reads the
        // layout. Same arithmetic in the same order as the loops below, so bit-identical to them
        // (docs/measurements/umap.md).
        let h0 = embedding[j];
        let h1 = embedding[j + 1];
        let h2 = embedding[j + 2];
        let h3 = embedding[j + 3];
        let h4 = embedding[j + 4];
        const lim = 4 * alpha;
        {
          const x0 = h0 - embedding[k];
          const x1 = h1 - embedding[k + 1];
          const x2 = h2 - embedding[k + 2];
          const x3 = h3 - embedding[k + 3];
          const x4 = h4 - embedding[k + 4];
          let d2 = 0;
          d2 += x0 * x0;
          d2 += x1 * x1;
          d2 += x2 * x2;
          d2 += x3 * x3;
          d2 += x4 * x4;
          if (d2 > 0) {
            const pw = powBm1.pow(d2);
            const coeff = ((-twoAB * pw) / (a * pw * d2 + 1)) * alpha;
            let g = coeff * x0;
            g = g > lim ? lim : g < -lim ? -lim : g;
            h0 += g;
            embedding[k] -= g;
            g = coeff * x1;
            g = g > lim ? lim : g < -lim ? -lim : g;
            h1 += g;
            embedding[k + 1] -= g;
            g = coeff * x2;
            g = g > lim ? lim : g < -lim ? -lim : g;
            h2 += g;
            embedding[k + 2] -= g;
            g = coeff * x3;
            g = g > lim ? lim : g < -lim ? -lim : g;
            h3 += g;
            embedding[k + 3] -= g;
            g = coeff * x4;
            g = g > lim ? lim : g < -lim ? -lim : g;
            h4 += g;
            embedding[k + 4] -= g;
          }
        }
        nextSample[p] += eps;
        const nNeg = Math.floor((epoch - nextNeg[p]) / epsNeg);
        const src = poolSize ? pool : embedding;
        for (let s = 0; s < nNeg; s++) {
          if (poolSize && poolLeft-- <= 0) {
            embedding[j] = h0;
            embedding[j + 1] = h1;
            embedding[j + 2] = h2;
            embedding[j + 3] = h3;
            embedding[j + 4] = h4;
            refillPool(pool, poolPoint, embedding, n, dim, poolRng);
            poolLeft = poolSize * NEGATIVE_POOL_REUSE - 1;
          }
          rs ^= rs << 13;
          rs ^= rs >>> 17;
          rs ^= rs << 5;
          let q: number;
          if (poolSize) {
            const slot = (rs >>> 0) >>> poolShift;
            if (poolPoint[slot] === head) continue;
            q = slot * 5;
          } else {
            const kk = ((rs >>> 0) * nScale) | 0;
            if (kk === head) continue;
            q = kk * 5;
          }
          const x0 = h0 - src[q];
          const x1 = h1 - src[q + 1];
          const x2 = h2 - src[q + 2];
          const x3 = h3 - src[q + 3];
          const x4 = h4 - src[q + 4];
          let dn = 0;
          dn += x0 * x0;
          dn += x1 * x1;
          dn += x2 * x2;
          dn += x3 * x3;
          dn += x4 * x4;
          if (dn <= 0) continue;
          const coeff = (twoGB * alpha) / ((0.001 + dn) * (a * powB.pow(dn) + 1));
          let g = coeff * x0;
          h0 += g > lim ? lim : g < -lim ? -lim : g;
          g = coeff * x1;
          h1 += g > lim ? lim : g < -lim ? -lim : g;
          g = coeff * x2;
          h2 += g > lim ? lim : g < -lim ? -lim : g;
          g = coeff * x3;
          h3 += g > lim ? lim : g < -lim ? -lim : g;
          g = coeff * x4;
          h4 += g > lim ? lim : g < -lim ? -lim : g;
        }
        embedding[j] = h0;
        embedding[j + 1] = h1;
        embedding[j + 2] = h2;
        embedding[j + 3] = h3;
        embedding[j + 4] = h4;
        nextNeg[p] += nNeg * epsNeg;
        continue;
      }
      let d2 = 0;
      for (let d = 0; d < dim; d++) {
        const x = embedding[j + d] - embedding[k + d];
        d2 += x * x;
      }
      if (d2 > 0) {
        const pw = powBm1.pow(d2);
        const coeff = ((-twoAB * pw) / (a * pw * d2 + 1)) * alpha;
        const lim = 4 * alpha;
        for (let d = 0; d < dim; d++) {
          // clip(coeff·diff, ±4)·alpha, with alpha folded in
          let g = coeff * (embedding[j + d] - embedding[k + d]);
          g = g > lim ? lim : g < -lim ? -lim : g;
          embedding[j + d] += g;
          embedding[k + d] -= g;
        }
      }
      nextSample[p] += eps;

      const nNeg = Math.floor((epoch - nextNeg[p]) / epsNeg);
      // Negative samples straight from the layout (umap-learn's), or from the pool past cache size.
      const src = poolSize ? pool : embedding;
      for (let s = 0; s < nNeg; s++) {
        if (poolSize && poolLeft-- <= 0) {
          refillPool(pool, poolPoint, embedding, n, dim, poolRng);
          poolLeft = poolSize * NEGATIVE_POOL_REUSE - 1;
        }
        rs ^= rs << 13;
        rs ^= rs >>> 17;
        rs ^= rs << 5;
        let q: number;
        if (poolSize) {
          const slot = (rs >>> 0) >>> poolShift;
          if (poolPoint[slot] === head) continue;
          q = slot * dim;
        } else {
          const kk = ((rs >>> 0) * nScale) | 0; // multiply-shift: an integer division costs more
          if (kk === head) continue;
          q = kk * dim;
        }
        let dn = 0;
        for (let d = 0; d < dim; d++) {
          const x = embedding[j + d] - src[q + d];
          dn += x * x;
        }
        if (dn <= 0) continue;
        const coeff = (twoGB * alpha) / ((0.001 + dn) * (a * powB.pow(dn) + 1));
        const lim = 4 * alpha;
        for (let d = 0; d < dim; d++) {
          const g = coeff * (embedding[j + d] - src[q + d]);
          embedding[j + d] += g > lim ? lim : g < -lim ? -lim : g;
        }
      }
      nextNeg[p] += nNeg * epsNeg;
    }
    if (o.onProgress && (epoch % 10 === 9 || epoch === nEpochs - 1)) o.onProgress(epoch + 1, nEpochs);
  }
}

/** Draws the negative-sample pool again: poolPoint.length random points and their current positions. */
function refillPool(pool: Float64Array, poolPoint: Int32Array, embedding: Float64Array, n: number, dim: number, rng: Prng): void {
  for (let s = 0; s < poolPoint.length; s++) {
    const kk = Math.min(n - 1, Math.floor(rng.next() * n));
    poolPoint[s] = kk;
    for (let d = 0; d < dim; d++) pool[s * dim + d] = embedding[kk * dim + d];
  }
}

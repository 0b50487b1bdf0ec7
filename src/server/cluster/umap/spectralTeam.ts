/**
 * The spectral start's one costly step — a pass over the graph's CSR edges for every component at
 * once, ~120 of them per start — cut into row ranges that a ThreadTeam (workers/team.ts) shares.
 * A row's output is computed from its own edges alone, by the same arithmetic in the same order on any
 * thread, so the start is bit-identical on any number of threads; the deflation's dot products (a sum
 * over all rows) stay on the calling thread, which computes them before each step as before.
 */
import type { TeamWork } from '../../workers/team';

/** What every thread reads (and writes, in its own rows of `bufs`): all in shared memory where helpers take part. */
export interface SpectralHelperData {
  n: number;
  dim: number;
  rowPtr: Int32Array;
  tails: Int32Array;
  /** The normalised weights D^-1/2 W D^-1/2, edge by edge. */
  nw: Float64Array;
  /** The trivial eigenvector, deflated at each step. */
  trivial: Float64Array;
  centre: number;
  halfWidth: number;
  /** The step's deflation coefficients (dim), written by the calling thread before each step. */
  dot: Float64Array;
  /** The n × dim buffers a step reads and writes, named by index in its argument. */
  bufs: Float64Array[];
}

/** A step's argument: the buffers it reads (y), writes (out) and, for a Chebyshev step, subtracts (prev; −1: none). */
export const stepArg = (y: number, out: number, prev: number) => y | (out << 4) | ((prev + 1) << 8);

/**
 * Rows lo..hi−1 of out = (A·y − centre·y) / halfWidth, A = D^-1/2 W D^-1/2 with the trivial
 * eigenvector deflated; with prev, out = 2·that − prev (the Chebyshev recurrence), element by element.
 */
export function stepRows(s: SpectralHelperData, arg: number, lo: number, hi: number): void {
  const { dim, rowPtr, tails, nw, trivial, centre, halfWidth, dot } = s;
  const y = s.bufs[arg & 15];
  const out = s.bufs[(arg >> 4) & 15];
  const p = (arg >> 8) - 1;
  const prev = p >= 0 ? s.bufs[p] : null;
  if (dim === 5) {
    // The 5-d start (the clustering layout's, and the 2-d map's first columns): the row's five sums
    // in locals, not read and written back per edge; 1M points spend ~120 of these passes over ~21M edges.
    const d0 = dot[0];
    const d1 = dot[1];
    const d2 = dot[2];
    const d3 = dot[3];
    const d4 = dot[4];
    for (let i = lo; i < hi; i++) {
      const r = i * 5;
      const ti = trivial[i];
      let o0 = -centre * y[r] - d0 * ti;
      let o1 = -centre * y[r + 1] - d1 * ti;
      let o2 = -centre * y[r + 2] - d2 * ti;
      let o3 = -centre * y[r + 3] - d3 * ti;
      let o4 = -centre * y[r + 4] - d4 * ti;
      for (let e = rowPtr[i]; e < rowPtr[i + 1]; e++) {
        const w = nw[e];
        const t = tails[e] * 5;
        o0 += w * y[t];
        o1 += w * y[t + 1];
        o2 += w * y[t + 2];
        o3 += w * y[t + 3];
        o4 += w * y[t + 4];
      }
      if (prev) {
        out[r] = 2 * (o0 / halfWidth) - prev[r];
        out[r + 1] = 2 * (o1 / halfWidth) - prev[r + 1];
        out[r + 2] = 2 * (o2 / halfWidth) - prev[r + 2];
        out[r + 3] = 2 * (o3 / halfWidth) - prev[r + 3];
        out[r + 4] = 2 * (o4 / halfWidth) - prev[r + 4];
      } else {
        out[r] = o0 / halfWidth;
        out[r + 1] = o1 / halfWidth;
        out[r + 2] = o2 / halfWidth;
        out[r + 3] = o3 / halfWidth;
        out[r + 4] = o4 / halfWidth;
      }
    }
    return;
  }
  for (let i = lo; i < hi; i++) {
    const r = i * dim;
    for (let c = 0; c < dim; c++) out[r + c] = -centre * y[r + c] - dot[c] * trivial[i];
    for (let e = rowPtr[i]; e < rowPtr[i + 1]; e++) {
      const w = nw[e];
      const t = tails[e] * dim;
      for (let c = 0; c < dim; c++) out[r + c] += w * y[t + c];
    }
    for (let c = 0; c < dim; c++) out[r + c] /= halfWidth;
    if (prev) for (let c = 0; c < dim; c++) out[r + c] = 2 * out[r + c] - prev[r + c];
  }
}

/** The helper's side (teamWorker.ts). */
export function spectralWork(data: SpectralHelperData): TeamWork {
  return (_cmd, lo, hi, arg) => {
    stepRows(data, arg, lo, hi);
    return 0;
  };
}

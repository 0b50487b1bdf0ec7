/**
 * Memory locality for large layouts. Past ~50k points a layout's SGD and the spectral init's products
 * stop fitting in cache, and every edge's tail (a random point) costs a trip to memory: per edge,
 * the 5-d optimisation took 3.3 µs at 25k points and 8.6 µs at 100k on this machine kind (2 cores,
 * 1 MB L2 each, 32 MB shared L3), 24 s for 5 epochs at 1M (docs/measurements/umap.md). Relabelling
 * the points in breadth-first order of the fuzzy graph puts each point's neighbours near it in
 * memory; the layouts are computed in that order and put back in the caller's. Below
 * LOCALITY_MIN_POINTS nothing is relabelled, so smaller runs stay exactly as they were.
 */
import type { FuzzyGraph } from './fuzzy';

/** Above this many points the fuzzy graph is relabelled and the negative samples pooled (optimize.ts). */
export const LOCALITY_MIN_POINTS = 50_000;

/**
 * The negative-sample pool's size above LOCALITY_MIN_POINTS: 4,096 points of 5-d, 160 kB, stay in L2.
 * 5 epochs of the 5-d layout at 1M points (breadth-first order): 19.8 s without a pool; 7.3–9.3 s with
 * 16,384 points refilled every 8 × 16,384 samples; 6.1 s refilled every 32 ×; 5.3 s with 4,096 points
 * every 32 × (the refill's random reads are what is left).
 */
export const NEGATIVE_POOL_POINTS = 4_096;

/**
 * order[new] = old: breadth-first over the graph from the lowest unvisited point, neighbours in row
 * order, so the same graph always gives the same order.
 */
export function breadthFirstOrder(g: FuzzyGraph): Int32Array {
  const { n, rowPtr, tails } = g;
  const order = new Int32Array(n);
  const seen = new Uint8Array(n);
  let head = 0;
  let tail = 0;
  for (let s = 0; s < n; s++) {
    if (seen[s]) continue;
    seen[s] = 1;
    order[tail++] = s;
    while (head < tail) {
      const i = order[head++];
      for (let e = rowPtr[i]; e < rowPtr[i + 1]; e++) {
        const j = tails[e];
        if (!seen[j]) {
          seen[j] = 1;
          order[tail++] = j;
        }
      }
    }
  }
  return order;
}

/** The graph with point order[i] renamed i: rows in the new order, each row's edges as they were. */
export function relabelGraph(g: FuzzyGraph, order: Int32Array): FuzzyGraph {
  const { n } = g;
  const newOf = new Int32Array(n);
  for (let i = 0; i < n; i++) newOf[order[i]] = i;
  const m = g.heads.length;
  const rowPtr = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) rowPtr[i + 1] = rowPtr[i] + (g.rowPtr[order[i] + 1] - g.rowPtr[order[i]]);
  const heads = new Int32Array(m);
  const tails = new Int32Array(m);
  const weights = new Float32Array(m);
  for (let i = 0; i < n; i++) {
    const from = g.rowPtr[order[i]];
    const to = g.rowPtr[order[i] + 1];
    heads.fill(i, rowPtr[i], rowPtr[i + 1]);
    for (let e = from, p = rowPtr[i]; e < to; e++, p++) {
      tails[p] = newOf[g.tails[e]];
      weights[p] = g.weights[e];
    }
  }
  return { n, heads, tails, weights, rowPtr };
}

/** Rows of a layout computed in relabelled order, back in the original order. */
export function restoreOrder(layout: Float64Array, order: Int32Array, dim: number): Float32Array {
  const out = new Float32Array(layout.length);
  for (let i = 0; i < order.length; i++) for (let c = 0; c < dim; c++) out[order[i] * dim + c] = layout[i * dim + c];
  return out;
}

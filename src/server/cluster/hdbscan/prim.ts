/**
 * Prim's MST of the mutual-reachability graph over the raw points, exactly as scikit-learn's
 * `mst_from_data_matrix` (same visiting order and tie rules). O(n²) but allocation-free; used up to
 * PRIM_MAX_POINTS so small and medium inputs reproduce scikit-learn's hierarchy even where MST
 * weights tie (real UMAP output has many: ~6 % of edges on a 3,000-point Bitext sample), which
 * otherwise changes how equal-height merges are condensed. Above that, Borůvka (mst.ts).
 */
import type { Mst } from './mst';

export const PRIM_MAX_POINTS = 12_000;

export function primMst(points: Float64Array, n: number, dim: number, core: Float64Array): Mst {
  const inTree = new Uint8Array(n);
  const minReach = new Float64Array(n).fill(Infinity);
  const source = new Int32Array(n);
  const from = new Int32Array(Math.max(0, n - 1));
  const to = new Int32Array(Math.max(0, n - 1));
  const weight = new Float64Array(Math.max(0, n - 1));
  let current = 0;
  for (let i = 0; i < n - 1; i++) {
    inTree[current] = 1;
    const cc = core[current];
    const co = current * dim;
    let newDist = Infinity;
    let srcNode = 0;
    let newNode = 0;
    for (let j = 0; j < n; j++) {
      if (inTree[j]) continue;
      const jo = j * dim;
      let s = 0;
      for (let d = 0; d < dim; d++) {
        const diff = points[co + d] - points[jo + d];
        s += diff * diff;
      }
      let mrd = Math.sqrt(s);
      if (cc > mrd) mrd = cc;
      if (core[j] > mrd) mrd = core[j];
      const cur = minReach[j];
      if (mrd > cur) {
        if (cur < newDist) {
          newDist = cur;
          srcNode = source[j];
          newNode = j;
        }
      } else {
        minReach[j] = mrd;
        source[j] = current;
        if (mrd < newDist) {
          newDist = mrd;
          srcNode = current;
          newNode = j;
        }
      }
    }
    from[i] = srcNode;
    to[i] = newNode;
    weight[i] = newDist;
    current = newNode;
  }
  // Stable sort by weight (scikit-learn: argsort kind="mergesort").
  const order = Array.from({ length: n - 1 }, (_, i) => i).sort((a, b) => weight[a] - weight[b] || a - b);
  return { from: Int32Array.from(order, (i) => from[i]), to: Int32Array.from(order, (i) => to[i]), weight: Float64Array.from(order, (i) => weight[i]) };
}

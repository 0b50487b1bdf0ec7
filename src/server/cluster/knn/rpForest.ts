/**
 * Random-projection trees for cosine distance, as pynndescent builds them to start NN-descent: each
 * node splits its points by the hyperplane between two of them picked at random, down to leaves of at
 * most `leafSize` points. Points in one leaf are likely neighbours, so joining every pair of a leaf
 * gives NN-descent a start far better than random (and far fewer rounds).
 *
 * Unlike pynndescent, a node splits at the median of the margins, not at the hyperplane itself:
 * sentence embeddings are so clumped that the hyperplane split peeled off a few points at a time,
 * trees came out ~10× deeper than log2(n / leafSize) and cost 0.9 s each at 24.6k points
 * (docs/measurements/knn.md). The median keeps every tree balanced, so a tree costs n · dim · log2(n / leafSize).
 */
import type { Prng } from '../../vectors/prng';
import type { RowSpace } from '../../vectors/rowDot';

/** One tree's leaves: `order` holds the point ids leaf by leaf, leaf l being order[starts[l]..starts[l + 1]). */
export interface RpLeaves {
  order: Int32Array;
  starts: Int32Array;
}

/** Reorders order[lo..hi) (and their margins alongside) so the `mid` − lo smallest margins come first. */
function selectSmallest(order: Int32Array, margin: Float64Array, lo: number, hi: number, mid: number, rng: Prng): void {
  const swap = (a: number, b: number) => {
    const o = order[a];
    order[a] = order[b];
    order[b] = o;
    const m = margin[a];
    margin[a] = margin[b];
    margin[b] = m;
  };
  let l = lo;
  let r = hi - 1;
  while (l < r) {
    const pivot = margin[l + rng.int(r - l + 1)];
    // Three-way partition: [l, lt) < pivot, [lt, gt] == pivot, (gt, r] > pivot; ties (twins) are common.
    let lt = l;
    let gt = r;
    let p = l;
    while (p <= gt) {
      if (margin[p] < pivot) swap(lt++, p++);
      else if (margin[p] > pivot) swap(p, gt--);
      else p++;
    }
    if (mid < lt) r = lt - 1;
    else if (mid > gt) l = gt + 1;
    else return;
  }
}

/**
 * One tree over rows 0..n−1 of `rows` (unit vectors); spare row `scratch` (n by default; one per thread
 * building trees at once) holds each node's hyperplane in turn.
 */
export function rpTree(rows: RowSpace, leafSize: number, rng: Prng, scratch = rows.n): RpLeaves {
  const { v, n, dim } = rows;
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const margin = new Float64Array(n);
  const hyper = scratch * dim;
  const starts: number[] = [];
  const stack: [number, number][] = [[0, n]];
  while (stack.length > 0) {
    const [lo, hi] = stack.pop()!;
    if (hi - lo <= leafSize) {
      starts.push(lo);
      continue;
    }
    const a = order[lo + rng.int(hi - lo)];
    const b = order[lo + rng.int(hi - lo)];
    // Twins (or a == b) give no direction: every margin 0, and the selection below splits them evenly at random.
    for (let d = 0; d < dim; d++) v[hyper + d] = v[a * dim + d] - v[b * dim + d];
    for (let p = lo; p < hi; p++) margin[p] = rows.dot(order[p], scratch);
    const mid = (lo + hi) >> 1;
    selectSmallest(order, margin, lo, hi, mid, rng);
    stack.push([mid, hi], [lo, mid]);
  }
  starts.push(n);
  return { order, starts: Int32Array.from(starts) };
}

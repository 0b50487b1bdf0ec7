/**
 * A static KD-tree over low-dimensional points (the UMAP layout), stored in flat typed arrays: point
 * order is permuted so every node owns a contiguous range, and each node keeps its bounding box.
 * Used for core distances (kNN) and for the Borůvka MST's nearest-other-component queries.
 */
export class KdTree {
  readonly perm: Int32Array;
  readonly start: Int32Array;
  readonly end: Int32Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly lo: Float64Array;
  readonly hi: Float64Array;
  nodes = 0;

  constructor(
    readonly points: Float64Array,
    readonly n: number,
    readonly dim: number,
    readonly leafSize = 24,
  ) {
    const maxNodes = 2 * Math.ceil(n / Math.max(1, leafSize / 2)) + 1;
    this.perm = Int32Array.from({ length: n }, (_, i) => i);
    this.start = new Int32Array(maxNodes);
    this.end = new Int32Array(maxNodes);
    this.left = new Int32Array(maxNodes).fill(-1);
    this.right = new Int32Array(maxNodes).fill(-1);
    this.lo = new Float64Array(maxNodes * dim);
    this.hi = new Float64Array(maxNodes * dim);
    if (n > 0) this.build(0, n);
  }

  private build(s: number, e: number): number {
    const node = this.nodes++;
    const { dim, points, perm } = this;
    this.start[node] = s;
    this.end[node] = e;
    let widest = 0;
    let width = -1;
    for (let d = 0; d < dim; d++) {
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = s; i < e; i++) {
        const v = points[perm[i] * dim + d];
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      this.lo[node * dim + d] = lo;
      this.hi[node * dim + d] = hi;
      if (hi - lo > width) {
        width = hi - lo;
        widest = d;
      }
    }
    if (e - s <= this.leafSize || width <= 0) return node;
    const mid = (s + e) >> 1;
    this.select(s, e, mid, widest);
    this.left[node] = this.build(s, mid);
    this.right[node] = this.build(mid, e);
    return node;
  }

  /** Quickselect on perm[s, e) so that perm[k] holds the k-th smallest along dimension d. */
  private select(s: number, e: number, k: number, d: number): void {
    const { perm, points, dim } = this;
    let l = s;
    let r = e - 1;
    while (l < r) {
      const pivot = points[perm[(l + r) >> 1] * dim + d];
      let i = l;
      let j = r;
      while (i <= j) {
        while (points[perm[i] * dim + d] < pivot) i++;
        while (points[perm[j] * dim + d] > pivot) j--;
        if (i <= j) {
          const t = perm[i];
          perm[i] = perm[j];
          perm[j] = t;
          i++;
          j--;
        }
      }
      if (k <= j) r = j;
      else if (k >= i) l = i;
      else break;
    }
  }

  /** Squared distance from point p to the node's bounding box. */
  boxDist2(node: number, p: number): number {
    const { dim, points } = this;
    let s = 0;
    for (let d = 0; d < dim; d++) {
      const v = points[p * dim + d];
      const lo = this.lo[node * dim + d];
      const hi = this.hi[node * dim + d];
      const diff = v < lo ? lo - v : v > hi ? v - hi : 0;
      s += diff * diff;
    }
    return s;
  }

  dist2(p: number, q: number): number {
    const { dim, points } = this;
    let s = 0;
    for (let d = 0; d < dim; d++) {
      const diff = points[p * dim + d] - points[q * dim + d];
      s += diff * diff;
    }
    return s;
  }

  /**
   * Distance from each point to its k-th nearest point, counting the point itself as the first
   * (scikit-learn's core distance for min_samples = k).
   */
  kthDistances(k: number): Float64Array {
    const out = new Float64Array(this.n);
    const heapD = new Float64Array(k);
    const stack = new Int32Array(512);
    for (let p = 0; p < this.n; p++) {
      // max-heap of the k smallest squared distances, as a sorted insertion array (k is small)
      let size = 0;
      let top = 0;
      stack[top++] = 0;
      while (top > 0) {
        const node = stack[--top];
        if (size === k && this.boxDist2(node, p) >= heapD[size - 1]) continue;
        if (this.left[node] < 0) {
          for (let i = this.start[node]; i < this.end[node]; i++) {
            const d2 = this.dist2(p, this.perm[i]);
            if (size < k || d2 < heapD[size - 1]) {
              let j = size < k ? size++ : size - 1;
              while (j > 0 && heapD[j - 1] > d2) {
                heapD[j] = heapD[j - 1];
                j--;
              }
              heapD[j] = d2;
            }
          }
        } else {
          const l = this.left[node];
          const r = this.right[node];
          const dl = this.boxDist2(l, p);
          const dr = this.boxDist2(r, p);
          // push the farther child first so the nearer is explored first
          if (dl < dr) {
            stack[top++] = r;
            stack[top++] = l;
          } else {
            stack[top++] = l;
            stack[top++] = r;
          }
        }
      }
      out[p] = Math.sqrt(heapD[Math.min(k, size) - 1]);
    }
    return out;
  }
}

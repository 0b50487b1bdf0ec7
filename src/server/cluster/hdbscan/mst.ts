/**
 * Minimum spanning tree of the mutual-reachability graph, mrd(p, q) = max(core p, core q, |p − q|),
 * by Borůvka over the KD-tree: each round, every component finds its cheapest edge to another
 * component, pruning subtrees whose points all share the component, or whose lower bound
 * max(core p, min core in node, box distance) cannot beat the component's best so far.
 * O(n log n)-ish in low dimension, instead of Prim's n² (11 s at 27k in JS: docs/measurements/hdbscan.md).
 *
 * Two things keep the later rounds cheap, as in the hdbscan library's Borůvka:
 * - each point remembers its nearest point in another component (exact when its search found one
 *   within its component's bound, else only a lower bound). Components only grow, so a point whose
 *   nearest is still outside its component still has that nearest, at the same distance: it offers
 *   it without searching. A lower bound at or above its component's best skips the point too.
 * - the search runs in tree order, on a copy of the points in that order, so a leaf is one run of
 *   memory and consecutive queries walk the same nodes. At 1M points in random order every leaf
 *   point was a cache miss; at 250k rows (5-d layout) the MST went from 27.5 s to 5.9 s
 *   (docs/measurements/hdbscan.md).
 */
import type { KdTree } from './kdtree';

export interface Mst {
  /** n − 1 edges: endpoints and weights, sorted by weight then by endpoint (deterministic). */
  from: Int32Array;
  to: Int32Array;
  weight: Float64Array;
}

class UnionFind {
  readonly parent: Int32Array;
  constructor(n: number) {
    this.parent = Int32Array.from({ length: n }, (_, i) => i);
  }
  find(x: number): number {
    const p = this.parent;
    while (p[x] !== x) {
      p[x] = p[p[x]];
      x = p[x];
    }
    return x;
  }
  union(a: number, b: number): boolean {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra === rb) return false;
    if (ra < rb) this.parent[rb] = ra;
    else this.parent[ra] = rb;
    return true;
  }
}

/** The tree's points and core distances copied into tree order (position i holds point perm[i]). */
function inTreeOrder(tree: KdTree, core: Float64Array): { pts: Float64Array; coreAt: Float64Array } {
  const { n, dim, perm, points } = tree;
  const pts = new Float64Array(n * dim);
  const coreAt = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    pts.set(points.subarray(perm[i] * dim, perm[i] * dim + dim), i * dim);
    coreAt[i] = core[perm[i]];
  }
  return { pts, coreAt };
}

export function mutualReachabilityMst(tree: KdTree, core: Float64Array): Mst {
  const { n, dim, nodes, left, right, start, end, lo, hi, perm } = tree;
  const from = new Int32Array(Math.max(0, n - 1));
  const to = new Int32Array(Math.max(0, n - 1));
  const weight = new Float64Array(Math.max(0, n - 1));
  if (n <= 1) return { from, to, weight };

  // Everything below is indexed by tree position; edges are written back in point ids.
  const { pts, coreAt } = inTreeOrder(tree, core);
  const minCore = new Float64Array(nodes);
  const nodeComp = new Int32Array(nodes);
  const comp = new Int32Array(n);
  const uf = new UnionFind(n);
  const bestD = new Float64Array(n);
  const bestP = new Int32Array(n);
  const bestQ = new Int32Array(n);
  const nearD = new Float64Array(n); // exact distance to nearQ, or a lower bound when nearQ is −1
  const nearQ = new Int32Array(n).fill(-1);
  const stack = new Int32Array(512);
  let edges = 0;

  const boxDist2 = (node: number, p: number) => {
    let s = 0;
    for (let d = 0; d < dim; d++) {
      const v = pts[p * dim + d];
      const l = lo[node * dim + d];
      const h = hi[node * dim + d];
      const diff = v < l ? l - v : v > h ? v - h : 0;
      s += diff * diff;
    }
    return s;
  };
  const dist2 = (p: number, q: number) => {
    let s = 0;
    for (let d = 0; d < dim; d++) {
      const diff = pts[p * dim + d] - pts[q * dim + d];
      s += diff * diff;
    }
    return s;
  };
  // Among equal weights the edge with the smaller point-id pair wins, so the tree is deterministic.
  const pairBefore = (p: number, q: number, p2: number, q2: number) => {
    const a = Math.min(perm[p], perm[q]);
    const b = Math.min(perm[p2], perm[q2]);
    return a !== b ? a < b : Math.max(perm[p], perm[q]) < Math.max(perm[p2], perm[q2]);
  };
  const offer = (c: number, d: number, p: number, q: number) => {
    if (d < bestD[c] || (d === bestD[c] && (bestP[c] < 0 || pairBefore(p, q, bestP[c], bestQ[c])))) {
      bestD[c] = d;
      bestP[c] = p;
      bestQ[c] = q;
    }
  };

  // Children have larger ids than their parent (built depth-first), so a reverse scan is bottom-up.
  for (let node = nodes - 1; node >= 0; node--) {
    if (left[node] < 0) {
      let m = Infinity;
      for (let i = start[node]; i < end[node]; i++) m = Math.min(m, coreAt[i]);
      minCore[node] = m;
    } else minCore[node] = Math.min(minCore[left[node]], minCore[right[node]]);
  }

  while (edges < n - 1) {
    for (let i = 0; i < n; i++) comp[i] = uf.find(i);
    for (let node = nodes - 1; node >= 0; node--) {
      if (left[node] < 0) {
        let c = comp[start[node]];
        for (let i = start[node] + 1; i < end[node] && c >= 0; i++) if (comp[i] !== c) c = -1;
        nodeComp[node] = c;
      } else {
        const a = nodeComp[left[node]];
        nodeComp[node] = a >= 0 && a === nodeComp[right[node]] ? a : -1;
      }
    }
    bestD.fill(Infinity);
    bestP.fill(-1);
    // Points whose nearest is still in another component offer it first: the bounds they set prune the searches.
    for (let p = 0; p < n; p++) {
      const q = nearQ[p];
      if (q >= 0 && comp[q] !== comp[p]) offer(comp[p], nearD[p], p, q);
    }
    for (let p = 0; p < n; p++) {
      const c = comp[p];
      const known = nearQ[p];
      if (known >= 0 && comp[known] !== c) continue;
      const cp = coreAt[p];
      const bound = bestD[c];
      if (cp > bound || nearD[p] > bound) {
        nearQ[p] = -1; // nearD[p] stays a lower bound: p's nearest outside its component can only be farther now
        continue;
      }
      let myD = Infinity;
      let myQ = -1;
      let top = 0;
      stack[top++] = 0;
      while (top > 0) {
        const node = stack[--top];
        if (nodeComp[node] === c) continue;
        const lb = Math.max(cp, minCore[node], Math.sqrt(boxDist2(node, p)));
        if (lb > bound || lb > myD) continue;
        if (left[node] < 0) {
          for (let i = start[node]; i < end[node]; i++) {
            if (comp[i] === c) continue;
            const d = Math.max(cp, coreAt[i], Math.sqrt(dist2(p, i)));
            if (d < myD || (d === myD && pairBefore(p, i, p, myQ))) {
              myD = d;
              myQ = i;
            }
          }
        } else {
          const l = left[node];
          const r = right[node];
          if (boxDist2(l, p) < boxDist2(r, p)) {
            stack[top++] = r;
            stack[top++] = l;
          } else {
            stack[top++] = l;
            stack[top++] = r;
          }
        }
      }
      // Every point within the bound was looked at, so a nearest found within it is exact; none means
      // the nearest lies beyond the bound.
      if (myQ >= 0 && myD <= bound) {
        nearQ[p] = myQ;
        nearD[p] = myD;
        offer(c, myD, p, myQ);
      } else {
        nearQ[p] = -1;
        nearD[p] = Math.max(nearD[p], bound);
      }
    }
    let added = 0;
    for (let c = 0; c < n; c++) {
      if (bestP[c] < 0 || comp[c] !== c) continue;
      if (uf.union(bestP[c], bestQ[c])) {
        from[edges] = perm[bestP[c]];
        to[edges] = perm[bestQ[c]];
        weight[edges] = bestD[c];
        edges++;
        added++;
      }
    }
    if (added === 0) break; // cannot happen for a connected metric space; guards against NaN input
  }

  const order = Int32Array.from({ length: edges }, (_, i) => i).sort(
    (a, b) => weight[a] - weight[b] || Math.min(from[a], to[a]) - Math.min(from[b], to[b]) || Math.max(from[a], to[a]) - Math.max(from[b], to[b]),
  );
  return { from: order.map((i) => from[i]), to: order.map((i) => to[i]), weight: Float64Array.from(order, (i) => weight[i]) };
}

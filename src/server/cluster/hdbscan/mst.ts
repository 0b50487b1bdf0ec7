/**
 * Minimum spanning tree of the mutual-reachability graph, mrd(p, q) = max(core p, core q, |p − q|),
 * by Borůvka over the KD-tree: each round, every component finds its cheapest edge to another
 * component, pruning subtrees whose points all share the component, or whose lower bound
 * max(core p, min core in node, box distance) cannot beat the component's best so far.
 * O(n log n)-ish in low dimension, instead of Prim's n² (11 s at 27k in JS: docs/measurements/hdbscan.md).
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

export function mutualReachabilityMst(tree: KdTree, core: Float64Array): Mst {
  const n = tree.n;
  const from = new Int32Array(Math.max(0, n - 1));
  const to = new Int32Array(Math.max(0, n - 1));
  const weight = new Float64Array(Math.max(0, n - 1));
  if (n <= 1) return { from, to, weight };

  const nodes = tree.nodes;
  const minCore = new Float64Array(nodes);
  const nodeComp = new Int32Array(nodes);
  const comp = new Int32Array(n);
  const uf = new UnionFind(n);
  const bestD = new Float64Array(n);
  const bestP = new Int32Array(n);
  const bestQ = new Int32Array(n);
  const stack = new Int32Array(512);
  let edges = 0;

  // Children have larger ids than their parent (built depth-first), so a reverse scan is bottom-up.
  for (let node = nodes - 1; node >= 0; node--) {
    if (tree.left[node] < 0) {
      let m = Infinity;
      for (let i = tree.start[node]; i < tree.end[node]; i++) m = Math.min(m, core[tree.perm[i]]);
      minCore[node] = m;
    } else minCore[node] = Math.min(minCore[tree.left[node]], minCore[tree.right[node]]);
  }

  while (edges < n - 1) {
    for (let i = 0; i < n; i++) comp[i] = uf.find(i);
    for (let node = nodes - 1; node >= 0; node--) {
      if (tree.left[node] < 0) {
        let c = comp[tree.perm[tree.start[node]]];
        for (let i = tree.start[node] + 1; i < tree.end[node] && c >= 0; i++) if (comp[tree.perm[i]] !== c) c = -1;
        nodeComp[node] = c;
      } else {
        const a = nodeComp[tree.left[node]];
        nodeComp[node] = a >= 0 && a === nodeComp[tree.right[node]] ? a : -1;
      }
    }
    bestD.fill(Infinity);
    bestP.fill(-1);
    for (let p = 0; p < n; p++) {
      const c = comp[p];
      const cp = core[p];
      if (cp >= bestD[c]) continue;
      let top = 0;
      stack[top++] = 0;
      while (top > 0) {
        const node = stack[--top];
        if (nodeComp[node] === c) continue;
        const box = Math.sqrt(tree.boxDist2(node, p));
        const lb = Math.max(cp, minCore[node], box);
        if (lb >= bestD[c]) continue;
        if (tree.left[node] < 0) {
          for (let i = tree.start[node]; i < tree.end[node]; i++) {
            const q = tree.perm[i];
            if (comp[q] === c) continue;
            const d = Math.max(cp, core[q], Math.sqrt(tree.dist2(p, q)));
            // ties broken by the smaller endpoint pair, so the tree is deterministic
            if (d < bestD[c] || (d === bestD[c] && (Math.min(p, q) < Math.min(bestP[c], bestQ[c]) || (Math.min(p, q) === Math.min(bestP[c], bestQ[c]) && Math.max(p, q) < Math.max(bestP[c], bestQ[c]))))) {
              bestD[c] = d;
              bestP[c] = p;
              bestQ[c] = q;
            }
          }
        } else {
          const l = tree.left[node];
          const r = tree.right[node];
          if (tree.boxDist2(l, p) < tree.boxDist2(r, p)) {
            stack[top++] = r;
            stack[top++] = l;
          } else {
            stack[top++] = l;
            stack[top++] = r;
          }
        }
      }
    }
    let added = 0;
    for (let c = 0; c < n; c++) {
      if (bestP[c] < 0 || comp[c] !== c) continue;
      if (uf.union(bestP[c], bestQ[c])) {
        from[edges] = bestP[c];
        to[edges] = bestQ[c];
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

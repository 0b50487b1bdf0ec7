/**
 * From the MST to HDBSCAN's condensed tree: single linkage (merge order of the sorted MST edges),
 * then the condensing walk of Campello et al. / scikit-learn's `_condense_tree`: going down from the
 * root, a split into two parts of ≥ minClusterSize makes two new clusters, otherwise the smaller
 * part's points "fall out" of the continuing cluster at λ = 1 / distance.
 */
import type { Mst } from './mst';

export interface CondensedTree {
  /** Rows: parent cluster, child (a point < n, or a cluster ≥ n), λ when the child left, child size. */
  parent: Int32Array;
  child: Int32Array;
  lambda: Float64Array;
  size: Int32Array;
  /** Number of points; clusters are numbered n (the root), n + 1, ... top-down. */
  n: number;
  nClusters: number;
}

export function condenseTree(mst: Mst, n: number, minClusterSize: number): CondensedTree {
  // Single linkage: internal node n + i merges `left[i]` and `right[i]` at `dist[i]`.
  const m = mst.from.length;
  const left = new Int32Array(m);
  const right = new Int32Array(m);
  const dist = new Float64Array(m);
  const sizes = new Int32Array(n + m).fill(1);
  const uf = Int32Array.from({ length: n + m }, (_, i) => i);
  const find = (x: number) => {
    while (uf[x] !== x) {
      uf[x] = uf[uf[x]];
      x = uf[x];
    }
    return x;
  };
  for (let i = 0; i < m; i++) {
    const a = find(mst.from[i]);
    const b = find(mst.to[i]);
    left[i] = a;
    right[i] = b;
    dist[i] = mst.weight[i];
    sizes[n + i] = sizes[a] + sizes[b];
    uf[a] = n + i;
    uf[b] = n + i;
  }

  const parent: number[] = [];
  const child: number[] = [];
  const lambda: number[] = [];
  const csize: number[] = [];
  const push = (p: number, c: number, l: number, s: number) => {
    parent.push(p);
    child.push(c);
    lambda.push(l);
    csize.push(s);
  };
  if (n === 1 || m === 0) {
    for (let i = 0; i < n; i++) push(n, i, 0, 1);
    return pack(parent, child, lambda, csize, n, 1);
  }

  const relabel = new Int32Array(n + m);
  const root = n + m - 1;
  relabel[root] = n;
  let next = n + 1;
  // Every point of the subtree under `node` falls out of cluster `label` at λ.
  const fallOut = (node: number, label: number, l: number) => {
    const stack = [node];
    while (stack.length) {
      const x = stack.pop()!;
      if (x < n) push(label, x, l, 1);
      else {
        stack.push(left[x - n], right[x - n]);
      }
    }
  };
  // Top-down over internal nodes that still carry a cluster label.
  const queue = [root];
  for (let qi = 0; qi < queue.length; qi++) {
    const node = queue[qi];
    const i = node - n;
    const l = dist[i] > 0 ? 1 / dist[i] : Infinity;
    const a = left[i];
    const b = right[i];
    const sa = sizes[a];
    const sb = sizes[b];
    const label = relabel[node];
    if (sa >= minClusterSize && sb >= minClusterSize) {
      relabel[a] = next++;
      push(label, relabel[a], l, sa);
      relabel[b] = next++;
      push(label, relabel[b], l, sb);
      queue.push(a, b);
    } else if (sa < minClusterSize && sb < minClusterSize) {
      fallOut(a, label, l);
      fallOut(b, label, l);
    } else {
      const [big, small] = sa >= minClusterSize ? [a, b] : [b, a];
      fallOut(small, label, l);
      if (big >= n) {
        relabel[big] = label;
        queue.push(big);
      } else push(label, big, l, 1);
    }
  }
  return pack(parent, child, lambda, csize, n, next - n);
}

function pack(parent: number[], child: number[], lambda: number[], size: number[], n: number, nClusters: number): CondensedTree {
  return { parent: Int32Array.from(parent), child: Int32Array.from(child), lambda: Float64Array.from(lambda), size: Int32Array.from(size), n, nClusters };
}

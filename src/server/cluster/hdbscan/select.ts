/**
 * Cluster selection on the condensed tree, as scikit-learn's `_get_clusters`: stabilities, then
 * excess of mass (a cluster is kept when it is more stable than its selected descendants together)
 * or leaf selection, with cluster_selection_epsilon merging clusters born below ε.
 */
import type { CondensedTree } from './condense';

export interface Selection {
  /** Selected cluster ids (≥ n), ascending: label k is selected[k]. */
  selected: number[];
  stability: Float64Array; // by cluster id − n
}

export interface SelectOptions {
  method: 'eom' | 'leaf';
  epsilon: number;
  allowSingleCluster: boolean;
}

export function clusterChildren(t: CondensedTree): number[][] {
  const kids: number[][] = Array.from({ length: t.nClusters }, () => []);
  for (let r = 0; r < t.parent.length; r++) if (t.child[r] >= t.n) kids[t.parent[r] - t.n].push(t.child[r]);
  return kids;
}

/** λ at which each cluster was born (0 for the root). */
export function birthLambdas(t: CondensedTree): Float64Array {
  const birth = new Float64Array(t.nClusters);
  for (let r = 0; r < t.parent.length; r++) if (t.child[r] >= t.n) birth[t.child[r] - t.n] = t.lambda[r];
  return birth;
}

export function stabilities(t: CondensedTree): Float64Array {
  const birth = birthLambdas(t);
  const s = new Float64Array(t.nClusters);
  for (let r = 0; r < t.parent.length; r++) {
    const c = t.parent[r] - t.n;
    s[c] += (t.lambda[r] - birth[c]) * t.size[r];
  }
  return s;
}

function epsilonSearch(leaves: number[], t: CondensedTree, kids: number[][], birth: Float64Array, parentOf: Int32Array, eps: number, allowSingle: boolean): number[] {
  const root = t.n;
  const out = new Set<number>();
  const processed = new Set<number>();
  const traverseUp = (leaf: number): number => {
    const parent = parentOf[leaf - t.n];
    if (parent === root) return allowSingle ? parent : leaf;
    return 1 / birth[parent - t.n] > eps ? parent : traverseUp(parent);
  };
  for (const leaf of leaves) {
    if (1 / birth[leaf - t.n] < eps) {
      if (!processed.has(leaf)) {
        const up = traverseUp(leaf);
        out.add(up);
        const stack = [...kids[up - t.n]];
        while (stack.length) {
          const x = stack.pop()!;
          processed.add(x);
          stack.push(...kids[x - t.n]);
        }
      }
    } else out.add(leaf);
  }
  return [...out];
}

export function selectClusters(t: CondensedTree, o: SelectOptions): Selection {
  const kids = clusterChildren(t);
  const stability = stabilities(t);
  const birth = birthLambdas(t);
  const parentOf = new Int32Array(t.nClusters).fill(-1);
  for (let c = 0; c < t.nClusters; c++) for (const k of kids[c]) parentOf[k - t.n] = c + t.n;

  let selected: number[];
  if (o.method === 'leaf') {
    const leaves: number[] = [];
    for (let c = 1; c < t.nClusters; c++) if (kids[c].length === 0) leaves.push(c + t.n);
    if (leaves.length === 0) selected = o.allowSingleCluster ? [t.n] : [];
    else selected = o.epsilon > 0 ? epsilonSearch(leaves, t, kids, birth, parentOf, o.epsilon, o.allowSingleCluster) : leaves;
  } else {
    const isCluster = new Uint8Array(t.nClusters).fill(1);
    if (!o.allowSingleCluster) isCluster[0] = 0;
    const stab = Float64Array.from(stability);
    // Children have larger ids than parents: a descending scan sees every child first.
    for (let c = t.nClusters - 1; c >= (o.allowSingleCluster ? 0 : 1); c--) {
      let sub = 0;
      for (const k of kids[c]) sub += stab[k - t.n];
      if (kids[c].length > 0 && sub > stab[c]) {
        isCluster[c] = 0;
        stab[c] = sub;
      } else {
        const stack = [...kids[c]];
        while (stack.length) {
          const x = stack.pop()!;
          isCluster[x - t.n] = 0;
          stack.push(...kids[x - t.n]);
        }
      }
    }
    selected = [];
    for (let c = 0; c < t.nClusters; c++) if (isCluster[c]) selected.push(c + t.n);
    if (o.epsilon > 0 && selected.length > 0) selected = epsilonSearch(selected, t, kids, birth, parentOf, o.epsilon, o.allowSingleCluster);
  }
  selected.sort((a, b) => a - b);
  return { selected, stability };
}

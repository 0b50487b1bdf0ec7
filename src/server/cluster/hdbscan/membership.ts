/**
 * Labels, membership probabilities and GLOSH outlier scores from the condensed tree and the
 * selection, following scikit-learn's `_do_labelling` / `get_probabilities` and the hdbscan
 * package's `outlier_scores`, so results compare one to one.
 */
import type { CondensedTree } from './condense';
import { clusterChildren } from './select';

export interface Membership {
  labels: Int32Array;
  probabilities: Float32Array;
  outlierScores: Float32Array;
}

export function membership(t: CondensedTree, selected: readonly number[], epsilon: number, allowSingleCluster: boolean): Membership {
  const n = t.n;
  const labelOf = new Map<number, number>(selected.map((c, i) => [c, i]));
  const parentOf = new Int32Array(t.nClusters).fill(-1);
  const kids = clusterChildren(t);
  for (let c = 0; c < t.nClusters; c++) for (const k of kids[c]) parentOf[k - n] = c + n;

  // Nearest selected ancestor (or self) of every cluster, −1 when none.
  const owner = new Int32Array(t.nClusters).fill(-1);
  for (let c = 0; c < t.nClusters; c++) {
    let x = c + n;
    while (x >= 0 && !labelOf.has(x)) x = parentOf[x - n];
    owner[c] = x;
  }

  // Direct-row maximum λ per cluster (scikit-learn's max_lambdas), and the λ each point left at.
  const deaths = new Float64Array(t.nClusters);
  const pointLambda = new Float64Array(n);
  const pointParent = new Int32Array(n);
  for (let r = 0; r < t.parent.length; r++) {
    const c = t.parent[r] - n;
    if (t.lambda[r] > deaths[c]) deaths[c] = t.lambda[r];
    if (t.child[r] < n) {
      pointLambda[t.child[r]] = t.lambda[r];
      pointParent[t.child[r]] = t.parent[r];
    }
  }

  const labels = new Int32Array(n).fill(-1);
  const probabilities = new Float32Array(n);
  const rootOnly = selected.length === 1 && selected[0] === n && allowSingleCluster;
  let rootChildMax = 0;
  if (rootOnly) for (let r = 0; r < t.parent.length; r++) if (t.parent[r] === n) rootChildMax = Math.max(rootChildMax, t.lambda[r]);
  for (let p = 0; p < n; p++) {
    const o = owner[pointParent[p] - n];
    if (o < 0) continue;
    if (o === n && rootOnly) {
      const keep = epsilon > 0 ? pointLambda[p] >= 1 / epsilon : pointLambda[p] >= rootChildMax;
      if (!keep) continue;
    } else if (o === n) continue;
    labels[p] = labelOf.get(o)!;
    const maxL = deaths[o - n];
    probabilities[p] = maxL === 0 || !Number.isFinite(pointLambda[p]) ? 1 : Math.min(pointLambda[p], maxL) / maxL;
  }

  // GLOSH: deaths propagated to include every descendant, then (λmax − λp) / λmax of the point's cluster.
  const deep = Float64Array.from(deaths);
  for (let c = t.nClusters - 1; c > 0; c--) {
    const p = parentOf[c] - n;
    if (deep[c] > deep[p]) deep[p] = deep[c];
  }
  const outlierScores = new Float32Array(n);
  for (let p = 0; p < n; p++) {
    const lmax = deep[pointParent[p] - n];
    outlierScores[p] = lmax === 0 || !Number.isFinite(pointLambda[p]) ? 0 : (lmax - pointLambda[p]) / lmax;
  }
  return { labels, probabilities, outlierScores };
}

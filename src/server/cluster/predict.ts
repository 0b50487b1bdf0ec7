/**
 * Assigns new texts to an existing run's clusters (for Classify Selection's "nearest cluster"):
 * nearest centroid among the top-level clusters by cosine similarity, then among that cluster's
 * sub-clusters, and so on. Probability is the softmax share of the winner among its siblings
 * (temperature 0.05 on cosine), so a text between two clusters gets a low one. Centroids live in
 * clusters.json, so no vectors need to be kept with the run.
 */
import { autoNameOf, keywordName, labelOf, type ClusterRecord, type Prediction } from '../../shared/api';

const TEMPERATURE = 0.05;
/** An unlabelled cluster's prediction is named by this many keywords (short enough for a hover). */
const KEYWORD_TERMS = 3;

function cosine(v: Float32Array, o: number, dim: number, c: readonly number[]): number {
  let s = 0;
  let n = 0;
  for (let d = 0; d < dim; d++) {
    s += v[o + d] * c[d];
    n += c[d] * c[d];
  }
  return s / (Math.sqrt(n) || 1);
}

export function predictClusters(vectors: Float32Array, dim: number, clusters: readonly ClusterRecord[]): Prediction[] {
  const n = vectors.length / dim;
  const children = new Map<string | null, ClusterRecord[]>();
  for (const c of clusters) {
    if (c.isNoise || !c.centroid) continue;
    children.set(c.parent, [...(children.get(c.parent) ?? []), c]);
  }
  const out: Prediction[] = [];
  for (let i = 0; i < n; i++) {
    let level = children.get(null) ?? [];
    let best: ClusterRecord | null = null;
    let bestSim = 0;
    let probability = 0;
    while (level.length > 0) {
      const sims = level.map((c) => cosine(vectors, i * dim, dim, c.centroid!));
      const k = sims.indexOf(Math.max(...sims));
      const z = sims.reduce((s, x) => s + Math.exp((x - sims[k]) / TEMPERATURE), 0);
      if (!best) probability = 1 / z; // the top-level decision is the one that matters most
      best = level[k];
      bestSim = sims[k];
      level = children.get(best.id) ?? [];
    }
    out.push({ path: best?.id ?? null, label: best ? (labelOf(best) ?? autoNameOf(best) ?? keywordName(best, KEYWORD_TERMS)) : null, similarity: bestSim, probability });
  }
  return out;
}

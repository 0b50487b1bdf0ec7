/**
 * Optional outlier reassignment: a noise point joins the cluster whose centroid it is most similar
 * to (cosine, in embedding space), when that similarity reaches the threshold. The original noise
 * flag is kept (assignments.csv `was_noise`), so nothing about the clustering is hidden.
 */
import { centroid } from './examples';

export function reassignOutliers(
  labels: Int32Array,
  vectors: Float32Array,
  dim: number,
  centroids: readonly Float32Array[],
  threshold: number,
): { labels: Int32Array; reassigned: number } {
  const out = Int32Array.from(labels);
  const norms = centroids.map((c) => Math.sqrt(c.reduce((s, x) => s + x * x, 0)) || 1);
  let reassigned = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] >= 0) continue;
    let best = -1;
    let bestSim = -Infinity;
    for (let c = 0; c < centroids.length; c++) {
      let s = 0;
      for (let d = 0; d < dim; d++) s += vectors[i * dim + d] * centroids[c][d];
      s /= norms[c];
      if (s > bestSim) {
        bestSim = s;
        best = c;
      }
    }
    if (best >= 0 && bestSim >= threshold) {
      out[i] = best;
      reassigned++;
    }
  }
  return { labels: out, reassigned };
}

/** Reassigns the noise of one level's labels (clusters 0..nClusters−1) to the centroids of its clusters. */
export function reassignNoise(labels: Int32Array, nClusters: number, vectors: Float32Array, dim: number, threshold: number): { labels: Int32Array; reassigned: number } {
  const members: number[][] = Array.from({ length: nClusters }, () => []);
  labels.forEach((l, i) => l >= 0 && members[l].push(i));
  return reassignOutliers(labels, vectors, dim, members.map((m) => centroid(vectors, dim, m)), threshold);
}

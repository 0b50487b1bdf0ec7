/**
 * Outlier reassignment: a noise text joins the cluster whose centroid it is most similar to (cosine, in
 * embedding space) when that similarity reaches a threshold. The original noise flag is kept
 * (assignments.csv `was_noise`), so nothing about the clustering is hidden.
 *
 * The threshold is either one cosine for every cluster (the user's number), or `auto`: each cluster's
 * own, the similarity its members reach at AUTO_MEMBER_QUANTILE. A noise text then joins a cluster only
 * when it is closer to that cluster's centre than the cluster's loosest members are, which follows how
 * tight each cluster is instead of one cosine that suits some texts and not others.
 *
 * Why `auto` is the default: HDBSCAN's noise is the least stable part of a run. Two runs on nearly the
 * same rows disagree mostly about which rows are noise, so a new ticket assigned to a run agreed with a
 * full re-run on only 88.7 % of Bitext's held-out rows, 234 of its 303 disagreements about noise
 * (docs/measurements/assign.md). With `auto`, noise falls from ~8 % to ~3 % of Bitext's rows and agreement rises to
 * 91.4 % (ceiling 92.0 %); the rows left as noise are those far from every cluster. A quantile of 0.1
 * left 6 % noise and 89.1 %; a fixed cosine of 0.5 left 0.5 % noise (91.3 %) and would keep none on
 * texts whose clusters are loose.
 */
import { topKSimilar } from '../vectors/matmulTopK';

export type OutlierThreshold = number | 'auto';

/** `auto`: a noise text joins a cluster when it is more similar to its centroid than this share of the cluster's members. */
export const AUTO_MEMBER_QUANTILE = 0.02;

/** Unit-length centroids of clusters 0..nClusters−1, flat (nClusters × dim), and each cluster's size. */
function unitCentroids(labels: Int32Array, nClusters: number, vectors: Float32Array, dim: number): { c: Float32Array; sizes: Int32Array } {
  const c = new Float32Array(nClusters * dim);
  const sizes = new Int32Array(nClusters);
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i];
    if (l < 0) continue;
    sizes[l]++;
    for (let d = 0; d < dim; d++) c[l * dim + d] += vectors[i * dim + d];
  }
  for (let l = 0; l < nClusters; l++) {
    let norm = 0;
    for (let d = 0; d < dim; d++) norm += c[l * dim + d] * c[l * dim + d];
    norm = Math.sqrt(norm) || 1;
    for (let d = 0; d < dim; d++) c[l * dim + d] /= norm;
  }
  return { c, sizes };
}

function dot(vectors: Float32Array, i: number, c: Float32Array, l: number, dim: number): number {
  let s = 0;
  for (let d = 0, a = i * dim, b = l * dim; d < dim; d++) s += vectors[a + d] * c[b + d];
  return s;
}

/** Each cluster's member similarity at `quantile` (the lower tail), from its members' cosines to its centroid. */
function memberQuantiles(labels: Int32Array, vectors: Float32Array, dim: number, c: Float32Array, sizes: Int32Array, quantile: number): Float64Array {
  const start = new Int32Array(sizes.length + 1);
  for (let l = 0; l < sizes.length; l++) start[l + 1] = start[l] + sizes[l];
  const sims = new Float32Array(start[sizes.length]);
  const fill = start.slice(0, sizes.length);
  for (let i = 0; i < labels.length; i++) if (labels[i] >= 0) sims[fill[labels[i]]++] = dot(vectors, i, c, labels[i], dim);
  const out = new Float64Array(sizes.length);
  for (let l = 0; l < sizes.length; l++) {
    const own = sims.subarray(start[l], start[l + 1]).sort();
    out[l] = own.length ? own[Math.min(own.length - 1, Math.floor(quantile * own.length))] : Infinity;
  }
  return out;
}

/** Noise rows gathered per call to the inference thread: 16,384 × 384 floats is 24 MiB. */
const NOISE_CHUNK = 16_384;

/**
 * Reassigns the noise of one level's labels (clusters 0..nClusters−1) to the most similar centroid
 * when the similarity reaches the threshold; `vectors` need not be unit length (cosines are to unit
 * centroids, and the pipeline's vectors are unit length). Each noise row's most similar centroid comes
 * from onnxruntime's matrix product on the inference thread (vectors/matmulTopK.ts), a chunk of noise
 * rows at a time: at 1M rows, half of them noise, against 66 centroids, the same loop in JavaScript
 * held the calling thread for 40 s.
 */
export async function reassignNoise(
  labels: Int32Array,
  nClusters: number,
  vectors: Float32Array,
  dim: number,
  threshold: OutlierThreshold,
  signal?: AbortSignal,
): Promise<{ labels: Int32Array; reassigned: number }> {
  const out = Int32Array.from(labels);
  const noise: number[] = [];
  labels.forEach((l, i) => l < 0 && noise.push(i));
  if (nClusters === 0 || noise.length === 0) return { labels: out, reassigned: 0 };
  const { c, sizes } = unitCentroids(labels, nClusters, vectors, dim);
  const limits = threshold === 'auto' ? memberQuantiles(labels, vectors, dim, c, sizes, AUTO_MEMBER_QUANTILE) : new Float64Array(nClusters).fill(threshold);
  // An empty cluster's centroid is all zeros: it can never be best over a real one, and its limit is never met.
  for (let l = 0; l < nClusters; l++) if (sizes[l] === 0) limits[l] = Infinity;
  const ct = new Float32Array(dim * nClusters);
  for (let l = 0; l < nClusters; l++) for (let d = 0; d < dim; d++) ct[d * nClusters + l] = c[l * dim + d];
  let reassigned = 0;
  const q = new Float32Array(Math.min(NOISE_CHUNK, noise.length) * dim);
  for (let start = 0; start < noise.length; start += NOISE_CHUNK) {
    const rows = noise.slice(start, start + NOISE_CHUNK);
    rows.forEach((i, r) => q.set(vectors.subarray(i * dim, (i + 1) * dim), r * dim));
    const best = await topKSimilar(q.subarray(0, rows.length * dim), rows.length, ct, nClusters, dim, 1, { priority: 'background', signal });
    rows.forEach((i, r) => {
      const l = best.indices[r];
      if (best.values[r] >= limits[l]) {
        out[i] = l;
        reassigned++;
      }
    });
  }
  return { labels: out, reassigned };
}

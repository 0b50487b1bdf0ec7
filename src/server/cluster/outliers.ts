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
 * (docs/measurements/assign.md). With `auto`, noise falls from ~8 % to ~3 % of Bitext's rows and
 * agreement rises to 91.4 % (ceiling 92.0 %); the rows left as noise are those far from every cluster.
 * A quantile of 0.1 left 6 % noise and 89.1 %. A fixed cosine of 0.5 or 0.6 agreed as often (91.3 %,
 * 91.2 %), but one cosine takes rows a tight cluster's members never come near and refuses rows well
 * inside a loose cluster (test/unit/cluster/outliers.test.ts).
 */
import { TicketLensError } from '../../shared/api';
import { topKSimilar } from '../vectors/matmulTopK';

export type OutlierThreshold = number | 'auto';

/** `auto`: a noise text joins a cluster when it is more similar to its centroid than this share of the cluster's members. */
export const AUTO_MEMBER_QUANTILE = 0.02;

/**
 * Rows between two turns of the event loop in the passes over members: the pipeline's own thread
 * serves the HTTP routes, and at 1M rows each pass is about a second of work (~30 ms per turn).
 */
const YIELD_ROWS = 32_768;

async function breathe(signal: AbortSignal | undefined): Promise<void> {
  await new Promise(setImmediate);
  if (signal?.aborted) throw new TicketLensError('job_cancelled', 'Clustering was cancelled.');
}

/** Unit-length centroids of clusters 0..nClusters−1, flat (nClusters × dim), and each cluster's size. */
async function unitCentroids(labels: Int32Array, nClusters: number, vectors: Float32Array, dim: number, signal: AbortSignal | undefined): Promise<{ c: Float32Array; sizes: Int32Array }> {
  const c = new Float32Array(nClusters * dim);
  const sizes = new Int32Array(nClusters);
  for (let i = 0; i < labels.length; i++) {
    if (i % YIELD_ROWS === YIELD_ROWS - 1) await breathe(signal);
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

/** Each cluster's member similarity at `quantile` (the lower tail), from its members' cosines to its centroid. */
async function memberQuantiles(labels: Int32Array, vectors: Float32Array, dim: number, c: Float32Array, sizes: Int32Array, quantile: number, signal: AbortSignal | undefined): Promise<Float64Array> {
  const start = new Int32Array(sizes.length + 1);
  for (let l = 0; l < sizes.length; l++) start[l + 1] = start[l] + sizes[l];
  const sims = new Float32Array(start[sizes.length]);
  const fill = start.slice(0, sizes.length);
  for (let i = 0; i < labels.length; i++) {
    if (i % YIELD_ROWS === YIELD_ROWS - 1) await breathe(signal);
    const l = labels[i];
    if (l < 0) continue;
    let s = 0;
    for (let d = 0, a = i * dim, b = l * dim; d < dim; d++) s += vectors[a + d] * c[b + d];
    sims[fill[l]++] = s;
  }
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
 * when the similarity reaches the threshold. The vectors are unit length (the pipeline's are, and so
 * are an adapter's), so a score is a cosine. Each noise row's most similar centroid comes from
 * onnxruntime's matrix product on the inference thread (vectors/matmulTopK.ts), a chunk of noise rows
 * at a time: on 1M synthetic rows, 78 % of them noise, against 66 centroids, the same loop in
 * JavaScript held the calling thread for 40 s (docs/measurements/assign.md).
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
  const { c, sizes } = await unitCentroids(labels, nClusters, vectors, dim, signal);
  const limits = threshold === 'auto' ? await memberQuantiles(labels, vectors, dim, c, sizes, AUTO_MEMBER_QUANTILE, signal) : new Float64Array(nClusters).fill(threshold);
  // Only clusters with members are candidates: an empty one's centroid is zeros, which would beat every
  // real centroid for a row whose cosines are all negative.
  const live = Array.from(sizes.keys()).filter((l) => sizes[l] > 0);
  if (live.length === 0) return { labels: out, reassigned: 0 };
  const ct = new Float32Array(dim * live.length);
  live.forEach((l, j) => {
    for (let d = 0; d < dim; d++) ct[d * live.length + j] = c[l * dim + d];
  });
  let reassigned = 0;
  const q = new Float32Array(Math.min(NOISE_CHUNK, noise.length) * dim);
  for (let start = 0; start < noise.length; start += NOISE_CHUNK) {
    const rows = noise.slice(start, start + NOISE_CHUNK);
    rows.forEach((i, r) => q.set(vectors.subarray(i * dim, (i + 1) * dim), r * dim));
    const best = await topKSimilar(q.subarray(0, rows.length * dim), rows.length, ct, live.length, dim, 1, { priority: 'background', signal });
    rows.forEach((i, r) => {
      const l = live[best.indices[r]];
      if (best.values[r] >= limits[l]) {
        out[i] = l;
        reassigned++;
      }
    });
  }
  return { labels: out, reassigned };
}

/**
 * Centroids and representative examples: a cluster's examples are the members closest to its
 * centroid in embedding space, skipping near-duplicates of an example already chosen (support data
 * is full of templated repeats; five copies of one sentence tell a reader nothing).
 */

export function centroid(vectors: Float32Array, dim: number, members: readonly number[]): Float32Array {
  const c = new Float32Array(dim);
  for (const m of members) for (let d = 0; d < dim; d++) c[d] += vectors[m * dim + d];
  for (let d = 0; d < dim; d++) c[d] /= Math.max(1, members.length);
  return c;
}

function cos(a: Float32Array, ao: number, b: Float32Array, bo: number, dim: number): number {
  let s = 0;
  let na = 0;
  let nb = 0;
  for (let d = 0; d < dim; d++) {
    s += a[ao + d] * b[bo + d];
    na += a[ao + d] * a[ao + d];
    nb += b[bo + d] * b[bo + d];
  }
  return s / (Math.sqrt(na * nb) || 1);
}

/** Up to `k` member indices, most central first, none with cosine > `dupThreshold` to an earlier one. */
export function representatives(vectors: Float32Array, dim: number, members: readonly number[], center: Float32Array, k = 5, dupThreshold = 0.92): number[] {
  const ranked = members.map((m) => ({ m, s: cos(vectors, m * dim, center, 0, dim) })).sort((a, b) => b.s - a.s || a.m - b.m);
  const chosen: number[] = [];
  for (const { m } of ranked) {
    if (chosen.every((c) => cos(vectors, m * dim, vectors, c * dim, dim) <= dupThreshold)) chosen.push(m);
    if (chosen.length === k) break;
  }
  return chosen;
}

export function cosineToCentroid(vectors: Float32Array, dim: number, i: number, center: Float32Array): number {
  return cos(vectors, i * dim, center, 0, dim);
}

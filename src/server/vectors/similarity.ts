/**
 * Cosine similarities of query vectors to a small fixed set of unit vectors (zero-shot label
 * prototypes: tens of rows, where a JS dot product over 384 floats is ~0.3 µs and an onnxruntime call
 * costs more in set-up), and the k largest of a score array. The thousands of stored training examples
 * go through onnxruntime instead (matmulTopK.ts topKSimilar).
 */
export function similarities(q: Float32Array, qRow: number, base: Float32Array, dim: number, out: Float32Array): Float32Array {
  const n = base.length / dim;
  const qo = qRow * dim;
  for (let r = 0; r < n; r++) {
    const bo = r * dim;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    // Four accumulators let the JIT overlap the multiply-adds; the tail covers a dimension that is not a multiple of 4.
    const whole = dim - (dim % 4);
    let d = 0;
    for (; d < whole; d += 4) {
      s0 += q[qo + d] * base[bo + d];
      s1 += q[qo + d + 1] * base[bo + d + 1];
      s2 += q[qo + d + 2] * base[bo + d + 2];
      s3 += q[qo + d + 3] * base[bo + d + 3];
    }
    for (; d < dim; d++) s0 += q[qo + d] * base[bo + d];
    out[r] = s0 + s1 + s2 + s3;
  }
  return out;
}

/** Indices of the k largest values, largest first. */
export function topK(values: ArrayLike<number>, k: number): number[] {
  const idx: number[] = [];
  for (let i = 0; i < values.length; i++) {
    if (idx.length < k) {
      idx.push(i);
      if (idx.length === k) idx.sort((a, b) => values[b] - values[a]);
      continue;
    }
    if (values[i] <= values[idx[k - 1]]) continue;
    let p = k - 1;
    while (p > 0 && values[idx[p - 1]] < values[i]) {
      idx[p] = idx[p - 1];
      p--;
    }
    idx[p] = i;
  }
  return idx.length < k ? idx.sort((a, b) => values[b] - values[a]) : idx;
}

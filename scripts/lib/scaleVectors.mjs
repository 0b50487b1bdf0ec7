// The vectors of the scale benchmark (scripts/bench-cluster-scale.mjs): the first m rows are the real
// MiniLM vectors of the ~100k set's unique texts; row i ≥ m is a copy of row i mod m with seeded
// Gaussian noise of σ per dimension, renormalised, and its text is the source's with " #c" appended
// (c = the copy number: a one-character token, which c-TF-IDF's 2+-character words never count).
// σ 0.015 makes a copy about 0.04 in cosine distance from its source and 0.08 from another copy: close,
// but inside the range of real neighbours, so copies do not form cliques of their own.
export const NOISE_SIGMA = 0.015;

export function scaleVectors(base, m, dim, n, sigma = NOISE_SIGMA, seed = 0x9e3779b9) {
  const v = new Float32Array(n * dim);
  let st = seed >>> 0;
  const u = () => {
    st ^= st << 13;
    st ^= st >>> 17;
    st ^= st << 5;
    return ((st >>> 0) + 0.5) / 4294967296;
  };
  for (let i = 0; i < n; i++) {
    const src = (i % m) * dim;
    if (i < m) {
      v.set(base.subarray(src, src + dim), i * dim);
      continue;
    }
    let norm = 0;
    for (let d = 0; d < dim; d++) {
      const x = base[src + d] + Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u()) * sigma;
      v[i * dim + d] = x;
      norm += x * x;
    }
    norm = Math.sqrt(norm);
    for (let d = 0; d < dim; d++) v[i * dim + d] /= norm;
  }
  return v;
}

export const scaleText = (texts, i) => (i < texts.length ? texts[i] : `${texts[i % texts.length]} #${Math.floor(i / texts.length)}`);

/**
 * Classification heads on frozen sentence vectors: a linear layer (or one hidden ReLU layer) giving
 * logits, read as a softmax (one label per text) or as independent sigmoids (multi-label, each with
 * its own threshold). Parameters live in one Float32Array so the optimiser and the model file treat
 * every head the same way; weights are views into it.
 *
 * Plain typed-array loops rather than a tensor library: the heads are tiny (384 × 77 for Banking77),
 * and a loop over rows with the weights row-major is already memory-bound at this size.
 */
export interface HeadShape {
  dim: number;
  /** 0 = linear head. */
  hidden: number;
  classes: number;
  multiLabel: boolean;
}

export function paramCount(s: HeadShape): number {
  return s.hidden > 0 ? s.hidden * s.dim + s.hidden + s.classes * s.hidden + s.classes : s.classes * s.dim + s.classes;
}

export interface HeadViews {
  W1: Float32Array;
  b1: Float32Array;
  W2: Float32Array | null;
  b2: Float32Array | null;
}

/** Views of the weight matrices inside a flat parameter (or gradient) array. */
export function views(s: HeadShape, p: Float32Array): HeadViews {
  const out = s.hidden > 0 ? s.hidden : s.classes;
  let o = 0;
  const W1 = p.subarray(o, (o += out * s.dim));
  const b1 = p.subarray(o, (o += out));
  if (s.hidden === 0) return { W1, b1, W2: null, b2: null };
  const W2 = p.subarray(o, (o += s.classes * s.hidden));
  const b2 = p.subarray(o, (o += s.classes));
  return { W1, b1, W2, b2 };
}

/** y[r, j] = b[j] + Σ_d x[r, d] · W[j, d] for rows r of x (n × inDim), W (outDim × inDim). */
export function affine(x: Float32Array, n: number, inDim: number, W: Float32Array, b: Float32Array, outDim: number, y: Float32Array): void {
  const tail = inDim & ~3;
  for (let r = 0; r < n; r++) {
    const xo = r * inDim;
    const yo = r * outDim;
    for (let j = 0; j < outDim; j++) {
      const wo = j * inDim;
      // four accumulators break the add dependency chain (~2× faster in V8 at these sizes)
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let d = 0;
      for (; d < tail; d += 4) {
        s0 += x[xo + d] * W[wo + d];
        s1 += x[xo + d + 1] * W[wo + d + 1];
        s2 += x[xo + d + 2] * W[wo + d + 2];
        s3 += x[xo + d + 3] * W[wo + d + 3];
      }
      for (; d < inDim; d++) s0 += x[xo + d] * W[wo + d];
      y[yo + j] = b[j] + s0 + s1 + s2 + s3;
    }
  }
}

export interface Forward {
  logits: Float32Array;
  /** Hidden activations after ReLU (MLP heads only). */
  hidden: Float32Array | null;
}

export function forward(s: HeadShape, params: Float32Array, x: Float32Array, n: number): Forward {
  const v = views(s, params);
  if (s.hidden === 0) {
    const logits = new Float32Array(n * s.classes);
    affine(x, n, s.dim, v.W1, v.b1, s.classes, logits);
    return { logits, hidden: null };
  }
  const h = new Float32Array(n * s.hidden);
  affine(x, n, s.dim, v.W1, v.b1, s.hidden, h);
  for (let i = 0; i < h.length; i++) if (h[i] < 0) h[i] = 0;
  const logits = new Float32Array(n * s.classes);
  affine(h, n, s.hidden, v.W2!, v.b2!, s.classes, logits);
  return { logits, hidden: h };
}

/** In-place softmax of each row of logits / temperature. */
export function softmaxRows(z: Float32Array, n: number, c: number, temperature = 1): Float32Array {
  for (let r = 0; r < n; r++) {
    const o = r * c;
    let max = -Infinity;
    for (let j = 0; j < c; j++) max = Math.max(max, z[o + j] / temperature);
    let sum = 0;
    for (let j = 0; j < c; j++) {
      const e = Math.exp(z[o + j] / temperature - max);
      z[o + j] = e;
      sum += e;
    }
    for (let j = 0; j < c; j++) z[o + j] /= sum;
  }
  return z;
}

export const sigmoid = (x: number): number => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));

/** Probabilities: softmax rows (single-label) or element-wise sigmoid (multi-label), at a temperature. */
export function probabilities(s: HeadShape, params: Float32Array, x: Float32Array, n: number, temperature = 1): Float32Array {
  const z = forward(s, params, x, n).logits;
  if (!s.multiLabel) return softmaxRows(z, n, s.classes, temperature);
  for (let i = 0; i < z.length; i++) z[i] = sigmoid(z[i] / temperature);
  return z;
}

/** Adds to `grad` the gradient of the loss given dLoss/dLogits (n × classes) for a batch. */
export function backward(s: HeadShape, params: Float32Array, grad: Float32Array, x: Float32Array, n: number, fwd: Forward, dz: Float32Array): void {
  const v = views(s, params);
  const g = views(s, grad);
  if (s.hidden === 0) {
    accumulateAffineGrad(x, n, s.dim, dz, s.classes, g.W1, g.b1);
    return;
  }
  const h = fwd.hidden!;
  accumulateAffineGrad(h, n, s.hidden, dz, s.classes, g.W2!, g.b2!);
  // dh = dz · W2, masked by the ReLU
  const dh = new Float32Array(n * s.hidden);
  const W2 = v.W2!;
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < s.classes; j++) {
      const d = dz[r * s.classes + j];
      if (d === 0) continue;
      const wo = j * s.hidden;
      const ho = r * s.hidden;
      for (let k = 0; k < s.hidden; k++) dh[ho + k] += d * W2[wo + k];
    }
  }
  for (let i = 0; i < dh.length; i++) if (h[i] <= 0) dh[i] = 0;
  accumulateAffineGrad(x, n, s.dim, dh, s.hidden, g.W1, g.b1);
}

function accumulateAffineGrad(x: Float32Array, n: number, inDim: number, dy: Float32Array, outDim: number, gW: Float32Array, gb: Float32Array): void {
  const tail = inDim & ~3;
  for (let r = 0; r < n; r++) {
    const xo = r * inDim;
    for (let j = 0; j < outDim; j++) {
      const d = dy[r * outDim + j];
      if (d === 0) continue;
      gb[j] += d;
      const wo = j * inDim;
      let k = 0;
      for (; k < tail; k += 4) {
        gW[wo + k] += d * x[xo + k];
        gW[wo + k + 1] += d * x[xo + k + 1];
        gW[wo + k + 2] += d * x[xo + k + 2];
        gW[wo + k + 3] += d * x[xo + k + 3];
      }
      for (; k < inDim; k++) gW[wo + k] += d * x[xo + k];
    }
  }
}

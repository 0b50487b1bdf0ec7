/**
 * A contrastive adapter on the frozen embedding: v ↦ normalise(v + A·v), with A a dim × dim matrix
 * starting at zero (so an untrained adapter is the identity). It is trained on pairs of training
 * texts with the same label using the MultipleNegativesRanking loss of sentence-transformers (each
 * anchor must pick its own positive among the batch's positives, cosine × scale, cross-entropy) —
 * the in-batch loss the public clustering notebooks used to fine-tune the embedding. Each batch holds
 * at most one pair per label, so no "negative" shares the anchor's label.
 *
 * Adapting the frozen vectors instead of fine-tuning the transformer keeps training to seconds on a
 * CPU and keeps one embedding cache for everything; `adaptVectors` is exported so the cluster engine
 * can cluster in the adapted space.
 */
import { Prng } from '../vectors/prng';
import { scores } from '../cluster/metrics';
import { AdamW, scheduledLr } from './optim';
import { shuffleInPlace } from './split';
import { buffers, sharedFloat32, type CpuTask } from '../workers/task';

export interface Adapter {
  dim: number;
  /** dim × dim, row-major. */
  A: Float32Array;
}

export interface AdapterOptions {
  seed: number;
  epochs?: number;
  batchSize?: number;
  lr?: number;
  scale?: number;
  signal?: AbortSignal;
}

/** Maps L2-normalised vectors (n × dim) to adapted, L2-normalised vectors (into `out` when given). */
export function adaptVectors(adapter: Adapter, x: Float32Array, out: Float32Array = new Float32Array(x.length)): Float32Array {
  const { dim, A } = adapter;
  const n = x.length / dim;
  for (let r = 0; r < n; r++) adaptRow(A, dim, x, r * dim, out, r * dim);
  return out;
}

function adaptRow(A: Float32Array, dim: number, x: Float32Array, xo: number, out: Float32Array, oo: number): number {
  let norm = 0;
  for (let i = 0; i < dim; i++) {
    let s = x[xo + i];
    const ao = i * dim;
    for (let j = 0; j < dim; j++) s += A[ao + j] * x[xo + j];
    out[oo + i] = s;
    norm += s * s;
  }
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < dim; i++) out[oo + i] /= norm;
  return norm;
}

/** Trains the adapter on the rows `rows` of x with labels y. */
export function trainAdapter(x: Float32Array, dim: number, y: ArrayLike<number>, rows: readonly number[], opts: AdapterOptions): Adapter {
  const rng = new Prng(opts.seed ^ 0x2545f491);
  const epochs = opts.epochs ?? 1;
  const B = opts.batchSize ?? 64;
  const scale = opts.scale ?? 20;
  const A = new Float32Array(dim * dim);
  const opt = new AdamW(A, { weightDecay: 0.01 });
  const grad = new Float32Array(dim * dim);

  const byLabel = new Map<number, number[]>();
  for (const r of rows) {
    const l = byLabel.get(y[r]);
    if (l) l.push(r);
    else byLabel.set(y[r], [r]);
  }
  const usable = [...byLabel.entries()].filter(([, l]) => l.length >= 2).sort((a, b) => a[0] - b[0]);
  // batches: rounds over the labels, one (anchor, positive) pair per label per batch
  const stepsPerEpoch = Math.max(1, Math.floor(rows.length / (2 * B)) * 2);
  const total = stepsPerEpoch * epochs;
  const warmup = Math.max(1, Math.round(total * 0.1));
  const ua = new Float32Array(B * dim);
  const up = new Float32Array(B * dim);
  const na = new Float32Array(B);
  const np = new Float32Array(B);
  const da = new Float32Array(B * dim);
  const dp = new Float32Array(B * dim);
  const S = new Float32Array(B * B);
  const labelOrder = usable.map((_, i) => i);
  let cursor = labelOrder.length;

  for (let step = 0; step < total; step++) {
    if (opts.signal?.aborted) throw opts.signal.reason instanceof Error ? opts.signal.reason : new Error('training cancelled');
    const m = Math.min(B, usable.length);
    const anchors: number[] = [];
    const positives: number[] = [];
    for (let k = 0; k < m; k++) {
      if (cursor >= labelOrder.length) {
        shuffleInPlace(labelOrder, rng);
        cursor = 0;
      }
      const list = usable[labelOrder[cursor++]][1];
      const i = rng.int(list.length);
      let j = rng.int(list.length - 1);
      if (j >= i) j++;
      anchors.push(list[i]);
      positives.push(list[j]);
    }
    for (let k = 0; k < m; k++) {
      na[k] = adaptRow(A, dim, x, anchors[k] * dim, ua, k * dim);
      np[k] = adaptRow(A, dim, x, positives[k] * dim, up, k * dim);
    }
    // S = scale · ua · upᵀ ; loss = mean_k CE(S[k,:], k)
    for (let a = 0; a < m; a++) {
      let max = -Infinity;
      for (let b = 0; b < m; b++) {
        let s = 0;
        for (let d = 0; d < dim; d++) s += ua[a * dim + d] * up[b * dim + d];
        S[a * m + b] = scale * s;
        max = Math.max(max, S[a * m + b]);
      }
      let z = 0;
      for (let b = 0; b < m; b++) z += (S[a * m + b] = Math.exp(S[a * m + b] - max));
      for (let b = 0; b < m; b++) S[a * m + b] = (S[a * m + b] / z - (a === b ? 1 : 0)) * (scale / m);
    }
    // gradients w.r.t. the normalised vectors
    da.fill(0);
    dp.fill(0);
    for (let a = 0; a < m; a++) {
      for (let b = 0; b < m; b++) {
        const g = S[a * m + b];
        for (let d = 0; d < dim; d++) {
          da[a * dim + d] += g * up[b * dim + d];
          dp[b * dim + d] += g * ua[a * dim + d];
        }
      }
    }
    // through the normalisation (du = (I − v vᵀ) dv / |u|), then dA += du · xᵀ
    grad.fill(0);
    const accumulate = (v: Float32Array, dv: Float32Array, norms: Float32Array, src: number[]) => {
      for (let k = 0; k < m; k++) {
        let dot = 0;
        for (let d = 0; d < dim; d++) dot += v[k * dim + d] * dv[k * dim + d];
        const xo = src[k] * dim;
        for (let i = 0; i < dim; i++) {
          const du = (dv[k * dim + i] - dot * v[k * dim + i]) / norms[k];
          if (du === 0) continue;
          const go = i * dim;
          for (let j = 0; j < dim; j++) grad[go + j] += du * x[xo + j];
        }
      }
    };
    accumulate(ua, da, na, anchors);
    accumulate(up, dp, np, positives);
    opt.step(grad, scheduledLr(opts.lr ?? 1e-3, step, total, warmup));
  }
  return { dim, A };
}

/** Seeded k-means++ (Lloyd, cosine on unit vectors) — enough to compare embeddings' cluster structure. */
export function kmeans(x: Float32Array, dim: number, k: number, seed: number, iters = 30): Int32Array {
  const n = x.length / dim;
  const rng = new Prng(seed);
  const centers = new Float32Array(k * dim);
  const d2 = new Float64Array(n).fill(Infinity);
  let c0 = rng.int(n);
  for (let c = 0; c < k; c++) {
    centers.set(x.subarray(c0 * dim, c0 * dim + dim), c * dim);
    let sum = 0;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let d = 0; d < dim; d++) s += x[i * dim + d] * centers[c * dim + d];
      d2[i] = Math.min(d2[i], Math.max(0, 2 - 2 * s));
      sum += d2[i];
    }
    let t = rng.next() * sum;
    c0 = n - 1;
    for (let i = 0; i < n; i++) if ((t -= d2[i]) <= 0) {
      c0 = i;
      break;
    }
  }
  const assign = new Int32Array(n);
  for (let it = 0; it < iters; it++) {
    let changed = 0;
    for (let i = 0; i < n; i++) {
      let best = 0;
      let bs = -Infinity;
      for (let c = 0; c < k; c++) {
        let s = 0;
        for (let d = 0; d < dim; d++) s += x[i * dim + d] * centers[c * dim + d];
        if (s > bs) {
          bs = s;
          best = c;
        }
      }
      if (assign[i] !== best || it === 0) changed++;
      assign[i] = best;
    }
    centers.fill(0);
    for (let i = 0; i < n; i++) for (let d = 0; d < dim; d++) centers[assign[i] * dim + d] += x[i * dim + d];
    for (let c = 0; c < k; c++) {
      let norm = 0;
      for (let d = 0; d < dim; d++) norm += centers[c * dim + d] ** 2;
      norm = Math.sqrt(norm) || 1;
      for (let d = 0; d < dim; d++) centers[c * dim + d] /= norm;
    }
    if (changed === 0) break;
  }
  return assign;
}

/** ARI / NMI of k-means (k = number of labels) on the given rows, against their labels. */
export function clusterAgreement(x: Float32Array, dim: number, labels: readonly string[], seed: number): { ari: number; nmi: number } {
  const k = new Set(labels).size;
  const a = kmeans(x, dim, k, seed);
  const s = scores(labels, Array.from(a, String));
  return { ari: s.ari, nmi: s.nmi };
}

export interface AdapterTaskInput {
  /** Row-major n × dim; shared memory, read without a copy. */
  x: Float32Array;
  dim: number;
  y: Int32Array;
  rows: number[];
  seed: number;
}

/** The trained adapter and every row of x adapted (in shared memory: it goes back, and on to the heads, without a copy). */
export const adapterTask: CpuTask<AdapterTaskInput, { A: Float32Array; adapted: Float32Array }> = {
  name: 'trainAdapter',
  run(i, hooks) {
    const ad = trainAdapter(i.x, i.dim, i.y, i.rows, { seed: i.seed, signal: hooks.signal });
    return { A: ad.A, adapted: adaptVectors(ad, i.x, sharedFloat32(i.x.length)) };
  },
  transfer: (o) => buffers(o.A, o.adapted),
};

export const agreementTask: CpuTask<{ x: Float32Array; dim: number; labels: string[]; seed: number }, { ari: number; nmi: number }> = {
  name: 'clusterAgreement',
  run: (i) => clusterAgreement(i.x, i.dim, i.labels, i.seed),
};

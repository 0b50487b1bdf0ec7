/**
 * Trains one head on frozen sentence vectors: stratified train/validation split, inverse-frequency
 * class weights, AdamW with warm-up + cosine schedule, early stopping on validation, then two
 * post-hoc fits on the validation part — a softmax temperature (calibrated confidences) for
 * single-label tasks, and one threshold per label (best F1) for multi-label tasks.
 *
 * Everything random (split, initialisation, batch order) comes from one seeded PRNG, so the same
 * vectors, labels and parameters give a bit-identical head.
 */
import type { TrainParams } from '../../shared/classify';
import { Prng } from '../vectors/prng';
import { backward, forward, paramCount, probabilities, sigmoid, views, type HeadShape } from './heads';
import { singleLabelScores, multiLabelScores } from './metrics';
import { AdamW, scheduledLr } from './optim';
import { shuffleInPlace, stratifiedSplit } from './split';
import { buffers, type CpuTask } from '../workers/task';

export type Targets = { kind: 'single'; y: Int32Array } | { kind: 'multi'; y: Uint8Array };

export interface TrainedHead {
  shape: HeadShape;
  params: Float32Array;
  temperature: number;
  /** Multi-label: probability threshold per label. */
  thresholds: Float32Array | null;
  epochs: number;
  bestEpoch: number;
  valAccuracy: number;
  valMacroF1: number;
  trainIdx: number[];
  valIdx: number[];
}

export interface TrainHeadOptions {
  params: TrainParams;
  classes: string[];
  signal?: AbortSignal;
  onEpoch?: (epoch: number, total: number, valAccuracy: number) => void;
  /** Use these rows for training/validation instead of a fresh split. */
  split?: { train: number[]; val: number[] };
}

function gaussian(rng: Prng): number {
  const u = Math.max(rng.next(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
}

function gather(x: Float32Array, dim: number, rows: readonly number[], from: number, to: number, out: Float32Array): void {
  for (let i = from; i < to; i++) out.set(x.subarray(rows[i] * dim, rows[i] * dim + dim), (i - from) * dim);
}

/** Golden-section search of the temperature minimising validation NLL (Guo et al., 2017). */
export function fitTemperature(logits: Float32Array, truth: ArrayLike<number>, classes: number): number {
  const n = truth.length;
  const nll = (t: number) => {
    let s = 0;
    for (let i = 0; i < n; i++) {
      const o = i * classes;
      let max = -Infinity;
      for (let c = 0; c < classes; c++) max = Math.max(max, logits[o + c] / t);
      let z = 0;
      for (let c = 0; c < classes; c++) z += Math.exp(logits[o + c] / t - max);
      s -= logits[o + truth[i]] / t - max - Math.log(z);
    }
    return s;
  };
  let a = Math.log(0.05);
  let b = Math.log(20);
  const g = (Math.sqrt(5) - 1) / 2;
  let c = b - g * (b - a);
  let d = a + g * (b - a);
  let fc = nll(Math.exp(c));
  let fd = nll(Math.exp(d));
  for (let k = 0; k < 40; k++) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - g * (b - a);
      fc = nll(Math.exp(c));
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + g * (b - a);
      fd = nll(Math.exp(d));
    }
  }
  return Math.exp((a + b) / 2);
}

/** Per label, the probability threshold with the best F1 on validation (0.5 when it has no positives there). */
export function tuneThresholds(probs: Float32Array, truth: Uint8Array, classes: number): Float32Array {
  const n = truth.length / classes;
  const th = new Float32Array(classes).fill(0.5);
  for (let c = 0; c < classes; c++) {
    const items: [number, number][] = [];
    let positives = 0;
    for (let i = 0; i < n; i++) {
      items.push([probs[i * classes + c], truth[i * classes + c]]);
      positives += truth[i * classes + c];
    }
    if (positives === 0) continue;
    items.sort((p, q) => q[0] - p[0]);
    let tp = 0;
    let best = -1;
    for (let k = 0; k < items.length; k++) {
      tp += items[k][1];
      // predicting the first k+1 items positive; only cut between distinct scores
      if (k + 1 < items.length && items[k + 1][0] === items[k][0]) continue;
      const f = (2 * tp) / (k + 1 + positives);
      if (f > best) {
        best = f;
        const next = k + 1 < items.length ? items[k + 1][0] : 0;
        th[c] = (items[k][0] + next) / 2;
      }
    }
  }
  return th;
}

export function trainHead(x: Float32Array, dim: number, targets: Targets, opts: TrainHeadOptions): TrainedHead {
  const p = opts.params;
  const C = opts.classes.length;
  const n = x.length / dim;
  const multi = targets.kind === 'multi';
  const shape: HeadShape = { dim, hidden: p.hidden, classes: C, multiLabel: multi };

  // strata: the class (single) or the first present label (multi; -1 = none)
  const strata: number[] = [];
  for (let i = 0; i < n; i++) {
    if (targets.kind === 'single') strata.push(targets.y[i]);
    else {
      let s = -1;
      for (let c = 0; c < C; c++) if (targets.y[i * C + c]) {
        s = c;
        break;
      }
      strata.push(s);
    }
  }
  const { train, val } = opts.split ?? stratifiedSplit(strata, p.valFraction, p.seed);
  const rng = new Prng(p.seed ^ 0x5bd1e995);

  // class weights (single) / positive weights (multi), from the training part
  const weight = new Float32Array(C).fill(1);
  if (p.classWeighting) {
    const count = new Float64Array(C);
    for (const i of train) {
      if (targets.kind === 'single') count[targets.y[i]]++;
      else for (let c = 0; c < C; c++) count[c] += targets.y[i * C + c];
    }
    for (let c = 0; c < C; c++) {
      if (count[c] === 0) continue;
      weight[c] = multi ? Math.min(10, Math.max(1, (train.length - count[c]) / count[c])) : train.length / (C * count[c]);
    }
  }

  const params = new Float32Array(paramCount(shape));
  const v = views(shape, params);
  const fanIn = dim;
  for (let i = 0; i < v.W1.length; i++) v.W1[i] = gaussian(rng) * Math.sqrt((p.hidden > 0 ? 2 : 1) / fanIn) * (p.hidden > 0 ? 1 : 0.01);
  if (v.W2) for (let i = 0; i < v.W2.length; i++) v.W2[i] = gaussian(rng) * Math.sqrt(1 / p.hidden);
  // weight decay on weight matrices only, not biases
  const decayMask = new Uint8Array(params.length);
  let off = 0;
  const out1 = p.hidden > 0 ? p.hidden : C;
  decayMask.fill(1, off, (off += out1 * dim));
  off += out1;
  if (p.hidden > 0) decayMask.fill(1, off, off + C * p.hidden);

  const opt = new AdamW(params, { weightDecay: p.weightDecay, decayMask });
  const grad = new Float32Array(params.length);
  const bs = Math.min(p.batchSize, Math.max(1, train.length));
  const stepsPerEpoch = Math.ceil(train.length / bs);
  const total = stepsPerEpoch * p.epochs;
  const warmup = Math.max(1, Math.round(total * 0.05));
  const xb = new Float32Array(bs * dim);
  const order = [...train];

  const xVal = new Float32Array(val.length * dim);
  gather(x, dim, val, 0, val.length, xVal);
  const evalVal = (pr: Float32Array) => {
    if (val.length === 0) return { score: 0, loss: 0, acc: 0, f1: 0 };
    const z = forward(shape, pr, xVal, val.length).logits;
    let loss = 0;
    if (targets.kind === 'single') {
      const truth = Int32Array.from(val, (i) => targets.y[i]);
      const probs = probabilities(shape, pr, xVal, val.length);
      const pred = new Int32Array(val.length);
      for (let r = 0; r < val.length; r++) {
        let b = 0;
        for (let c = 1; c < C; c++) if (probs[r * C + c] > probs[r * C + b]) b = c;
        pred[r] = b;
        loss -= Math.log(Math.max(probs[r * C + truth[r]], 1e-12));
      }
      const s = singleLabelScores(opts.classes, truth, pred, probs);
      return { score: s.accuracy, loss: loss / val.length, acc: s.accuracy, f1: s.macro_f1 };
    }
    const truth = new Uint8Array(val.length * C);
    const pred = new Uint8Array(val.length * C);
    const probs = new Float32Array(val.length * C);
    for (let r = 0; r < val.length; r++) {
      for (let c = 0; c < C; c++) {
        const t = targets.y[val[r] * C + c];
        const q = sigmoid(z[r * C + c]);
        truth[r * C + c] = t;
        probs[r * C + c] = q;
        pred[r * C + c] = q >= 0.5 ? 1 : 0;
        loss -= Math.log(Math.max(t ? q : 1 - q, 1e-12));
      }
    }
    const s = multiLabelScores(opts.classes, truth, pred, probs);
    return { score: s.micro_f1, loss: loss / val.length, acc: s.exactMatch, f1: s.macro_f1 };
  };

  let best = { score: -Infinity, loss: Infinity, acc: 0, f1: 0 };
  let bestParams = params.slice();
  let bestEpoch = 0;
  let stale = 0;
  let epoch = 0;
  let step = 0;
  for (epoch = 1; epoch <= p.epochs; epoch++) {
    if (opts.signal?.aborted) throw opts.signal.reason instanceof Error ? opts.signal.reason : new Error('training cancelled');
    shuffleInPlace(order, rng);
    for (let s = 0; s < order.length; s += bs) {
      const m = Math.min(bs, order.length - s);
      gather(x, dim, order, s, s + m, xb);
      const xin = xb.subarray(0, m * dim);
      const fwd = forward(shape, params, xin, m);
      const z = fwd.logits;
      // dLoss/dz for the weighted mean loss over the batch
      let wsum = 0;
      if (targets.kind === 'single') {
        for (let r = 0; r < m; r++) wsum += weight[targets.y[order[s + r]]];
        for (let r = 0; r < m; r++) {
          const o = r * C;
          const t = targets.y[order[s + r]];
          let max = -Infinity;
          for (let c = 0; c < C; c++) max = Math.max(max, z[o + c]);
          let sum = 0;
          for (let c = 0; c < C; c++) sum += (z[o + c] = Math.exp(z[o + c] - max));
          const w = weight[t] / wsum;
          for (let c = 0; c < C; c++) z[o + c] = (w * (z[o + c] / sum - (c === t ? 1 : 0)));
        }
      } else {
        for (let r = 0; r < m; r++) {
          const o = r * C;
          const row = order[s + r] * C;
          for (let c = 0; c < C; c++) {
            const t = targets.y[row + c];
            const q = sigmoid(z[o + c]);
            const w = t ? weight[c] : 1;
            z[o + c] = (w * (q - t)) / (m * C);
          }
        }
      }
      grad.fill(0);
      backward(shape, params, grad, xin, m, fwd, z);
      opt.step(grad, scheduledLr(p.lr, step++, total, warmup));
    }
    const r = evalVal(params);
    opts.onEpoch?.(epoch, p.epochs, r.acc);
    if (r.score > best.score + 1e-9 || (Math.abs(r.score - best.score) <= 1e-9 && r.loss < best.loss)) {
      best = r;
      bestParams = params.slice();
      bestEpoch = epoch;
      stale = 0;
    } else if (++stale >= p.patience) break;
  }
  params.set(bestParams);

  let temperature = 1;
  let thresholds: Float32Array | null = null;
  if (val.length > 0) {
    const z = forward(shape, params, xVal, val.length).logits;
    if (targets.kind === 'single') temperature = fitTemperature(z, Int32Array.from(val, (i) => targets.y[i]), C);
    else {
      const probs = new Float32Array(z.length);
      for (let i = 0; i < z.length; i++) probs[i] = sigmoid(z[i]);
      const truth = new Uint8Array(val.length * C);
      for (let r = 0; r < val.length; r++) truth.set(targets.y.subarray(val[r] * C, val[r] * C + C), r * C);
      thresholds = tuneThresholds(probs, truth, C);
    }
  }
  return { shape, params, temperature, thresholds, epochs: Math.min(epoch, p.epochs), bestEpoch, valAccuracy: best.acc, valMacroF1: best.f1, trainIdx: train, valIdx: val };
}

export interface TrainHeadInput {
  /** Row-major n × dim; shared memory, so each head's task reads it without a copy. */
  x: Float32Array;
  dim: number;
  targets: Targets;
  params: TrainParams;
  classes: string[];
  split?: { train: number[]; val: number[] };
}

export interface EpochProgress {
  epoch: number;
  total: number;
  valAccuracy: number;
}

/** trainHead as a worker task: epochs are reported as progress. */
export const trainHeadTask: CpuTask<TrainHeadInput, TrainedHead, EpochProgress> = {
  name: 'trainHead',
  run: (i, hooks) =>
    trainHead(i.x, i.dim, i.targets, {
      params: i.params,
      classes: i.classes,
      split: i.split,
      signal: hooks.signal,
      onEpoch: (epoch, total, valAccuracy) => hooks.progress({ epoch, total, valAccuracy }),
    }),
  transfer: (h) => buffers(h.params, h.thresholds),
};

/**
 * Out-of-fold probabilities for the label-issue search: the rows are dealt into k stratified folds,
 * and for each fold a head of the classifier's own kind (its training parameters, classify/train.ts)
 * is trained on the other folds — with its usual validation part for early stopping and the
 * temperature — and predicts the fold. So no row's probability comes from a head that saw its label.
 * Each fold trains and predicts in a worker thread (outOfFoldTask).
 */
import type { TrainParams } from '../../shared/classify';
import { probabilities } from '../classify/heads';
import { shuffleInPlace, stratifiedSplit } from '../classify/split';
import { trainHead } from '../classify/train';
import { runTask } from '../workers/pool';
import { buffers, toShared, type CpuTask } from '../workers/task';
import { Prng } from '../vectors/prng';

/** Fold of each row: per class, the rows shuffled and dealt round-robin, so every fold has its share. */
export function stratifiedFolds(y: ArrayLike<number>, k: number, seed: number): Int32Array {
  const rng = new Prng(seed ^ 0x27d4eb2f);
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < y.length; i++) {
    const l = byClass.get(y[i]);
    if (l) l.push(i);
    else byClass.set(y[i], [i]);
  }
  const fold = new Int32Array(y.length);
  let next = 0;
  for (const c of [...byClass.keys()].sort((a, b) => a - b)) {
    const rows = byClass.get(c)!;
    shuffleInPlace(rows, rng);
    // Continue the deal where the last class stopped, so small classes do not all land in fold 0.
    for (const r of rows) fold[r] = next++ % k;
  }
  return fold;
}

export interface FoldInput {
  /** n × dim sentence vectors; shared memory. */
  x: Float32Array;
  dim: number;
  y: Int32Array;
  classes: string[];
  params: TrainParams;
  train: number[];
  test: number[];
}

/** One fold: a head trained on `train` (its own validation part inside it), probabilities of `test`. */
export const outOfFoldTask: CpuTask<FoldInput, Float32Array> = {
  name: 'outOfFold',
  run(i, hooks) {
    const strata = i.train.map((r) => i.y[r]);
    const inner = stratifiedSplit(strata, i.params.valFraction, i.params.seed);
    const split = { train: inner.train.map((k) => i.train[k]), val: inner.val.map((k) => i.train[k]) };
    const head = trainHead(i.x, i.dim, { kind: 'single', y: i.y }, { params: i.params, classes: i.classes, split, signal: hooks.signal });
    const xt = new Float32Array(i.test.length * i.dim);
    i.test.forEach((r, k) => xt.set(i.x.subarray(r * i.dim, (r + 1) * i.dim), k * i.dim));
    return probabilities(head.shape, head.params, xt, i.test.length, head.temperature);
  },
  transfer: (p) => buffers(p),
};

export interface OutOfFoldOptions {
  signal?: AbortSignal;
  onFold?: (done: number, total: number) => void;
}

/** n × classes out-of-fold probabilities. */
export async function outOfFoldProbabilities(x: Float32Array, dim: number, y: Int32Array, classes: string[], params: TrainParams, k: number, opts: OutOfFoldOptions = {}): Promise<Float32Array> {
  const n = y.length;
  const C = classes.length;
  const fold = stratifiedFolds(y, k, params.seed);
  const shared = toShared(x);
  const out = new Float32Array(n * C);
  for (let f = 0; f < k; f++) {
    opts.onFold?.(f, k);
    const train: number[] = [];
    const test: number[] = [];
    for (let r = 0; r < n; r++) (fold[r] === f ? test : train).push(r);
    if (test.length === 0 || train.length === 0) continue;
    const p = await runTask(outOfFoldTask, { x: shared, dim, y, classes, params, train, test }, { signal: opts.signal });
    test.forEach((r, i) => out.set(p.subarray(i * C, (i + 1) * C), r * C));
  }
  opts.onFold?.(k, k);
  return out;
}

/**
 * Classification metrics on plain arrays, matching scikit-learn's definitions: accuracy; precision,
 * recall and F1 per class with macro / micro / weighted averages (0 where undefined, as
 * `zero_division=0`); confusion matrix; one-vs-rest ROC-AUC (rank statistic with ties averaged);
 * expected calibration error of the top confidence (15 equal-width bins); and for multi-label
 * tasks exact match (subset accuracy) and Hamming loss.
 *
 * A prediction of -1 means "unknown" (the reject option): it counts as wrong and has no column in
 * the confusion matrix beyond the trailing "unknown" one.
 */
import type { ClassMetrics } from '../../shared/classify';

export function rocAuc(scores: ArrayLike<number>, positive: ArrayLike<boolean | number>): number | null {
  const n = scores.length;
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let pos = 0;
  let rankSum = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && scores[idx[j + 1]] === scores[idx[i]]) j++;
    const avgRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if (positive[idx[k]]) {
      pos++;
      rankSum += avgRank;
    }
    i = j + 1;
  }
  const neg = n - pos;
  if (pos === 0 || neg === 0) return null;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

export function expectedCalibrationError(confidence: ArrayLike<number>, correct: ArrayLike<boolean>, bins = 15): number {
  const n = confidence.length;
  if (n === 0) return 0;
  const cnt = new Float64Array(bins);
  const conf = new Float64Array(bins);
  const acc = new Float64Array(bins);
  for (let i = 0; i < n; i++) {
    const b = Math.min(bins - 1, Math.max(0, Math.ceil(confidence[i] * bins) - 1));
    cnt[b]++;
    conf[b] += confidence[i];
    acc[b] += correct[i] ? 1 : 0;
  }
  let e = 0;
  for (let b = 0; b < bins; b++) if (cnt[b] > 0) e += (cnt[b] / n) * Math.abs(acc[b] / cnt[b] - conf[b] / cnt[b]);
  return e;
}

const f1 = (p: number, r: number) => (p + r > 0 ? (2 * p * r) / (p + r) : 0);

export interface Averages {
  macro_f1: number;
  micro_f1: number;
  weighted_f1: number;
}

/** Per-class P/R/F1 from true-positive, false-positive and false-negative counts. */
export function perClass(labels: readonly string[], tp: ArrayLike<number>, fp: ArrayLike<number>, fn: ArrayLike<number>, auc: (number | null)[]): { perClass: ClassMetrics[]; averages: Averages } {
  const out: ClassMetrics[] = [];
  let sTp = 0;
  let sFp = 0;
  let sFn = 0;
  let macro = 0;
  let macroN = 0;
  let weighted = 0;
  let support = 0;
  labels.forEach((label, c) => {
    const p = tp[c] + fp[c] > 0 ? tp[c] / (tp[c] + fp[c]) : 0;
    const r = tp[c] + fn[c] > 0 ? tp[c] / (tp[c] + fn[c]) : 0;
    const sup = tp[c] + fn[c];
    const f = f1(p, r);
    out.push({ label, precision: p, recall: r, f1: f, support: sup, rocAuc: auc[c] ?? null });
    sTp += tp[c];
    sFp += fp[c];
    sFn += fn[c];
    // scikit-learn averages over the labels present in truth or predictions
    if (sup > 0 || tp[c] + fp[c] > 0) {
      macro += f;
      macroN++;
    }
    weighted += f * sup;
    support += sup;
  });
  const mp = sTp + sFp > 0 ? sTp / (sTp + sFp) : 0;
  const mr = sTp + sFn > 0 ? sTp / (sTp + sFn) : 0;
  return { perClass: out, averages: { macro_f1: macroN ? macro / macroN : 0, micro_f1: f1(mp, mr), weighted_f1: support ? weighted / support : 0 } };
}

export interface SingleLabelScores extends Averages {
  accuracy: number;
  perClass: ClassMetrics[];
  /** confusion[truth][pred]; the last column counts "unknown". */
  confusion: number[][];
  rocAucOvr: number | null;
  ece: number;
  unknown: number;
}

/**
 * truth[i] ∈ [0, C); pred[i] ∈ [0, C) or -1 (unknown); probs n × C (the scores behind pred).
 */
export function singleLabelScores(labels: readonly string[], truth: ArrayLike<number>, pred: ArrayLike<number>, probs: Float32Array): SingleLabelScores {
  const C = labels.length;
  const n = truth.length;
  const confusion = labels.map(() => new Array<number>(C + 1).fill(0));
  const tp = new Float64Array(C);
  const fp = new Float64Array(C);
  const fn = new Float64Array(C);
  let correct = 0;
  let unknown = 0;
  const conf = new Float64Array(n);
  const ok: boolean[] = [];
  for (let i = 0; i < n; i++) {
    const t = truth[i];
    const p = pred[i];
    confusion[t][p < 0 ? C : p]++;
    if (p < 0) unknown++;
    if (p === t) {
      correct++;
      tp[t]++;
    } else {
      fn[t]++;
      if (p >= 0) fp[p]++;
    }
    let best = 0;
    for (let c = 0; c < C; c++) best = Math.max(best, probs[i * C + c]);
    conf[i] = best;
    ok.push(p === t);
  }
  const aucs: (number | null)[] = [];
  for (let c = 0; c < C; c++) {
    const s = new Float64Array(n);
    const pos = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = probs[i * C + c];
      pos[i] = truth[i] === c ? 1 : 0;
    }
    aucs.push(rocAuc(s, pos));
  }
  const defined = aucs.filter((a): a is number => a !== null);
  const pc = perClass(labels, tp, fp, fn, aucs);
  return {
    accuracy: n ? correct / n : 0,
    ...pc.averages,
    perClass: pc.perClass,
    confusion,
    rocAucOvr: defined.length ? defined.reduce((a, b) => a + b, 0) / defined.length : null,
    ece: expectedCalibrationError(conf, ok),
    unknown,
  };
}

export interface MultiLabelScores extends Averages {
  exactMatch: number;
  hammingLoss: number;
  perClass: ClassMetrics[];
  rocAucOvr: number | null;
  /** Calibration of the per-label probabilities (every label decision is one sample). */
  ece: number;
}

/** truth and pred: n × C multi-hot; probs n × C sigmoid outputs. */
export function multiLabelScores(labels: readonly string[], truth: Uint8Array, pred: Uint8Array, probs: Float32Array): MultiLabelScores {
  const C = labels.length;
  const n = truth.length / C;
  const tp = new Float64Array(C);
  const fp = new Float64Array(C);
  const fn = new Float64Array(C);
  let exact = 0;
  let wrong = 0;
  for (let i = 0; i < n; i++) {
    let all = true;
    for (let c = 0; c < C; c++) {
      const t = truth[i * C + c];
      const p = pred[i * C + c];
      if (t && p) tp[c]++;
      else if (p) fp[c]++;
      else if (t) fn[c]++;
      if (t !== p) {
        all = false;
        wrong++;
      }
    }
    if (all) exact++;
  }
  const aucs: (number | null)[] = [];
  for (let c = 0; c < C; c++) {
    const s = new Float64Array(n);
    const pos = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = probs[i * C + c];
      pos[i] = truth[i * C + c];
    }
    aucs.push(rocAuc(s, pos));
  }
  const defined = aucs.filter((a): a is number => a !== null);
  const pc = perClass(labels, tp, fp, fn, aucs);
  const ok: boolean[] = [];
  const conf = new Float64Array(n * C);
  for (let i = 0; i < n * C; i++) {
    const p = probs[i];
    conf[i] = Math.max(p, 1 - p);
    ok.push((p >= 0.5 ? 1 : 0) === truth[i]);
  }
  return {
    exactMatch: n ? exact / n : 0,
    hammingLoss: n ? wrong / (n * C) : 0,
    ...pc.averages,
    perClass: pc.perClass,
    rocAucOvr: defined.length ? defined.reduce((a, b) => a + b, 0) / defined.length : null,
    ece: expectedCalibrationError(conf, ok),
  };
}

/**
 * The numbers behind every picture of an evaluation, from the classifier's probabilities and the
 * given labels: confusion matrix in hierarchical class order, per-class precision / recall / F1
 * (classify/metrics.ts, scikit-learn's definitions), one-vs-rest and micro-averaged ROC curves, and the
 * reliability diagram. A CpuTask: sorting n scores per class is seconds of one thread on a large file,
 * so the server runs it in a worker (workers/pool.ts).
 */
import type { ClassScores, ReliabilityBin, RocCurve } from '../../shared/evaluation';
import { rocAuc, singleLabelScores } from '../classify/metrics';
import { buffers, type CpuTask } from '../workers/task';
import { hierarchicalOrder } from './classOrder';
import { reliability } from './reliability';
import { rocCurve, thinCurve } from './roc';

export interface FiguresInput {
  /** The model's classes. */
  labels: string[];
  /** Given class per row, an index into labels. */
  truth: Int32Array;
  /** n × labels probabilities. */
  probs: Float32Array;
}

export interface Figures {
  /** Indices into labels of the classes shown, in display order. */
  order: number[];
  /** Predicted class per row (the top probability). */
  pred: Int32Array;
  accuracy: number;
  macroF1: number;
  weightedF1: number;
  macroAuc: number | null;
  /** Over `order`: confusion[i][j] = rows of class order[i] predicted as order[j]. */
  confusion: number[][];
  perClass: ClassScores[];
  roc: { perClass: RocCurve[]; micro: RocCurve };
  reliability: { bins: ReliabilityBin[]; ece: number };
}

export function evaluationFigures({ labels, truth, probs }: FiguresInput): Figures {
  const C = labels.length;
  const n = truth.length;
  const pred = new Int32Array(n);
  const confidence = new Float64Array(n);
  const correct: boolean[] = [];
  for (let r = 0; r < n; r++) {
    let b = 0;
    for (let c = 1; c < C; c++) if (probs[r * C + c] > probs[r * C + b]) b = c;
    pred[r] = b;
    confidence[r] = probs[r * C + b];
    correct.push(b === truth[r]);
  }
  const s = singleLabelScores(labels, truth, pred, probs);
  const shown = new Uint8Array(C);
  for (let r = 0; r < n; r++) shown[truth[r]] = shown[pred[r]] = 1;
  const order = hierarchicalOrder(
    Array.from({ length: C }, (_, c) => c).filter((c) => shown[c]),
    s.confusion,
  );
  const rocs: RocCurve[] = order.map((c) => {
    const score = new Float64Array(n);
    const pos = new Uint8Array(n);
    for (let r = 0; r < n; r++) {
      score[r] = probs[r * C + c];
      pos[r] = truth[r] === c ? 1 : 0;
    }
    const curve = rocCurve(score, pos);
    return { label: labels[c], auc: curve.auc, points: thinCurve(curve.points) };
  });
  // Micro average: every (row, class) decision one sample, as roc_auc_score(average="micro").
  const flatPos = new Uint8Array(n * C);
  for (let r = 0; r < n; r++) flatPos[r * C + truth[r]] = 1;
  const micro = rocCurve(probs, flatPos);
  return {
    order,
    pred,
    accuracy: s.accuracy,
    macroF1: s.macro_f1,
    weightedF1: s.weighted_f1,
    macroAuc: s.rocAucOvr,
    confusion: order.map((t) => order.map((p) => s.confusion[t][p])),
    perClass: order.map((c) => {
      const m = s.perClass[c];
      return { label: m.label, precision: m.precision, recall: m.recall, f1: m.f1, support: m.support };
    }),
    roc: { perClass: rocs, micro: { label: 'micro-average', auc: micro.auc ?? rocAuc(probs, flatPos), points: thinCurve(micro.points) } },
    reliability: reliability(confidence, correct),
  };
}

export const evaluationFiguresTask: CpuTask<FiguresInput, Figures> = {
  name: 'evaluationFigures',
  run: (input) => evaluationFigures(input),
  transfer: (f) => buffers(f.pred),
};

/**
 * One-vs-rest ROC curves: a point per distinct score (scikit-learn's roc_curve with
 * drop_intermediate=False), from (0, 0) to (1, 1), and the area under it by the trapezoid rule — equal
 * to the rank statistic classify/metrics.ts computes (ties counted half). Views get the curve thinned
 * to MAX_ROC_POINTS; the area is always the full curve's.
 */
import { MAX_ROC_POINTS } from '../../shared/evaluation';

export interface Roc {
  /** [fpr, tpr] from (0, 0) to (1, 1). */
  points: [number, number][];
  auc: number | null;
}

export function rocCurve(scores: ArrayLike<number>, positive: ArrayLike<number | boolean>): Roc {
  const n = scores.length;
  let pos = 0;
  for (let i = 0; i < n; i++) if (positive[i]) pos++;
  const neg = n - pos;
  if (pos === 0 || neg === 0) return { points: [], auc: null };
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
  const points: [number, number][] = [[0, 0]];
  let tp = 0;
  let fp = 0;
  let auc = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    const s = scores[idx[i]];
    for (; j < n && scores[idx[j]] === s; j++) {
      if (positive[idx[j]]) tp++;
      else fp++;
    }
    const [x0, y0] = points[points.length - 1];
    const x = fp / neg;
    const y = tp / pos;
    auc += ((x - x0) * (y + y0)) / 2;
    points.push([x, y]);
    i = j;
  }
  return { points, auc };
}

/** At most `max` points, evenly spaced along the curve, keeping both ends. */
export function thinCurve(points: readonly [number, number][], max = MAX_ROC_POINTS): [number, number][] {
  if (points.length <= max) return [...points];
  const out: [number, number][] = [];
  for (let k = 0; k < max; k++) out.push(points[Math.round((k * (points.length - 1)) / (max - 1))]);
  return out;
}

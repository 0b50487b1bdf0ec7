/**
 * The reject option: a text whose nearest stored training example is less similar than almost every
 * in-scope validation text's nearest example is "unknown", with the reason, instead of a confident
 * wrong label. The threshold is a low quantile (default: 2%) of the validation texts' nearest-example
 * similarities, so about that share of in-scope texts is rejected by design.
 *
 * Softmax confidence alone is a poor out-of-scope detector (a head must spread its mass over known
 * classes); distance to the training data is what "unlike every class" means, and it is measured
 * here on held-out classes by `separation`.
 */
import { rocAuc } from './metrics';

export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return -1;
  const s = [...values].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

export const DEFAULT_REJECT_QUANTILE = 0.02;

export interface Separation {
  /** ROC-AUC of "nearest-example similarity" for in-scope (positive) vs out-of-scope texts. */
  auc: number | null;
  /** At the model's threshold: share of out-of-scope texts rejected, and of in-scope texts rejected. */
  oosRejected: number;
  inScopeRejected: number;
  threshold: number;
}

export function separation(inScope: readonly number[], outOfScope: readonly number[], threshold: number): Separation {
  const scores = [...inScope, ...outOfScope];
  const pos = [...inScope.map(() => 1), ...outOfScope.map(() => 0)];
  return {
    auc: rocAuc(scores, pos),
    oosRejected: outOfScope.filter((s) => s < threshold).length / Math.max(1, outOfScope.length),
    inScopeRejected: inScope.filter((s) => s < threshold).length / Math.max(1, inScope.length),
    threshold,
  };
}

export function rejectReason(similarity: number, nearestText: string, nearestLabel: string, threshold: number, q = DEFAULT_REJECT_QUANTILE): string {
  const shown = nearestText.length > 60 ? `${nearestText.slice(0, 57)}…` : nearestText;
  return `unlike every class: the most similar training example ("${shown}", ${nearestLabel}) has similarity ${similarity.toFixed(2)}, below the ${threshold.toFixed(2)} that ${Math.round((1 - q) * 100)}% of in-scope validation texts reach`;
}

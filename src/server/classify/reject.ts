/**
 * The reject option: a text whose nearest stored training example is less similar than almost every
 * in-scope validation text's nearest example is "unknown", with the reason, instead of a confident
 * wrong label. The threshold is a low quantile (default: 2%) of the validation texts' nearest-example
 * similarities, so about that share of in-scope texts is rejected by design.
 *
 * Softmax confidence alone is a poor out-of-scope detector (a head must spread its mass over known
 * classes); distance to the training data is what "unlike every class" means, and it is measured
 * here on held-out classes by `separation`. But the stored examples of templated data (Bitext) sit so
 * close together that plainly in-scope tickets phrased another way ("I want a refund for my order",
 * head 0.99, similarity 0.69 against a threshold of 0.71) were rejected; so a head at least
 * DEFAULT_REJECT_MAX_CONFIDENCE sure lowers the threshold by DEFAULT_REJECT_SLACK — not to zero,
 * because heads are confident on nonsense too (a sentence about photosynthesis, 0.9+).
 * bench:classify prints both rules on held-out Banking77 intents.
 *
 * Files trained since carry a stronger out-of-scope rule (oodScore.ts) that replaces this one; this
 * rule stays for older files, and its floor (minSimilarity − slack) still bounds the newer one.
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
export const DEFAULT_REJECT_MAX_CONFIDENCE = 0.9;
export const DEFAULT_REJECT_SLACK = 0.15;

export interface RejectRule {
  minSimilarity: number;
  maxConfidence: number;
  slack: number;
}

/** "unknown": unlike the training data, by a wider margin when the head is confident. */
export function isRejected(similarity: number, confidence: number, rule: RejectRule): boolean {
  return similarity < rule.minSimilarity - (confidence >= rule.maxConfidence ? rule.slack : 0);
}

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

export function rejectReason(similarity: number, nearestText: string, nearestLabel: string, threshold: number, q = DEFAULT_REJECT_QUANTILE, confidence?: number): string {
  const shown = nearestText.length > 60 ? `${nearestText.slice(0, 57)}…` : nearestText;
  const head = confidence === undefined ? '' : `, and the classifier is only ${Math.round(confidence * 100)}% sure`;
  return `unlike every class: the most similar training example ("${shown}", ${nearestLabel}) has similarity ${similarity.toFixed(2)}, below the ${threshold.toFixed(2)} that ${Math.round((1 - q) * 100)}% of in-scope validation texts reach${head}`;
}

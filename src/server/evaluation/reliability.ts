/**
 * The reliability diagram of the top-class probability: RELIABILITY_BINS equal-width bins over [0, 1]
 * (bin i holds lo < p ≤ hi, the first one also p = 0, as scikit-learn's calibration_curve), each with
 * its mean confidence and the share of its rows predicted right, and the expected calibration error
 * over those bins (Σ count/n · |accuracy − confidence|; Guo et al., 2017).
 */
import { RELIABILITY_BINS, type ReliabilityBin } from '../../shared/evaluation';

export function reliability(confidence: ArrayLike<number>, correct: ArrayLike<boolean>, bins = RELIABILITY_BINS): { bins: ReliabilityBin[]; ece: number } {
  const n = confidence.length;
  const count = new Float64Array(bins);
  const conf = new Float64Array(bins);
  const right = new Float64Array(bins);
  for (let i = 0; i < n; i++) {
    // scikit-learn's np.searchsorted(edges[1:-1], p): the inner edges (k · 1/bins, as linspace makes them) below p
    let b = 0;
    while (b < bins - 1 && (b + 1) * (1 / bins) < confidence[i]) b++;
    count[b]++;
    conf[b] += confidence[i];
    if (correct[i]) right[b]++;
  }
  let ece = 0;
  const out: ReliabilityBin[] = [];
  for (let b = 0; b < bins; b++) {
    const c = count[b];
    const meanConfidence = c ? conf[b] / c : null;
    const accuracy = c ? right[b] / c : null;
    if (c) ece += (c / n) * Math.abs(right[b] / c - conf[b] / c);
    out.push({ lo: b / bins, hi: (b + 1) / bins, count: c, meanConfidence, accuracy });
  }
  return { bins: out, ece };
}

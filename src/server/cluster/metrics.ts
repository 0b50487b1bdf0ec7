/**
 * External evaluation of a clustering against a label column: ARI, NMI (arithmetic normalisation, as
 * scikit-learn's default), homogeneity, completeness, V-measure, per-label purity and the contingency
 * table — each with noise counted (noise as one more cluster) and with noise rows excluded. The
 * shapes are metrics.json's (shared/run.ts).
 */
import type { ClusterScores, Contingency, Evaluation } from '../../shared/api';

const comb2 = (x: number) => (x * (x - 1)) / 2;

function contingency(truth: readonly string[], pred: readonly string[]): Contingency {
  const labels = [...new Set(truth)].sort();
  const clusters = [...new Set(pred)].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const li = new Map(labels.map((l, i) => [l, i]));
  const ci = new Map(clusters.map((c, i) => [c, i]));
  const counts = labels.map(() => new Array<number>(clusters.length).fill(0));
  for (let i = 0; i < truth.length; i++) counts[li.get(truth[i])!][ci.get(pred[i])!]++;
  return { labels, clusters, counts };
}

function entropy(sums: number[], n: number): number {
  let h = 0;
  for (const s of sums) if (s > 0) h -= (s / n) * Math.log(s / n);
  return h;
}

export function scores(truth: readonly string[], pred: readonly string[]): ClusterScores {
  const n = truth.length;
  if (n === 0) return { n: 0, ari: 0, nmi: 0, homogeneity: 0, completeness: 0, vMeasure: 0 };
  const { counts } = contingency(truth, pred);
  const a = counts.map((row) => row.reduce((s, x) => s + x, 0));
  const b = counts[0].map((_, j) => counts.reduce((s, row) => s + row[j], 0));
  let sumComb = 0;
  let mi = 0;
  for (let i = 0; i < counts.length; i++) {
    for (let j = 0; j < b.length; j++) {
      const nij = counts[i][j];
      if (nij === 0) continue;
      sumComb += comb2(nij);
      mi += (nij / n) * Math.log((n * nij) / (a[i] * b[j]));
    }
  }
  const sumA = a.reduce((s, x) => s + comb2(x), 0);
  const sumB = b.reduce((s, x) => s + comb2(x), 0);
  const expected = (sumA * sumB) / comb2(n);
  const maxIndex = (sumA + sumB) / 2;
  // Identical trivial partitions: scikit-learn returns 1.
  const ari = maxIndex === expected ? 1 : (sumComb - expected) / (maxIndex - expected);
  const hT = entropy(a, n);
  const hP = entropy(b, n);
  const homogeneity = hT === 0 ? 1 : mi / hT;
  const completeness = hP === 0 ? 1 : mi / hP;
  const vMeasure = homogeneity + completeness === 0 ? 0 : (2 * homogeneity * completeness) / (homogeneity + completeness);
  const nmi = hT === 0 && hP === 0 ? 1 : hT + hP === 0 ? 0 : mi / ((hT + hP) / 2);
  return { n, ari, nmi, homogeneity, completeness, vMeasure };
}

/** `pred` holds cluster paths (or ids); `noise(p)` says which ones are noise. */
export function evaluate(truth: readonly string[], pred: readonly string[], isNoise: (p: string) => boolean): Evaluation {
  const keep = pred.map((p) => !isNoise(p));
  const withNoise = scores(truth, pred);
  const withoutNoise = scores(
    truth.filter((_, i) => keep[i]),
    pred.filter((_, i) => keep[i]),
  );
  const table = contingency(truth, pred);
  const purity = table.labels.map((label, i) => {
    const row = table.counts[i];
    const size = row.reduce((s, x) => s + x, 0);
    let best = -1;
    for (let j = 0; j < row.length; j++) if (!isNoise(table.clusters[j]) && (best < 0 || row[j] > row[best])) best = j;
    return { label, size, cluster: best >= 0 ? table.clusters[best] : '', share: best >= 0 ? row[best] / size : 0 };
  });
  return { withNoise, withoutNoise, noiseRows: keep.filter((k) => !k).length, purity, contingency: table };
}

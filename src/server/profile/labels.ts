/** The label column: class sizes and how unequal they are (largest ÷ smallest, entropy of the shares). */
import type { LabelProfile } from '../../shared/profile';

/** `labels[i]` is row i's class, null for an empty cell. */
export function labelProfile(column: string, labels: readonly (string | null)[]): LabelProfile {
  const counts = new Map<string, number>();
  let missing = 0;
  for (const l of labels) {
    if (l === null) missing++;
    else counts.set(l, (counts.get(l) ?? 0) + 1);
  }
  const sorted = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([label, count]) => ({ label, count }));
  const total = labels.length - missing;
  let entropy = 0;
  for (const { count } of sorted) entropy -= (count / total) * Math.log2(count / total);
  const k = sorted.length;
  return {
    column,
    classes: k,
    missing,
    counts: sorted,
    imbalanceRatio: k ? sorted[0].count / sorted[k - 1].count : 0,
    entropyBits: entropy,
    // One class is as balanced as it can be.
    normalizedEntropy: k > 1 ? entropy / Math.log2(k) : 1,
  };
}

/** A label cell as a class: trimmed, null when empty. */
export function labelOf(cell: string | undefined): string | null {
  const v = (cell ?? '').trim();
  return v === '' ? null : v;
}

/** A cluster's purity against the label column: its most common label and that label's share of its rows. */
import type { ClusterRecord } from '../../shared/api';

/** The most common of `labels` and its share (ties: the label that sorts first); null when there are none. */
export function purityOfLabels(labels: Iterable<string>): ClusterRecord['purity'] {
  const counts = new Map<string, number>();
  let total = 0;
  for (const l of labels) {
    counts.set(l, (counts.get(l) ?? 0) + 1);
    total++;
  }
  if (!total) return null;
  const [label, count] = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0];
  return { label, share: Number((count / total).toFixed(4)) };
}

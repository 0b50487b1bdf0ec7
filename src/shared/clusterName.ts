/**
 * The one rule for what to call a cluster: its label (from Claude or the user) when it has one, else
 * its top keywords, else its path; noise is always called noise. The tree, the summary, the report,
 * predictions and label export all name clusters through here so they never disagree (a use that
 * shows fewer keywords passes its count, and says why).
 */
import type { ClusterRecord } from './run';

type Nameable = Pick<ClusterRecord, 'id' | 'isNoise' | 'label' | 'keywords'>;

/** Top keywords joined, e.g. "refund, money back, charge"; '' when the cluster has none. */
export function keywordName(c: Pick<ClusterRecord, 'keywords'>, terms = 4): string {
  return c.keywords
    .slice(0, terms)
    .map((k) => k.term)
    .join(', ');
}

/** The label if set (trimmed, non-empty), else null. */
export function labelOf(c: Pick<ClusterRecord, 'label'>): string | null {
  const l = c.label?.trim();
  return l ? l : null;
}

/** What to show for a cluster. */
export function clusterName(c: Nameable, terms = 4): string {
  if (c.isNoise) return `Noise (${c.id})`;
  return labelOf(c) ?? (keywordName(c, terms) || c.id);
}

/**
 * The label stored for a cluster that no LLM labelled (no key, budget spent, API failing): its top
 * single-word keywords, as bigrams mostly repeat them, else its path.
 */
export function keywordLabel(c: Pick<ClusterRecord, 'id' | 'keywords'>, terms = 3): string {
  return (
    c.keywords
      .filter((k) => !k.term.includes(' '))
      .slice(0, terms)
      .map((k) => k.term)
      .join(', ') || c.id
  );
}

/**
 * The one rule for what to call a cluster: a label someone chose (Claude or the user) when it has
 * one, else its auto name (a readable phrase found without an LLM, server/cluster/autoName.ts), else
 * its top keywords, else its path; noise is always called noise. The tree, the summary, the report,
 * predictions and label export all name clusters through here so they never disagree (a use that
 * shows fewer keywords passes its count, and says why).
 */
import type { ClusterRecord } from './run';

type Nameable = Pick<ClusterRecord, 'id' | 'isNoise' | 'label' | 'keywords'> & Partial<Pick<ClusterRecord, 'labelSource' | 'autoName'>>;

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

/** The auto name if set (trimmed, non-empty), else null. */
export function autoNameOf(c: Partial<Pick<ClusterRecord, 'autoName'>>): string | null {
  const n = c.autoName?.trim();
  return n ? n : null;
}

/** What to show for a cluster. */
export function clusterName(c: Nameable, terms = 4): string {
  if (c.isNoise) return `Noise (${c.id})`;
  // A label from the keyword fallback is no one's choice: an auto name (which newer runs store as that label anyway) reads better.
  const chosen = c.labelSource === 'keywords' ? null : labelOf(c);
  return chosen ?? autoNameOf(c) ?? (labelOf(c) || keywordName(c, terms) || c.id);
}

/**
 * The label stored for a cluster that no LLM labelled (no key, budget spent, API failing): its auto
 * name, else its top single-word keywords (bigrams mostly repeat them), else its path.
 */
export function keywordLabel(c: Pick<ClusterRecord, 'id' | 'keywords'> & Partial<Pick<ClusterRecord, 'autoName'>>, terms = 3): string {
  return (
    autoNameOf(c) ??
    (c.keywords
      .filter((k) => !k.term.includes(' '))
      .slice(0, terms)
      .map((k) => k.term)
      .join(', ') ||
      c.id)
  );
}

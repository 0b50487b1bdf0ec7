/**
 * Claude's suggested category and priority for a cluster, as one phrase for the tree, the summary
 * webview and summary.md ("Billing · High priority"): labelling stores them on the cluster record,
 * and a support lead routes on them, so every view shows them the same way.
 */
import type { ClusterRecord } from './run';

type Suggested = Pick<ClusterRecord, 'suggestedCategory' | 'suggestedPriority'>;

/** The phrase, or null when labelling suggested neither. */
export function suggestionText(c: Suggested): string | null {
  const parts: string[] = [];
  if (c.suggestedCategory) parts.push(c.suggestedCategory);
  if (c.suggestedPriority) parts.push(`${c.suggestedPriority} priority`);
  return parts.length ? parts.join(' · ') : null;
}

/**
 * What to tell the user when a Tag Rows with Claude job ends: the rows tagged (the commonest labels,
 * the cost, why sending stopped) and, when a classifier was trained from the tags, how often it
 * agrees with Claude and how many rows it classified. Without the editor, so it can be tested.
 */
import type { DistilSummary, TagSummary } from '../shared/tag';

export interface TagReport {
  /** Not every chosen row got a tag (a cap, failures): a warning. */
  severity: 'info' | 'warning';
  message: string;
}

export function tagReport(s: TagSummary): TagReport {
  const top = Object.entries(s.counts)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 4)
    .map(([l, n]) => `${l} ${n}`)
    .join(', ');
  const details = [top, s.costUsd === null ? '' : `$${s.costUsd.toFixed(3)}`].filter(Boolean).join(', ');
  const note = s.stopped ? ` Stopped: ${s.stopped.message}.` : s.failed.length ? ` ${s.failed.length} rows could not be tagged (see the log).` : '';
  return { severity: s.state === 'complete' ? 'info' : 'warning', message: `${s.tagged} of ${s.selected} rows tagged into "${s.labelSet}"${details ? ` (${details})` : ''}.${note}` };
}

export function distilReport(d: DistilSummary): string {
  const classified = `${d.rows} rows classified, ${d.unsure} unsure`;
  if (d.agreement === null) return `A local classifier trained on ${d.trainTags} tags: ${classified} (no tags were held out to measure its agreement with Claude).`;
  // Refit on every tag, the saved classifier has seen the held-out ones: say whose agreement it is.
  const measured = d.refit ? ' (measured by a model trained without them)' : '';
  return `A local classifier trained on ${d.trainTags} tags agrees with Claude on ${(d.agreement * 100).toFixed(1)}% of ${d.heldOutTags} held-out tags${measured}; ${classified}.`;
}

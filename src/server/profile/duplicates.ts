/**
 * Repeated texts under a rule (exact, or folded: see fold.ts). `rows` counts the rows beyond the first
 * of each group — what deduplication would drop — and the most repeated texts are shown redacted.
 */
import type { DuplicateStats } from '../../shared/profile';
import { redact } from '../label/redact';

export const TOP_DUPLICATES = 10;

/** Groups `texts` by `key(text)`; each group is shown by its first text. */
export function duplicateStats(texts: readonly string[], key: (text: string) => string = (t) => t): DuplicateStats {
  const groups = new Map<string, { first: string; count: number }>();
  for (const t of texts) {
    const k = key(t);
    const g = groups.get(k);
    if (g) g.count++;
    else groups.set(k, { first: t, count: 1 });
  }
  let repeated = 0;
  for (const g of groups.values()) if (g.count > 1) repeated++;
  const top = [...groups.values()]
    .filter((g) => g.count > 1)
    .sort((a, b) => b.count - a.count || (a.first < b.first ? -1 : a.first > b.first ? 1 : 0))
    .slice(0, TOP_DUPLICATES)
    .map((g) => ({ text: redact(g.first).text, count: g.count }));
  return { distinct: groups.size, groups: repeated, rows: texts.length - groups.size, top };
}

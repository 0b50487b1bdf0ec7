/**
 * The most frequent words and bigrams, overall and per class, tokenised as the cluster keywords are
 * (cluster/keywords.ts `terms`: words of 2+ word characters, lower-cased, English stop words removed,
 * bigrams of the words that remain), so what the profile shows is what c-TF-IDF will weigh.
 */
import { MAX_PROFILED_LABELS, type TermCount, type TopTerms } from '../../shared/profile';
import { terms } from '../cluster/keywords';

export const TOP_TERMS = 20;
export const TOP_TERMS_PER_LABEL = 10;

class TermCounts {
  readonly counts = new Map<string, number>();
  add(ts: readonly string[]): void {
    for (const t of ts) this.counts.set(t, (this.counts.get(t) ?? 0) + 1);
  }
  top(n: number): TopTerms {
    const pick = (bigram: boolean): TermCount[] =>
      [...this.counts]
        .filter(([t]) => t.includes(' ') === bigram)
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
        .slice(0, n)
        .map(([term, count]) => ({ term, count }));
    return { words: pick(false), bigrams: pick(true) };
  }
}

export interface TermsProfile {
  overall: TopTerms;
  perLabel: (TopTerms & { label: string })[];
}

/** `labels[i]` is text i's class (null: none); per-label lists for the MAX_PROFILED_LABELS largest classes. */
export function topTerms(texts: readonly string[], labels: readonly (string | null)[] | null): TermsProfile {
  const overall = new TermCounts();
  const byLabel = new Map<string, { rows: number; counts: TermCounts }>();
  texts.forEach((text, i) => {
    const ts = terms(text);
    overall.add(ts);
    const label = labels?.[i];
    if (label === null || label === undefined) return;
    let l = byLabel.get(label);
    if (!l) byLabel.set(label, (l = { rows: 0, counts: new TermCounts() }));
    l.rows++;
    l.counts.add(ts);
  });
  const largest = [...byLabel].sort((a, b) => b[1].rows - a[1].rows || (a[0] < b[0] ? -1 : 1)).slice(0, MAX_PROFILED_LABELS);
  return { overall: overall.top(TOP_TERMS), perLabel: largest.map(([label, l]) => ({ label, ...l.counts.top(TOP_TERMS_PER_LABEL) })) };
}

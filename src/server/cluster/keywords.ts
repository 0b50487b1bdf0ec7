/**
 * Cluster keywords by class-based TF-IDF (BERTopic's c-TF-IDF): all texts of a cluster form one
 * document; a term's weight is its frequency in the cluster (L1-normalised) times
 * log(1 + A / f_t), A the average number of terms per cluster and f_t the term's frequency over all
 * clusters. Terms are 1–2-grams after lower-casing and English stop-word removal, as BERTopic's
 * default CountVectorizer(ngram_range=(1, 2), stop_words="english").
 */
import type { Keyword } from '../../shared/api';
import { ENGLISH_STOP_WORDS } from '../vectors/stopwords';
import { runTask } from '../workers/pool';
import type { CpuTask } from '../workers/task';
import type { Representer } from './stages';

/** Keywords kept per cluster. */
export const KEYWORDS_PER_CLUSTER = 10;
/** Terms the representer returns per cluster: the keywords kept, and more as the namer's candidates (autoName.ts). */
export const CANDIDATE_TERMS = 20;

export function terms(text: string): string[] {
  // scikit-learn's default token pattern: words of 2+ word characters.
  const words = (text.toLowerCase().match(/\b\w\w+\b/g) ?? []).filter((w) => !ENGLISH_STOP_WORDS.has(w));
  const out = words.slice();
  for (let i = 0; i + 1 < words.length; i++) out.push(`${words[i]} ${words[i + 1]}`);
  return out;
}

/**
 * Keywords of each class. `classOf[i]` is the class of text i (−1 is a class too: noise gets
 * keywords, it is where users look for what the clustering missed).
 */
export function ctfidf(texts: readonly string[], classOf: ArrayLike<number>, top = 10): Map<number, Keyword[]> {
  const counts = new Map<number, Map<string, number>>();
  const totals = new Map<number, number>();
  const global = new Map<string, number>();
  for (let i = 0; i < texts.length; i++) {
    const c = classOf[i];
    let m = counts.get(c);
    if (!m) counts.set(c, (m = new Map<string, number>()));
    const ts = terms(texts[i]);
    totals.set(c, (totals.get(c) ?? 0) + ts.length);
    for (const t of ts) {
      m.set(t, (m.get(t) ?? 0) + 1);
      global.set(t, (global.get(t) ?? 0) + 1);
    }
  }
  let sum = 0;
  for (const v of totals.values()) sum += v;
  const avg = counts.size > 0 ? sum / counts.size : 0;
  const out = new Map<number, Keyword[]>();
  for (const [c, m] of counts) {
    const total = totals.get(c) || 1;
    const scored: Keyword[] = [];
    for (const [t, f] of m) scored.push({ term: t, score: (f / total) * Math.log(1 + avg / global.get(t)!) });
    scored.sort((a, b) => b.score - a.score || (a.term < b.term ? -1 : 1));
    out.set(c, scored.slice(0, top).map((k) => ({ term: k.term, score: Number(k.score.toFixed(5)) })));
  }
  return out;
}

export const ctfidfTask: CpuTask<{ docs: readonly string[]; classOf: Int32Array; top: number }, Map<number, Keyword[]>> = {
  name: 'ctfidf',
  run: (i) => ctfidf(i.docs, i.classOf, i.top),
};

/** The default representer: c-TF-IDF among the sibling clusters it is given, in a worker thread (tokenising every text takes a while at 27k). */
export const ctfidfRepresenter: Representer = {
  represent: (docs, classOf) => runTask(ctfidfTask, { docs, classOf: Int32Array.from(classOf), top: CANDIDATE_TERMS }),
};

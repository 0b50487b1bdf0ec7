/**
 * Readable phrases for naming a cluster without an LLM. c-TF-IDF terms drop every stop word
 * ("complaint business", "status order"), which is right for weighting but reads badly as a name; so
 * each term is taken as it is written in the cluster's most central texts ("status of my order"), and
 * the candidates also include those texts' frequent 2–4-word spans: stop words are allowed inside a
 * phrase but not at its ends. Which of them read as names is grammar.ts's question, and which names
 * the cluster is decided by embeddings (autoName.ts); this file only finds them.
 */
import { ENGLISH_STOP_WORDS } from '../vectors/stopwords';

/**
 * Stop-word-list entries that name an action or a thing in support text ("get a refund", "call
 * customer service", "money back"): allowed at a phrase's ends although scikit-learn's list has them.
 */
const KEPT_AT_ENDS = new Set(['get', 'find', 'see', 'call', 'take', 'give', 'keep', 'move', 'show', 'put', 'fill', 'bill', 'system', 'back', 'name', 'detail', 'describe']);

/** Words that frame a request rather than say what it is about ("I want to…", "please help…", "hi"). */
const FILLERS = new Set(
  'want wanted wanna need needed like help helping assistance assist know tell trying try tried ask asking hi hello hey thanks thank pls plz thx ur dear ok okay guys im ive dont cant wont didnt doesnt isnt sure able possible way think guess believe wonder wondering going gonna'.split(' '),
);

const SPAN_LENGTHS = [2, 3, 4];

/** Not at a phrase's ends: stop words (but those kept above), framing words, numbers, one-letter tokens. */
export function badAtEnd(token: string): boolean {
  if (token.length < 2 || /^\d+$/.test(token) || token.includes("'")) return true;
  return FILLERS.has(token) || (ENGLISH_STOP_WORDS.has(token) && !KEPT_AT_ENDS.has(token));
}

/**
 * Runs of words between punctuation, lower-cased; templated placeholders ("{{Order Number}}") are
 * left out, as they stand for a value, not for what the ticket is about ("delete my {{Account Type}}
 * account" reads "delete my account", and "open a {{Account Type}} account" reads "open account").
 * A placeholder that does not follow an article or a possessive ends the run, as a value would: "order
 * {{Order Number}} current status" is not "order current status".
 */
export function wordRuns(text: string): string[][] {
  return text
    .toLowerCase()
    .replace(/(\b(?:a|an|the)\s*|(?<=\b(?:my|your|ur|our|their|his|her|this|that)\s*))\{\{[^}]*\}\}/g, ' ')
    .replace(/\{\{[^}]*\}\}/g, '|')
    // A hyphen inside a word keeps it one word ("sign-up", "top-up"); a dash between words splits.
    .replace(/([a-z0-9])-(?=[a-z0-9])/g, '$1\u2010')
    .split(/[.,!?;:()[\]{}"\n\r\t|/\\<>*+=~#@&-]+/)
    .map((chunk) => (chunk.match(/[a-z0-9]+(?:\u2010[a-z0-9]+)*(?:'[a-z]+)?/g) ?? []).map((w) => w.replace(/\u2010/g, '-')))
    .filter((run) => run.length > 0);
}

/**
 * The `top` spans of 2–4 words found in the most texts (each text counts once), at least in
 * `minTexts` of them and accepted by `keep`; ties: the longer span, then alphabetical, so the result
 * is deterministic.
 */
export function frequentSpans(texts: readonly string[], top = 12, minTexts = 2, keep: (span: string) => boolean = () => true): string[] {
  const df = new Map<string, number>();
  for (const text of texts) {
    const seen = new Set<string>();
    for (const run of wordRuns(text))
      for (const n of SPAN_LENGTHS)
        for (let i = 0; i + n <= run.length; i++) {
          if (badAtEnd(run[i]) || badAtEnd(run[i + n - 1])) continue;
          seen.add(run.slice(i, i + n).join(' '));
        }
    for (const s of seen) df.set(s, (df.get(s) ?? 0) + 1);
  }
  return [...df]
    .filter(([s, n]) => n >= minTexts && keep(s))
    .sort((a, b) => b[1] - a[1] || b[0].split(' ').length - a[0].split(' ').length || (a[0] < b[0] ? -1 : 1))
    .slice(0, top)
    .map(([s]) => s);
}

/**
 * Each term as it is written in the texts, or null when it is not: a c-TF-IDF term drops the stop
 * words between its words ("complaint business"), so a bigram is looked for with up to two stop words
 * between them ("complaint against the business"), and its most frequent form wins (ties: the
 * shorter, then alphabetical) if it is written at least `minCount` times. A term found only inside
 * placeholders is not written there either.
 */
export function surfaceForms(terms: readonly string[], texts: readonly string[], minCount = 2): Map<string, string | null> {
  const runs = texts.flatMap(wordRuns);
  const out = new Map<string, string | null>();
  for (const term of terms) {
    const [first, second, ...rest] = term.split(' ');
    const forms = new Map<string, number>();
    // c-TF-IDF terms are 1–2-grams; a longer term is not looked for.
    if (rest.length > 0) {
      out.set(term, null);
      continue;
    }
    for (const run of runs)
      run.forEach((w, i) => {
        if (w !== first) return;
        if (second === undefined) return forms.set(w, (forms.get(w) ?? 0) + 1);
        for (let j = i + 1; j < run.length && j <= i + 3; j++) {
          if (run[j] === second) {
            const form = run.slice(i, j + 1).join(' ');
            forms.set(form, (forms.get(form) ?? 0) + 1);
            break;
          }
          if (!ENGLISH_STOP_WORDS.has(run[j])) break;
        }
      });
    const best = [...forms].sort((a, b) => b[1] - a[1] || a[0].length - b[0].length || (a[0] < b[0] ? -1 : 1))[0];
    out.set(term, best && best[1] >= minCount ? best[0] : null);
  }
  return out;
}

/** The phrase without the words that cannot end it ("want cancel" → "cancel"); null when nothing is left. */
export function trimmed(phrase: string): string | null {
  const words = phrase.toLowerCase().split(/\s+/).filter(Boolean);
  while (words.length > 0 && badAtEnd(words[0])) words.shift();
  while (words.length > 0 && badAtEnd(words[words.length - 1])) words.pop();
  return words.length > 0 ? words.join(' ') : null;
}

/** A trimmed phrase as a name: first letter upper-cased ("Cancel my order"). */
export function asName(phrase: string): string {
  // Chat spelling reads badly in a name ("Complaint against ur business").
  const p = phrase.replace(/\bur\b/g, 'your');
  return p.charAt(0).toUpperCase() + p.slice(1);
}

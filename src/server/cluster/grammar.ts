/**
 * A small grammar for names, learnt from the texts rather than from a tagger or a word list, since a
 * word is a verb in one cluster and a noun in the next ("order"): which words are used as verbs and
 * which end a noun group, base forms the corpus writes ("cancelling" → "cancel"), which verb governs
 * an object ("check" in "check the termination fee"), and whether a phrase is whole or a clause's tail.
 * autoName.ts uses it to keep candidates that read as names and to put the action in front.
 */
import { ENGLISH_STOP_WORDS } from '../vectors/stopwords';
import { badAtEnd, wordRuns } from './phrases';

/** Words a verb follows ("to cancel", "I cancel", "can you cancel", "help me cancel"). */
const VERB_CUES = new Set(['to', 'i', 'you', 'we', 'please', 'me', 'can', 'could', 'cannot']);

/**
 * Words used as verbs in these texts: at least `minShare` of a word's occurrences (and two or more)
 * follow a verb cue. Learnt from the cluster's own texts because a fixed list misses a domain's
 * verbs and a word like "order" is a verb in one cluster and a noun in the next.
 */
export function verbsIn(texts: readonly string[], minShare = 0.3): Set<string> {
  const seen = new Map<string, number>();
  const cued = new Map<string, number>();
  for (const text of texts)
    for (const run of wordRuns(text))
      run.forEach((w, i) => {
        seen.set(w, (seen.get(w) ?? 0) + 1);
        if (i > 0 && VERB_CUES.has(run[i - 1])) cued.set(w, (cued.get(w) ?? 0) + 1);
      });
  const verbs = new Set<string>();
  for (const [w, n] of cued) if (n >= 2 && n / seen.get(w)! >= minShare && !badAtEnd(w)) verbs.add(w);
  return verbs;
}

/** Words that make a phrase a clause rather than a name ("countries can i use", "check when my package"). */
const CLAUSE_WORDS = new Set('i me you we us they he she him them it u ya when what where which how why who whom whose'.split(' '));

/** Question words that start a clause ("what" and "which" also stand before a noun: "what options"). */
const QUESTION_WORDS = new Set(['how', 'when', 'where', 'why']);

/** Whether a phrase reads as a clause fragment: a pronoun or a question word in it. */
export function clausal(phrase: string): boolean {
  return phrase.split(' ').some((w) => CLAUSE_WORDS.has(w));
}

/**
 * Words that end a noun group in these texts: at least `minShare` of their occurrences are followed
 * by a stop word, a framing word or the end of a run ("card" in "my card is blocked"), unlike a
 * modifier ("virtual" in "my virtual card", "early" in "early termination fee"). A name that ends on a
 * modifier reads cut short ("Received my virtual"). Learnt from the texts, as verbs are.
 */
export function headsIn(texts: readonly string[], minShare = 0.5): Set<string> {
  const seen = new Map<string, number>();
  const ends = new Map<string, number>();
  for (const text of texts)
    for (const run of wordRuns(text))
      run.forEach((w, i) => {
        seen.set(w, (seen.get(w) ?? 0) + 1);
        if (i + 1 === run.length || badAtEnd(run[i + 1])) ends.set(w, (ends.get(w) ?? 0) + 1);
      });
  const heads = new Set<string>();
  for (const [w, n] of seen) if ((ends.get(w) ?? 0) / n >= minShare) heads.add(w);
  return heads;
}

/**
 * Whether a phrase is whole where the texts (their word runs) use it: at least `minShare` of its
 * occurrences are followed by a stop word, a framing word or the end of a run ("inform of a sign-up"
 * mostly goes on, "… sign-up problem", so it is cut short although "sign-up" ends other phrases),
 * and fewer follow a question word.
 */
export function endsComplete(phrase: string, runs: readonly (readonly string[])[], minShare = 0.5): boolean {
  const words = phrase.split(' ');
  let seen = 0;
  let ends = 0;
  let inQuestion = 0;
  for (const run of runs)
    for (let i = 0; i + words.length <= run.length; i++) {
      if (!words.every((w, k) => run[i + k] === w)) continue;
      seen++;
      const next = run[i + words.length];
      if (next === undefined || badAtEnd(next)) ends++;
      if (i > 0 && QUESTION_WORDS.has(run[i - 1])) inQuestion++;
    }
  // "long the shipment takes" is mostly "how long the shipment takes": a question's tail, not a name.
  return seen === 0 || (ends / seen >= minShare && inQuestion / seen < minShare);
}

function undoubled(w: string): string {
  return /([b-df-hj-np-tv-z])\1$/.test(w) ? w.slice(0, -1) : w;
}

/**
 * A small rule-based lemmatiser: a word's base form when the corpus uses it ("cancelling" → "cancel",
 * "creating" → "create", "refunds" → "refund"), else the word as it is. Only a base form written
 * somewhere in `vocabulary` is accepted, so a rule never makes up a word ("pending" stays, there
 * being no "pend").
 */
export function lemma(word: string, vocabulary: ReadonlySet<string>): string {
  const tries: string[] = [];
  const w = word;
  if (w.length > 5 && w.endsWith('ing')) tries.push(w.slice(0, -3), `${w.slice(0, -3)}e`, undoubled(w.slice(0, -3)));
  else if (w.length > 4 && w.endsWith('ied')) tries.push(`${w.slice(0, -3)}y`);
  else if (w.length > 4 && w.endsWith('ed')) tries.push(w.slice(0, -2), w.slice(0, -1), undoubled(w.slice(0, -2)));
  else if (w.length > 4 && w.endsWith('ies')) tries.push(`${w.slice(0, -3)}y`);
  else if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss')) tries.push(w.slice(0, -1), ...(/(ss|sh|ch|x)es$/.test(w) ? [w.slice(0, -2)] : []));
  return tries.find((t) => t.length > 1 && t !== w && vocabulary.has(t)) ?? w;
}

/** Words allowed between a verb and its object ("cancel my order", "talk to an agent"). */
const DETERMINERS = new Set('a an the my your our ur their his her its this that these those some several few any'.split(' '));
const PREPOSITIONS = new Set('to for with of about on in at from into'.split(' '));

/**
 * The verbs these texts put before `object` ("check" in "check the early termination penalties"),
 * lemmatised, each with the preposition it takes ("talk to") and the share of the texts it governs the
 * object in (counted once per text), most frequent first; none when verbs govern the object in fewer
 * than `minShare` of the texts (a state, not a request: "card was declined").
 */
export function governingVerbs(object: string, texts: readonly string[], verbs: ReadonlySet<string>, vocabulary: ReadonlySet<string>, minShare = 0.25): { verb: string; share: number }[] {
  const first = object.split(' ')[0];
  const counts = new Map<string, number>();
  let governed = 0;
  for (const text of texts) {
    const seen = new Set<string>();
    for (const run of wordRuns(text))
      run.forEach((w, j) => {
        if (w !== first) return;
        let prep: string | null = null;
        for (let k = j - 1; k >= 0 && k >= j - 4; k--) {
          const v = run[k];
          if (DETERMINERS.has(v)) continue;
          if (PREPOSITIONS.has(v) && prep === null) {
            prep = v;
            continue;
          }
          const l = lemma(v, vocabulary);
          if (verbs.has(v) || verbs.has(l)) seen.add(prep ? `${l} ${prep}` : l);
          return;
        }
      });
    for (const s of seen) counts.set(s, (counts.get(s) ?? 0) + 1);
    if (seen.size > 0) governed++;
  }
  if (texts.length === 0 || governed < minShare * texts.length) return [];
  // A light verb ("see", "get": stop words) says less than a content verb ("check", "request"): it wins only at twice the count.
  const weight = (v: string) => (ENGLISH_STOP_WORDS.has(v.split(' ')[0]) ? 0.5 : 1);
  return [...counts]
    .filter(([, n]) => n >= 2)
    .sort((a, b) => b[1] * weight(b[0]) - a[1] * weight(a[0]) || (a[0] < b[0] ? -1 : 1))
    .map(([verb, n]) => ({ verb, share: n / texts.length }));
}

/**
 * Cluster names without an LLM, in the spirit of BERTopic's KeyBERTInspired followed by
 * MaximalMarginalRelevance: a cluster's candidate phrases (its c-TF-IDF terms as written and the
 * frequent spans of its central texts, phrases.ts, that read as names, grammar.ts) are embedded with the run's own model, scored by
 * cosine to the cluster's centroid (plus a little for how many central texts say them), and
 * diversified by MMR. The name then reads as what the customer wants done where the texts allow: a
 * verb + object phrase when one is nearly as close as the best (of those, the one whose verb most
 * texts use: "Recover the key" over "Restore the access key"), else the best phrase with the verb the
 * texts most often govern it with ("Check" + "termination charges"); a one-word name gets a second
 * phrase ("Refund · payment issue"). Only the cluster's texts and the run's other texts (which words
 * are verbs, which base forms exist) decide any of it: no word list of any data set's intents.
 * All candidates of a run are embedded in one call, each distinct phrase once, so naming a 27k-row
 * run costs a few thousand short embeddings. Siblings get different names where their candidates
 * allow, and a sub-cluster avoids its parent's name: a tree of identical names tells nothing.
 */
import { pathDepth } from '../../shared/api';
import { ENGLISH_STOP_WORDS } from '../vectors/stopwords';
import { clausal, endsComplete, governingVerbs, headsIn, lemma, verbsIn } from './grammar';
import { asName, badAtEnd, frequentSpans, surfaceForms, trimmed, wordRuns } from './phrases';
import type { EmbedTexts, NameRequest, Namer } from './stages';

/** Frequent spans of the central texts taken as candidates. */
const CANDIDATE_SPANS = 10;
/** Phrases MMR ranks per cluster: the name and its fallbacks. */
const PICKS = 5;
/** MMR's trade-off: 0 ranks by similarity alone, 1 by difference from the phrases already picked. */
const DIVERSITY = 0.3;
/**
 * Weight of a phrase's coverage (the share of central texts that say it) next to its cosine: breaks
 * near-ties for the phrase most texts use ("cancel purchase" over "cancel order" where most say purchase).
 */
const COVERAGE_WEIGHT = 0.05;
/** How much lower a verb + object phrase may score than the best and still be preferred. */
const VERB_MARGIN = 0.1;
/** How much lower a phrase of several words may score than a one-word best and still be preferred. */
const SINGLE_WORD_MARGIN = 0.1;
/** The share of central texts a verb must govern the best phrase in for the name to take it. */
const GOVERNED_SHARE = 0.25;

/** Words that make a phrase a clause, not a name, at its start ("did my funds come"), or that a verb's object cannot hold ("card has been compromised"). */
const AUXILIARIES = new Set('is are was were be been being am has have had do does did will would can could shall should may might must won wont cant'.split(' '));

/** After these, a verb's form is a noun ("status of order", "my transfer"). */
const DETERMINERS_PREPOSITIONS = new Set('a an the my your ur our their his her its this that of for to with about on in at from into'.split(' '));

interface Candidate {
  phrase: string;
  /** Share of the central texts that say it, compared lemmatised. */
  coverage: number;
}

interface Candidates {
  list: Candidate[];
  /** Verbs of the cluster's texts, lemmatised. */
  verbs: Set<string>;
  /** Per verb, how many of the central texts use it (in any form). */
  verbTexts: Map<string, number>;
  texts: readonly string[];
}

/** Base forms of the words in all clusters' central texts: what the lemmatiser may map a word to. */
function vocabularyOf(requests: readonly NameRequest[]): Set<string> {
  const vocabulary = new Set<string>();
  for (const r of requests) for (const t of r.texts) for (const run of wordRuns(t)) for (const w of run) vocabulary.add(w);
  return vocabulary;
}

/** The cluster's terms as written in its central texts (all of them, as they are, when none is), and its frequent spans, when they read as a name. */
function candidatesOf(r: NameRequest, vocabulary: ReadonlySet<string>, runVerbs: ReadonlySet<string>): Candidates {
  const rawVerbs = verbsIn(r.texts);
  const verbs = new Set([...rawVerbs].map((v) => lemma(v, vocabulary)));
  const isVerb = (w: string) => rawVerbs.has(w) || verbs.has(lemma(w, vocabulary));
  // Whether a word is a verb is also asked of the whole run's texts: "product arrive" may be the only "arrive" of its cluster.
  const isVerbInRun = (w: string) => isVerb(w) || runVerbs.has(w);
  const heads = headsIn(r.texts);
  const runs = r.texts.flatMap(wordRuns);
  const readsAsName = (t: string) => {
    const words = t.split(' ');
    const last = words[words.length - 1];
    const beforeLast = words[words.length - 2] ?? '';
    if (clausal(t) || AUXILIARIES.has(words[0])) return false;
    // One word: a thing ("refund"), not a bare action ("cancel") or a participle ("cancelling").
    if (words.length === 1) return !isVerbInRun(t) && !(/(ed|ing)$/.test(t) && lemma(t, vocabulary) !== t);
    // Ending on a modifier reads cut short ("received my virtual"); so does "shipment is going".
    if (!heads.has(last) || (/ing$/.test(last) && lemma(last, vocabulary) !== last)) return false;
    // "Package arrive", "atms that accept": a subject and a bare verb, cut from a question ("when will my package arrive").
    const bareVerbAfterSubject = !isVerb(words[0]) && isVerbInRun(last) && !/ed$/.test(last) && !AUXILIARIES.has(beforeLast) && !beforeLast.includes("'") && !DETERMINERS_PREPOSITIONS.has(beforeLast);
    return !bareVerbAfterSubject && endsComplete(t, runs);
  };
  const written = [...surfaceForms(r.terms, r.texts).values()].filter((f): f is string => f !== null);
  const byLemmas = new Map<string, string>();
  for (const p of [...(written.length ? written : r.terms), ...frequentSpans(r.texts, CANDIDATE_SPANS, 2, readsAsName)]) {
    const t = trimmed(p);
    if (!t || !readsAsName(t)) continue;
    const words = t.split(' ');
    // "Cancelling order" → "cancel order": a name says the action, not its progress ("charged twice", a state, stays).
    const base = lemma(words[0], vocabulary);
    if (/ing$/.test(words[0]) && (verbs.has(base) || runVerbs.has(base))) words[0] = base;
    // One candidate per lemmatised form ("online payment", "online payments"): the first, best-ranked term's.
    const key = words.map((w) => lemma(w, vocabulary)).join(' ');
    if (!byLemmas.has(key)) byLemmas.set(key, words.join(' '));
  }
  const lemmaTexts = r.texts.map((t) => wordRuns(t).map((run) => ` ${run.map((w) => lemma(w, vocabulary)).join(' ')} `).join('|'));
  const list = [...byLemmas].map(([key, phrase]) => ({ phrase, coverage: lemmaTexts.filter((t) => t.includes(` ${key} `)).length / Math.max(1, r.texts.length) }));
  const verbTexts = new Map<string, number>();
  for (const t of lemmaTexts) for (const v of verbs) if (t.includes(` ${v} `)) verbTexts.set(v, (verbTexts.get(v) ?? 0) + 1);
  return { list, verbs, verbTexts, texts: r.texts };
}

function dot(a: Float32Array, ao: number, b: Float32Array, bo: number, dim: number): number {
  let s = 0;
  for (let d = 0; d < dim; d++) s += a[ao + d] * b[bo + d];
  return s;
}

/** Maximal marginal relevance over `rows` of `vectors` (unit vectors), given each row's similarity to the topic. */
export function mmr(vectors: Float32Array, dim: number, rows: readonly number[], sims: readonly number[], k: number, diversity: number): number[] {
  const left = rows.map((_, i) => i);
  const chosen: number[] = [];
  while (chosen.length < k && left.length > 0) {
    let best = 0;
    let bestScore = -Infinity;
    left.forEach((i, j) => {
      const redundancy = chosen.length ? Math.max(...chosen.map((c) => dot(vectors, rows[i] * dim, vectors, rows[c] * dim, dim))) : 0;
      const score = (1 - diversity) * sims[i] - diversity * redundancy;
      if (score > bestScore) [best, bestScore] = [j, score];
    });
    chosen.push(left.splice(best, 1)[0]);
  }
  return chosen;
}

interface Pick {
  phrase: string;
  score: number;
}

function rank(r: NameRequest, c: Candidates, vectors: Float32Array, index: ReadonlyMap<string, number>, dim: number): Pick[] {
  const norm = Math.sqrt(dot(r.centroid, 0, r.centroid, 0, dim)) || 1;
  const rows = c.list.map((p) => index.get(p.phrase)!);
  const scores = rows.map((row, i) => dot(vectors, row * dim, r.centroid, 0, dim) / norm + COVERAGE_WEIGHT * c.list[i].coverage);
  return mmr(vectors, dim, rows, scores, PICKS, DIVERSITY).map((i) => ({ phrase: c.list[i].phrase, score: scores[i] }));
}

/** `order` with `p` moved to its front. */
function first(order: readonly Pick[], p: Pick | undefined): Pick[] {
  return p ? [p, ...order.filter((o) => o !== p)] : [...order];
}

/** The names to try, best first: the picks made to read as what the customer wants (see the file's comment). */
function preferred(picks: readonly Pick[], { verbs, verbTexts, texts }: Candidates, vocabulary: ReadonlySet<string>): string[] {
  if (picks.length === 0) return [];
  let order = [...picks];
  if (!order[0].phrase.includes(' ')) order = first(order, order.find((p) => p.phrase.includes(' ') && p.score >= order[0].score - SINGLE_WORD_MARGIN));
  const isAction = (p: string) => p.includes(' ') && verbs.has(p.split(' ')[0]);
  // Of the close actions, the one whose verb most texts use, a light verb ("see", "get": stop words)
  // counting half: it says less than a content verb ("check", "request").
  const weight = (p: Pick) => {
    const verb = p.phrase.split(' ')[0];
    return (verbTexts.get(verb) ?? 0) * (ENGLISH_STOP_WORDS.has(verb) ? 0.5 : 1);
  };
  const actions = order.filter((p) => isAction(p.phrase) && p.score >= order[0].score - VERB_MARGIN);
  order = first(order, [...actions].sort((a, b) => weight(b) - weight(a))[0]);
  const best = order[0].phrase;
  const words = best.split(' ');
  if (!isAction(best) && !words.some((w) => AUXILIARIES.has(w))) {
    const g = governingVerbs(best, texts, verbs, vocabulary, GOVERNED_SHARE)[0];
    // "Remove account removal", "Withdraw cash withdrawal fee": the object already says the action.
    if (g && !words.some((w) => w.slice(0, 5) === g.verb.slice(0, 5))) order = [{ phrase: `${g.verb} ${best}`, score: order[0].score }, ...order];
  }
  const content = (p: string) => new Set(p.split(' ').filter((w) => !badAtEnd(w)).map((w) => lemma(w, vocabulary)));
  return order.map(({ phrase: head }) => {
    const h = content(head);
    if (h.size > 1) return head;
    const second = picks.find((p) => p.phrase !== head && p.phrase.includes(' ') && [...content(p.phrase)].every((w) => !h.has(w)));
    return second ? `${head} · ${second.phrase}` : head;
  });
}

export async function autoNames(requests: readonly NameRequest[], dim: number, embed: EmbedTexts): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  const vocabulary = vocabularyOf(requests);
  const runVerbs = verbsIn(requests.flatMap((r) => r.texts));
  const candidates = requests.map((r) => candidatesOf(r, vocabulary, runVerbs));
  // Sorted: the embedder's batches (and so, in int8, the vectors) then depend only on the phrases.
  const unique = [...new Set(candidates.flatMap((c) => c.list.map((p) => p.phrase)))].sort();
  if (unique.length === 0) return names;
  const vectors = await embed(unique);
  const index = new Map(unique.map((p, i) => [p, i]));

  // Parents before children, then larger siblings first: the largest cluster gets the best name.
  const order = requests.map((_, i) => i).sort((a, b) => pathDepth(requests[a].id) - pathDepth(requests[b].id) || requests[b].size - requests[a].size || (requests[a].id < requests[b].id ? -1 : 1));
  const taken = new Map<string | null, Set<string>>();
  for (const i of order) {
    const r = requests[i];
    const options = preferred(rank(r, candidates[i], vectors, index, dim), candidates[i], vocabulary);
    if (options.length === 0) continue;
    const used = taken.get(r.parent) ?? new Set<string>();
    const parentName = r.parent ? names.get(r.parent)?.toLowerCase() : undefined;
    const free = options.filter((p) => !used.has(p) && p !== parentName);
    // When the best name is a sibling's, a phrase says more than one word ("Open account", not "Account").
    const name = (options[0] === free[0] ? free[0] : free.find((p) => p.includes(' ')) ?? free[0]) ?? options[0];
    used.add(name);
    taken.set(r.parent, used);
    names.set(r.id, asName(name));
  }
  return names;
}

export const keyBertNamer: Namer = { name: autoNames };

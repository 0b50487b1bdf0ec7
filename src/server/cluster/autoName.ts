/**
 * Cluster names without an LLM, in the spirit of BERTopic's KeyBERTInspired followed by
 * MaximalMarginalRelevance: a cluster's candidate phrases (its c-TF-IDF terms and the frequent spans
 * of its central texts, phrases.ts) are embedded with the run's own model, ranked by cosine to the
 * cluster's centroid, and diversified by MMR; the name is the best phrase, or a verb + object phrase
 * ("Cancel my order") when one is nearly as close, since that says what the customer wants done.
 * All candidates of a run are embedded in one call, each distinct phrase once, so naming a 27k-row
 * run costs a few thousand short embeddings. Siblings get different names where their candidates
 * allow, and a sub-cluster avoids its parent's name: a tree of identical names tells nothing.
 */
import { pathDepth } from '../../shared/api';
import { asName, frequentSpans, surfaceForms, trimmed, verbsIn } from './phrases';
import type { EmbedTexts, NameRequest, Namer } from './stages';

/** Frequent spans of the central texts taken as candidates. */
const CANDIDATE_SPANS = 10;
/** Phrases MMR ranks per cluster: the name and its fallbacks. */
const PICKS = 5;
/** MMR's trade-off: 0 ranks by similarity alone, 1 by difference from the phrases already picked. */
const DIVERSITY = 0.3;
/** How much less similar to the centroid a verb + object phrase may be and still be preferred. */
const VERB_MARGIN = 0.03;

interface Ranked {
  /** Up to PICKS candidates in MMR order, with their cosine to the centroid. */
  picks: { phrase: string; sim: number }[];
  verbs: ReadonlySet<string>;
}

/** The cluster's terms as written in its central texts (all of them, as they are, when none is), and its frequent spans. */
function candidatesOf(r: NameRequest): string[] {
  const written = [...surfaceForms(r.terms, r.texts).values()].filter((f): f is string => f !== null);
  const out = new Set<string>();
  for (const p of [...(written.length ? written : r.terms), ...frequentSpans(r.texts, CANDIDATE_SPANS)]) {
    const t = trimmed(p);
    if (t) out.add(t);
  }
  return [...out];
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

function rank(r: NameRequest, phrases: readonly string[], vectors: Float32Array, index: ReadonlyMap<string, number>, dim: number): Ranked {
  const norm = Math.sqrt(dot(r.centroid, 0, r.centroid, 0, dim)) || 1;
  const rows = phrases.map((p) => index.get(p)!);
  const sims = rows.map((row) => dot(vectors, row * dim, r.centroid, 0, dim) / norm);
  const picks = mmr(vectors, dim, rows, sims, PICKS, DIVERSITY).map((i) => ({ phrase: phrases[i], sim: sims[i] }));
  return { picks, verbs: verbsIn(r.texts) };
}

/** The picks in the order they should be tried as the name: a close verb + object phrase first. */
function preferred({ picks, verbs }: Ranked): string[] {
  if (picks.length === 0) return [];
  const isAction = (p: string) => p.includes(' ') && verbs.has(p.split(' ')[0]);
  const actions = picks.filter((p) => isAction(p.phrase) && p.sim >= picks[0].sim - VERB_MARGIN);
  // "Cancel order" reads as a name better than "Canceling order".
  const action = actions.find((p) => !/(ing|ed)$/.test(p.phrase.split(' ')[0])) ?? actions[0];
  const order = picks.map((p) => p.phrase);
  return action ? [action.phrase, ...order.filter((p) => p !== action.phrase)] : order;
}

export async function autoNames(requests: readonly NameRequest[], dim: number, embed: EmbedTexts): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  const candidates = requests.map(candidatesOf);
  // Sorted: the embedder's batches (and so, in int8, the vectors) then depend only on the phrases.
  const unique = [...new Set(candidates.flat())].sort();
  if (unique.length === 0) return names;
  const vectors = await embed(unique);
  const index = new Map(unique.map((p, i) => [p, i]));

  // Parents before children, then larger siblings first: the largest cluster gets the best name.
  const order = requests.map((_, i) => i).sort((a, b) => pathDepth(requests[a].id) - pathDepth(requests[b].id) || requests[b].size - requests[a].size || (requests[a].id < requests[b].id ? -1 : 1));
  const taken = new Map<string | null, Set<string>>();
  for (const i of order) {
    const r = requests[i];
    const options = preferred(rank(r, candidates[i], vectors, index, dim));
    if (options.length === 0) continue;
    const used = taken.get(r.parent) ?? new Set<string>();
    const parentName = r.parent ? names.get(r.parent)?.toLowerCase() : undefined;
    const name = options.find((p) => !used.has(p) && p !== parentName) ?? options[0];
    used.add(name);
    taken.set(r.parent, used);
    names.set(r.id, asName(name));
  }
  return names;
}

export const keyBertNamer: Namer = { name: autoNames };

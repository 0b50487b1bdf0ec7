/**
 * How well cluster names match known intents, for judging names without reading them all: the share
 * of clusters whose name shares a content word with the name of the cluster's majority intent
 * ("get_refund" → "refund"). Words are compared after a deliberately simple stemmer (lower case;
 * plural s/es/ies, -ing and -ed stripped, then a doubled final consonant undoubled), so "refunds",
 * "refunded" and "cancelling" meet "refund" and "cancel"; derived words ("cancellation") do not.
 */
import { ENGLISH_STOP_WORDS } from '../vectors/stopwords';

export function stem(word: string): string {
  let w = word.toLowerCase();
  if (w.length > 4 && w.endsWith('ies')) w = `${w.slice(0, -3)}y`;
  else if (w.length > 4 && /(ss|sh|ch|x)es$/.test(w)) w = w.slice(0, -2);
  else if (w.length > 5 && w.endsWith('ing')) w = w.slice(0, -3);
  else if (w.length > 4 && w.endsWith('ed')) w = w.slice(0, -2);
  else if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss')) w = w.slice(0, -1);
  // Undoubled whether or not a suffix went, so "call" and "called" both end as "cal".
  if (/([b-df-hj-np-tv-z])\1$/.test(w)) w = w.slice(0, -1);
  return w;
}

/** Stems of the words of a name or an intent ("track_order", "Track my order"), stop words left out. */
export function contentStems(s: string): Set<string> {
  const words = s.toLowerCase().match(/[a-z0-9]+/g) ?? [];
  return new Set(words.filter((w) => w.length > 1 && !ENGLISH_STOP_WORDS.has(w)).map(stem));
}

export function sharesContentWord(name: string, intent: string): boolean {
  const a = contentStems(name);
  for (const w of contentStems(intent)) if (a.has(w)) return true;
  return false;
}

/** The share of `pairs` whose name shares a content word with its intent (0 for none). */
export function nameAgreement(pairs: readonly { name: string; intent: string }[]): number {
  return pairs.length ? pairs.filter((p) => sharesContentWord(p.name, p.intent)).length / pairs.length : 0;
}

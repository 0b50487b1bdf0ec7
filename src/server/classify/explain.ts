/**
 * Explanations for one prediction: the nearest training examples (or, zero-shot, the closest label
 * descriptions and example phrases), and per-word contributions by occlusion — the text is embedded
 * again once without each word, and a word's contribution is how much the predicted label's margin
 * drops without it (positive: the word supports the label). The margin is the label's logit (trained
 * head; zero-shot: cosine) minus the best other label's: probabilities saturate at 1.0 for clear
 * texts, so removing even the key word would change them by nothing measurable. Occlusion needs one embedding per word,
 * so it is only done when asked, and on at most MAX_OCCLUDED_WORDS words.
 */
import type { Explanation } from '../../shared/api';
import { ENGLISH_STOP_WORDS } from '../vectors/stopwords';
import type { Embedder } from '../embed/types';

export const MAX_OCCLUDED_WORDS = 64;

/** scikit-learn's stop words hold words that carry a ticket ("bill", "call", "empty", "never"): kept as content here. */
const CONTENT = new Set('amount back bill bottom call cannot cant cry describe detail empty find fire found front full get give interest keep move name never no none not nothing part serious show side system top'.split(' '));
const isFunctionWord = (w: string) => {
  const k = w.toLowerCase().replace(/[^\p{L}\p{N}']/gu, '');
  return ENGLISH_STOP_WORDS.has(k) && !CONTENT.has(k);
};

export function words(text: string): string[] {
  return text.split(/\s+/).filter((w) => w.length > 0);
}

/**
 * `score(vectors)` returns, per row, the predicted label's margin for those (raw) sentence vectors.
 * Row 0 of what it receives is the full text.
 */
export async function occlusion(text: string, embedder: Embedder, score: (vectors: Float32Array) => ArrayLike<number>, signal?: AbortSignal): Promise<Explanation['words']> {
  const ws = words(text);
  const m = Math.min(ws.length, MAX_OCCLUDED_WORDS);
  if (m <= 1) return ws.map((word) => ({ word, contribution: 0, stopWord: false }));
  const variants = [text];
  for (let i = 0; i < m; i++) variants.push([...ws.slice(0, i), ...ws.slice(i + 1)].join(' '));
  const v = await embedder.embed(variants, { signal, persist: false, priority: 'interactive' });
  const s = score(v);
  // Function words can move the embedding as much as content words; flagged so a UI can lead with the latter.
  return ws.map((word, i) => ({ word, contribution: i < m ? s[0] - s[i + 1] : 0, stopWord: isFunctionWord(word) }));
}

/** Per row of an n × C score matrix, score[label] − max over the other labels. */
export function margins(scores: Float32Array, C: number, label: number): number[] {
  const n = scores.length / C;
  const out: number[] = [];
  for (let r = 0; r < n; r++) {
    let other = -Infinity;
    for (let c = 0; c < C; c++) if (c !== label) other = Math.max(other, scores[r * C + c]);
    out.push(scores[r * C + label] - other);
  }
  return out;
}

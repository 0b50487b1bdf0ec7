/**
 * Explanations for one prediction: the nearest training examples (or, zero-shot, the closest label
 * descriptions and example phrases), and per-word contributions by occlusion — the text is embedded
 * again once without each word, and a word's contribution is how much the predicted label's score
 * drops without it (positive: the word supports the label). Occlusion needs one embedding per word,
 * so it is only done when asked, and on at most MAX_OCCLUDED_WORDS words.
 */
import type { Explanation } from '../../shared/api';
import type { Embedder } from '../embed/types';

export const MAX_OCCLUDED_WORDS = 64;

export function words(text: string): string[] {
  return text.split(/\s+/).filter((w) => w.length > 0);
}

/**
 * `score(vectors)` returns, per row, the predicted label's score for those (raw) sentence vectors.
 * Row 0 of what it receives is the full text.
 */
export async function occlusion(text: string, embedder: Embedder, score: (vectors: Float32Array) => ArrayLike<number>, signal?: AbortSignal): Promise<Explanation['words']> {
  const ws = words(text);
  const m = Math.min(ws.length, MAX_OCCLUDED_WORDS);
  if (m <= 1) return ws.map((word) => ({ word, contribution: 0 }));
  const variants = [text];
  for (let i = 0; i < m; i++) variants.push([...ws.slice(0, i), ...ws.slice(i + 1)].join(' '));
  const v = await embedder.embed(variants, { signal });
  const s = score(v);
  return ws.map((word, i) => ({ word, contribution: i < m ? s[0] - s[i + 1] : 0 }));
}

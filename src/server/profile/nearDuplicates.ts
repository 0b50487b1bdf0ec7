/**
 * Near-duplicates by meaning: each distinct folded text, in file order, joins the group of the most
 * similar earlier group's first text among its nearest neighbours (the exact kNN the cluster pipeline
 * uses) when their embeddings have cosine ≥ 0.95, else starts a group. Every member is within the
 * threshold of its group's first text: joining whole chains instead (union-find) let templated data
 * link thousands of texts step by step (Bitext: 16,230 of 26,872 rows "duplicates"). Optional: it
 * needs the model and, at 27k texts, some seconds of embedding and kNN.
 */
import { NEAR_DUPLICATE_COSINE, type NearDuplicates } from '../../shared/profile';
import { exactKnn } from '../cluster/knn';
import type { Embedder } from '../embed/types';
import { redact } from '../label/redact';
import { foldText } from './fold';

/** Neighbours looked at per text for an earlier group's first text. */
const NEIGHBOURS = 10;
const EXAMPLES = 10;

export interface NearDuplicateOptions {
  signal?: AbortSignal;
  onProgress?: (stage: string, done: number, total: number) => void;
  threshold?: number;
}

export async function nearDuplicates(texts: readonly string[], embedder: Embedder, opts: NearDuplicateOptions = {}): Promise<NearDuplicates> {
  const threshold = opts.threshold ?? NEAR_DUPLICATE_COSINE;
  const slot = new Map<string, number>();
  const firsts: string[] = [];
  const rowSlot = texts.map((t) => {
    const k = foldText(t);
    let s = slot.get(k);
    if (s === undefined) {
      slot.set(k, (s = firsts.length));
      firsts.push(t);
    }
    return s;
  });
  const n = firsts.length;
  const dim = embedder.info.dim;
  const vectors = await embedder.embed(firsts, { signal: opts.signal, onProgress: (done, total) => opts.onProgress?.('embedding', done, total) });
  const graph = await exactKnn(vectors, n, dim, NEIGHBOURS, { signal: opts.signal, onProgress: (done, total) => opts.onProgress?.('nearest neighbours', done, total) });
  // leader[i]: the first text of i's group (i itself when it starts one).
  const leader = Int32Array.from({ length: n }, (_, i) => i);
  const pairs: { a: number; b: number; similarity: number }[] = [];
  for (let i = 0; i < n; i++) {
    // Neighbours come most similar first.
    for (let j = 0; j < graph.k; j++) {
      const other = graph.indices[i * graph.k + j];
      const similarity = 1 - graph.distances[i * graph.k + j];
      if (similarity < threshold) break;
      if (other < i && leader[other] === other) {
        leader[i] = other;
        pairs.push({ a: other, b: i, similarity });
        break;
      }
    }
  }
  const rowsPer = new Map<number, number>();
  for (const s of rowSlot) rowsPer.set(leader[s], (rowsPer.get(leader[s]) ?? 0) + 1);
  let groups = 0;
  for (const c of rowsPer.values()) if (c > 1) groups++;
  pairs.sort((x, y) => y.similarity - x.similarity || x.a - y.a || x.b - y.b);
  return {
    threshold,
    distinct: rowsPer.size,
    groups,
    rows: texts.length - rowsPer.size,
    examples: pairs.slice(0, EXAMPLES).map((p) => ({ a: redact(firsts[p.a]).text, b: redact(firsts[p.b]).text, similarity: Number(p.similarity.toFixed(4)) })),
  };
}

/**
 * Exact cosine top-k of query vectors against a base of unit vectors, through the matmul + TopK graph
 * the cluster engine's kNN uses (vectors/matmulTopK.ts), on the background inference lane: assigning
 * is batch work, and at 1,000 queries × 100,000 members it is ~40 G multiply-adds that belong in MLAS,
 * not in a JS loop. Exact, so an assignment does not depend on an index's approximation.
 */
import * as ort from 'onnxruntime-node';
import { TicketLensError } from '../../shared/api';
import { blockRows, matmulTopKSession, transpose } from '../vectors/matmulTopK';

/** Row-major n × dim unit vectors, transposed once for the graph. */
export interface SearchBase {
  n: number;
  dim: number;
  xt: Float32Array;
}

export function searchBase(vectors: Float32Array, n: number, dim: number): SearchBase {
  return { n, dim, xt: transpose(vectors, n, dim) };
}

export interface TopK {
  /** Per query, k columns: indices into the base and their cosine similarities, most similar first. */
  k: number;
  indices: Int32Array;
  similarities: Float32Array;
}

/** The k most similar base rows of each of nq queries (row-major nq × dim). */
export async function topK(queries: Float32Array, nq: number, base: SearchBase, k: number, signal?: AbortSignal): Promise<TopK> {
  const take = Math.min(k, base.n);
  const indices = new Int32Array(nq * take);
  const similarities = new Float32Array(nq * take);
  if (take === 0 || nq === 0) return { k: take, indices, similarities };
  const session = await matmulTopKSession();
  const XT = new ort.Tensor('float32', base.xt, [base.dim, base.n]);
  const K = new ort.Tensor('int64', BigInt64Array.from([BigInt(take)]), [1]);
  const block = blockRows(base.n);
  for (let start = 0; start < nq; start += block) {
    if (signal?.aborted) throw new TicketLensError('job_cancelled', 'Assigning was cancelled.');
    const rows = Math.min(block, nq - start);
    const Q = new ort.Tensor('float32', queries.subarray(start * base.dim, (start + rows) * base.dim), [rows, base.dim]);
    const out = await session.run({ Q, XT, K }, { signal });
    const V = out.V.data as Float32Array;
    const I = out.I.data as BigInt64Array;
    for (let i = 0; i < rows * take; i++) {
      indices[start * take + i] = Number(I[i]);
      similarities[start * take + i] = V[i];
    }
  }
  return { k: take, indices, similarities };
}

/** Base rows per chunk of a streamed search: 32,768 × 384 floats is 48 MiB, transposed a chunk at a time. */
const STREAM_CHUNK = 32_768;

/**
 * topK against row-major vectors without a prepared base: each chunk of `chunkRows` base rows is
 * transposed, searched, and its best k merged into the running best k. A prepared base is a
 * transposed copy here and a plain one on the inference thread (vectors/matmulTopK.ts): at the end of
 * a 1M-row cluster job, the assign calibration's one search held those two copies of the whole
 * matrix, +3 GB over the stages before it. Here it holds a few chunks. For searches made once; a
 * base searched again and again (assign's) is prepared once instead. Ties keep the lower base index.
 */
export async function topKStreamed(queries: Float32Array, nq: number, vectors: Float32Array, n: number, dim: number, k: number, signal?: AbortSignal, chunkRows = STREAM_CHUNK): Promise<TopK> {
  const take = Math.min(k, n);
  const indices = new Int32Array(nq * take).fill(-1);
  const similarities = new Float32Array(nq * take).fill(-Infinity);
  if (take === 0 || nq === 0) return { k: take, indices, similarities };
  const mergedI = new Int32Array(take);
  const mergedS = new Float32Array(take);
  for (let start = 0; start < n; start += chunkRows) {
    const rows = Math.min(chunkRows, n - start);
    const part = await topK(queries, nq, searchBase(vectors.subarray(start * dim, (start + rows) * dim), rows, dim), take, signal);
    for (let q = 0; q < nq; q++) {
      // Both lists are sorted, best first; the running one holds only earlier (lower) indices.
      let a = q * take;
      let b = q * part.k;
      const aEnd = a + take;
      const bEnd = b + part.k;
      for (let j = 0; j < take; j++) {
        if (b >= bEnd || (a < aEnd && similarities[a] >= part.similarities[b])) {
          mergedI[j] = indices[a];
          mergedS[j] = similarities[a++];
        } else {
          mergedI[j] = part.indices[b] + start;
          mergedS[j] = part.similarities[b++];
        }
      }
      indices.set(mergedI, q * take);
      similarities.set(mergedS, q * take);
    }
  }
  return { k: take, indices, similarities };
}

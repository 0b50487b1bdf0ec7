/**
 * The one dense operation both engines need at scale — scores = Q · Xᵀ for a block of queries, then
 * the k best per query — as a two-node ONNX graph, so the n × n similarity matrix never exists and the
 * work runs in onnxruntime's multithreaded MLAS kernels. The cluster engine's exact kNN and the
 * classifier's kNN vote share the one session.
 */
import { availableParallelism } from 'node:os';
import * as ort from 'onnxruntime-node';
import { buildModel, FLOAT, INT64 } from './onnxGraph';

/** Query rows per call: bounds the scores block (BLOCK × n floats) whatever n is. */
export const BLOCK = 1024;

let sessionPromise: Promise<ort.InferenceSession> | null = null;

/** Inputs Q (q × d), XT (d × n), K (the k to keep); outputs V (q × k scores, best first) and I (their column indices). */
export function matmulTopKSession(): Promise<ort.InferenceSession> {
  sessionPromise ??= ort.InferenceSession.create(
    buildModel(
      [
        { op: 'MatMul', inputs: ['Q', 'XT'], outputs: ['S'] },
        { op: 'TopK', inputs: ['S', 'K'], outputs: ['V', 'I'], intAttrs: { axis: -1, largest: 1, sorted: 1 } },
      ],
      [
        { name: 'Q', elemType: FLOAT, dims: ['q', 'd'] },
        { name: 'XT', elemType: FLOAT, dims: ['d', 'n'] },
        { name: 'K', elemType: INT64, dims: [1] },
      ],
      [
        { name: 'V', elemType: FLOAT, dims: ['q', 'k'] },
        { name: 'I', elemType: INT64, dims: ['q', 'k'] },
      ],
    ),
    { intraOpNumThreads: availableParallelism(), graphOptimizationLevel: 'all' },
  );
  return sessionPromise;
}

/** Row-major n × dim → dim × n, the layout the graph's right-hand side wants. */
export function transpose(vectors: Float32Array, n: number, dim: number): Float32Array {
  const xt = new Float32Array(dim * n);
  for (let i = 0; i < n; i++) for (let d = 0; d < dim; d++) xt[d * n + i] = vectors[i * dim + d];
  return xt;
}

/**
 * The k most similar base vectors (by dot product) of each of nq queries, most similar first: used
 * by the classifier's kNN vote and reject option, where a JS loop over ~5,000 stored examples made
 * 100 tickets take 250 ms (bench:classify) and MLAS takes a few.
 */
export async function topKSimilar(queries: Float32Array, nq: number, baseT: Float32Array, n: number, dim: number, k: number): Promise<{ indices: Int32Array; values: Float32Array; k: number }> {
  const take = Math.min(k, n);
  const indices = new Int32Array(nq * take);
  const values = new Float32Array(nq * take);
  if (take === 0 || nq === 0) return { indices, values, k: take };
  const session = await matmulTopKSession();
  const XT = new ort.Tensor('float32', baseT, [dim, n]);
  const K = new ort.Tensor('int64', BigInt64Array.from([BigInt(take)]), [1]);
  for (let start = 0; start < nq; start += BLOCK) {
    const rows = Math.min(BLOCK, nq - start);
    const out = await session.run({ Q: new ort.Tensor('float32', queries.subarray(start * dim, (start + rows) * dim), [rows, dim]), XT, K });
    const V = out.V.data as Float32Array;
    const I = out.I.data as BigInt64Array;
    for (let i = 0; i < rows * take; i++) {
      indices[start * take + i] = Number(I[i]);
      values[start * take + i] = V[i];
    }
  }
  return { indices, values, k: take };
}

/**
 * The one dense operation both engines need at scale — scores = Q · Xᵀ for a block of queries, then
 * the k best per query — as a two-node ONNX graph, so the n × n similarity matrix never exists and the
 * work runs in onnxruntime's multithreaded MLAS kernels. The cluster engine's exact kNN and the
 * classifier's kNN vote share it.
 *
 * The graph runs on an inference thread (workers/topk.ts), never on the calling one: onnxruntime-node's
 * run() computes synchronously on the thread that calls it, and a 1,024-row block of a cluster job's
 * kNN held the HTTP thread for ~50–100 ms. The classifier's searches go to the interactive lane, in
 * blocks of at most INTERACTIVE_BLOCK queries so a large one (a validation set) never holds that lane
 * for long; the cluster kNN's blocks go to the background lane. The base matrix is handed over in
 * shared memory, copied there once per matrix (not once per block).
 */
import * as ort from 'onnxruntime-node';
import { inferenceLane, type Lane } from '../workers/inferenceLane';
import { sharedFloat32, toShared } from '../workers/task';

/** Query rows per kNN call at most. */
export const BLOCK = 1024;

/**
 * Floats in one call's scores block (rows × n), at most: 256 MB. With 1,024 rows against a million
 * members the block was 4 GB, and it set the peak memory of a 1M-row run (its assign calibration:
 * 11.8 GB, against 2 GB for the cluster stages at 250k). 64 rows still give MLAS 64 multiply-adds per
 * base value read, so the call stays compute-bound.
 */
const SCORES_BUDGET = 2 ** 26;

/** Query rows per call against a base of n vectors: BLOCK, fewer where BLOCK × n would pass SCORES_BUDGET. */
export function blockRows(n: number): number {
  return Math.max(1, Math.min(BLOCK, Math.floor(SCORES_BUDGET / Math.max(1, n))));
}

/** Query rows per request on the interactive lane: ~256 × 5,000 × 384 multiply-adds, a few ms. */
const INTERACTIVE_BLOCK = 256;

let nextBase = 1;
/** Per base matrix: its name on the inference threads and, for worker threads, its shared copy. */
const bases = new WeakMap<Float32Array, { key: string; shared: Float32Array | null }>();

function base(lane: Lane, xt: Float32Array): { baseKey: string; xt: Float32Array } {
  let b = bases.get(xt);
  if (!b) bases.set(xt, (b = { key: `base-${nextBase++}`, shared: null }));
  if (lane.inline) return { baseKey: b.key, xt };
  b.shared ??= toShared(xt);
  return { baseKey: b.key, xt: b.shared };
}

/** One block of queries (rows × dim, copied) against XT (dim × n) on `lane`: rows × k scores and their indices. */
function runBlock(lane: Lane, q: Float32Array, rows: number, xt: Float32Array, n: number, dim: number, k: number, signal?: AbortSignal) {
  const own = q.slice();
  return lane.call({ op: 'topk', q: own, rows, ...base(lane, xt), n, dim, k }, { signal, transfer: lane.inline ? [] : [own.buffer] });
}

/** The kNN's view of the graph: run it on Q, XT (a tensor over the same array every block) and K, on the background lane. */
export interface MatMulTopK {
  run(feeds: { Q: ort.Tensor; XT: ort.Tensor; K: ort.Tensor }, opts?: { signal?: AbortSignal }): Promise<{ V: ort.Tensor; I: ort.Tensor }>;
}

const background: MatMulTopK = {
  async run({ Q, XT, K }, opts = {}) {
    const [rows, dim] = Q.dims;
    const n = XT.dims[1];
    const k = Number((K.data as BigInt64Array)[0]);
    const out = await runBlock(inferenceLane('background'), Q.data as Float32Array, rows, XT.data as Float32Array, n, dim, k, opts.signal);
    return { V: new ort.Tensor('float32', out.values, [rows, k]), I: new ort.Tensor('int64', out.indices, [rows, k]) };
  },
};

/** Inputs Q (q × d), XT (d × n), K (the k to keep); outputs V (q × k scores, best first) and I (their column indices). */
export function matmulTopKSession(): Promise<MatMulTopK> {
  return Promise.resolve(background);
}

/**
 * Row-major n × dim → dim × n, the layout the graph's right-hand side wants; in shared memory, where
 * the inference thread reads it (a copy there was another n × dim floats: 1.5 GB at 1M). That thread
 * still keeps a plain copy (onnxruntime-node refuses shared tensors: workers/topk.ts), and so does an
 * inline lane (tests from sources), which before used the plain array as it was.
 */
export function transpose(vectors: Float32Array, n: number, dim: number): Float32Array {
  const xt = sharedFloat32(dim * n);
  for (let i = 0; i < n; i++) for (let d = 0; d < dim; d++) xt[d * n + i] = vectors[i * dim + d];
  return xt;
}

/**
 * The k most similar base vectors (by dot product) of each of nq queries, most similar first: used
 * by the classifier's kNN vote and reject option, where a JS loop over ~5,000 stored examples made
 * 100 tickets take 250 ms (bench:classify) and MLAS takes a few, and by a cluster job's outlier
 * reassignment (background: a job's work, in larger blocks).
 */
export async function topKSimilar(
  queries: Float32Array,
  nq: number,
  baseT: Float32Array,
  n: number,
  dim: number,
  k: number,
  opts: { priority?: 'interactive' | 'background'; signal?: AbortSignal } = {},
): Promise<{ indices: Int32Array; values: Float32Array; k: number }> {
  const take = Math.min(k, n);
  const indices = new Int32Array(nq * take);
  const values = new Float32Array(nq * take);
  if (take === 0 || nq === 0) return { indices, values, k: take };
  const priority = opts.priority ?? 'interactive';
  const lane = inferenceLane(priority);
  const block = priority === 'interactive' ? INTERACTIVE_BLOCK : blockRows(n);
  for (let start = 0; start < nq; start += block) {
    const rows = Math.min(block, nq - start);
    const out = await runBlock(lane, queries.subarray(start * dim, (start + rows) * dim), rows, baseT, n, dim, take, opts.signal);
    for (let i = 0; i < rows * take; i++) {
      indices[start * take + i] = Number(out.indices[i]);
      values[start * take + i] = out.values[i];
    }
  }
  return { indices, values, k: take };
}

/**
 * The kNN graph of the cluster engine: exact up to EXACT_MAX_POINTS points, approximate (NN-descent,
 * knn/nnDescent.ts) above, where exact search's n² cost takes over (docs/measurements/knn.md).
 *
 * Exact: cosine kNN of unit vectors, blocked through onnxruntime-node: scores = Q · Xᵀ for a block of
 * queries, then TopK, in one small ONNX graph (vectors/matmulTopK.ts), so the n × n similarity matrix
 * never exists and the heavy lifting runs in MLAS on every core. Exact (recall 1.0), unlike umap-js's
 * random-projection kNN whose recall fell to 0.79 at 27k. Measured by scripts/bench-umap.mjs on 24,635
 * unique Bitext MiniLM vectors, 2 threads: 2.2–2.4 s. It is O(n²·d): ~36 s at 100k, an hour at 1M.
 * Below the crossover exactness is affordable and removes one source of run-to-run difference, so
 * runs of up to EXACT_MAX_POINTS unique texts get the very graph they always got. Exact and near
 * duplicates are fine: the point itself is dropped wherever TopK (ties by index) places it, so a twin
 * at distance 0 may come first.
 */
import * as ort from 'onnxruntime-node';
import { TicketLensError } from '../../shared/api';
import { blockRows, matmulTopKSession, transpose } from '../vectors/matmulTopK';
import { runTask } from '../workers/pool';
import { buffers } from '../workers/task';
import { rowMatrix } from '../vectors/rowDot';
import { nnDescentTask } from './knn/nnDescentTask';
import type { NnDescentParams } from './knn/nnDescent';
import type { KnnGraph } from './types';

/**
 * Up to this many points the exact graph. NN-descent (then on one thread) overtook exact search (two threads)
 * at about 10,000–12,000 points on 2 cores (docs/measurements/knn.md); up to 30,000 exact search costs at most
 * a second or two more, and keeps every run of that size (the 27k Bitext benchmark among them) on the
 * very graph it always had.
 */
export const EXACT_MAX_POINTS = 30_000;

export interface KnnOptions {
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

export interface ApproximateKnnOptions extends KnnOptions {
  /** Same vectors, k and seed → the same graph, bit for bit. */
  seed: number;
  /** NN-descent's knobs, for benchmarks and tests (defaults: the measured choice). */
  params?: NnDescentParams;
}

/**
 * k nearest neighbours (self excluded, nearest first) of each of n unit vectors (row-major n × dim) by
 * cosine distance: exact up to EXACT_MAX_POINTS points, approximate above (recall@15 ≥ 0.95 measured).
 */
export function knnGraph(vectors: Float32Array, n: number, dim: number, k: number, opts: ApproximateKnnOptions): Promise<KnnGraph> {
  return n <= EXACT_MAX_POINTS ? exactKnn(vectors, n, dim, k, opts) : approximateKnn(vectors, n, dim, k, opts);
}

/**
 * The approximate graph whatever n is: NN-descent in a worker thread (with helper threads from
 * JOIN_BLOCK points up) over one copy of the vectors in shared WebAssembly memory, for its SIMD dot
 * product. Ties by index; deterministic for a seed, whatever the number of threads.
 */
export async function approximateKnn(vectors: Float32Array, n: number, dim: number, k: number, opts: ApproximateKnnOptions): Promise<KnnGraph> {
  const kk = Math.min(k, n - 1);
  // NN-descent wants room to sample: tiny inputs get the exact graph (a few hundred dot products).
  if (n <= 2 * (kk + 1)) return exactKnn(vectors, n, dim, k, opts);
  if (opts.signal?.aborted) throw new TicketLensError('job_cancelled', 'kNN was cancelled.');
  const matrix = rowMatrix(vectors, n, dim);
  return runTask(nnDescentTask, { matrix, k: kk, seed: opts.seed, params: opts.params }, { signal: opts.signal, onProgress: (p) => opts.onProgress?.(p.round, p.maxRounds), transfer: buffers(matrix.v) });
}

/**
 * Exact k nearest neighbours (self excluded) of each of n unit vectors (row-major n × dim), by cosine
 * distance. Ties are broken by index, so the graph is deterministic.
 */
export async function exactKnn(vectors: Float32Array, n: number, dim: number, k: number, opts: KnnOptions = {}): Promise<KnnGraph> {
  const kk = Math.min(k, n - 1);
  const indices = new Int32Array(n * Math.max(kk, 0));
  const distances = new Float32Array(n * Math.max(kk, 0));
  if (kk <= 0) return { n, k: 0, indices, distances };
  const xt = transpose(vectors, n, dim);
  const session = await matmulTopKSession();
  const XT = new ort.Tensor('float32', xt, [dim, n]);
  // One extra: the point itself is (almost always) its own best match.
  const take = Math.min(kk + 1, n);
  const K = new ort.Tensor('int64', BigInt64Array.from([BigInt(take)]), [1]);
  const block = blockRows(n);
  for (let start = 0; start < n; start += block) {
    if (opts.signal?.aborted) throw new TicketLensError('job_cancelled', 'kNN was cancelled.');
    const rows = Math.min(block, n - start);
    const Q = new ort.Tensor('float32', vectors.subarray(start * dim, (start + rows) * dim), [rows, dim]);
    // The signal drops the block from the lane at once: a cancel never waits for the one in flight.
    const out = await session.run({ Q, XT, K }, { signal: opts.signal });
    const V = out.V.data as Float32Array;
    const I = out.I.data as BigInt64Array;
    for (let r = 0; r < rows; r++) {
      const self = start + r;
      let w = 0;
      for (let c = 0; c < take && w < kk; c++) {
        const j = Number(I[r * take + c]);
        if (j === self) continue;
        indices[self * kk + w] = j;
        distances[self * kk + w] = Math.max(0, 1 - V[r * take + c]);
        w++;
      }
      // The point was not among its own top matches (exact duplicates ahead of it): row already full.
    }
    opts.onProgress?.(start + rows, n);
  }
  return { n, k: kk, indices, distances };
}

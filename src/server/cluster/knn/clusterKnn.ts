/**
 * Recursive levels: a cluster's kNN graph from its parent level's instead of from scratch.
 */
import { TicketLensError } from '../../../shared/api';
import { rowMatrix } from '../../vectors/rowDot';
import { runTask } from '../../workers/pool';
import { buffers } from '../../workers/task';
import { EXACT_MAX_POINTS, knnGraph, type ApproximateKnnOptions } from '../knn';
import type { KnnGraph } from '../types';
import { nnDescentTask } from './nnDescentTask';
import { restrictGraph, type RestrictedGraph } from './restrictGraph';

/**
 * A restricted parent graph with at least this share of its slots filled starts the cluster's
 * NN-descent; below it, the cluster's graph starts over. Measured on the ~100k set's three largest
 * categories (docs/measurements/knn.md): whole ones keep 99.9–100% of the slots and, started from
 * there, reach the recall of starting over (0.993–0.995) in half the time; every second point of one
 * keeps 47%, and started from there reached 0.990–0.993 against 0.993–0.997 from scratch, in no less
 * time. 0.9 lies between, on the side of whole clusters.
 */
const MIN_RESTRICTED_FILL = 0.9;

/**
 * The kNN graph of one cluster of a level whose graph is `parent` (a recursive level's input):
 * `vectors` are the cluster's rows, `members` their indices in the parent. Where the parent's graph was
 * exact (≤ EXACT_MAX_POINTS points) the cluster's graph is computed as before, exactly. Where it was
 * approximate, it is reused: restricted to the cluster it keeps nearly every neighbour, so a complete
 * restriction is the graph as it is, and a nearly complete one starts a short NN-descent (no trees,
 * fewer rounds) that fills the gaps. A cluster that keeps too little starts over.
 */
export async function clusterKnn(parent: KnnGraph, members: Int32Array, vectors: Float32Array, dim: number, k: number, opts: ApproximateKnnOptions): Promise<KnnGraph> {
  const m = members.length;
  const kk = Math.min(k, m - 1);
  if (parent.n <= EXACT_MAX_POINTS || parent.k < kk || m <= 2 * (kk + 1)) return knnGraph(vectors, m, dim, k, opts);
  if (opts.signal?.aborted) throw new TicketLensError('job_cancelled', 'kNN was cancelled.');
  const start = restrictGraph(parent, members);
  let filled = 0;
  for (let i = 0; i < m; i++) for (let c = i * start.k; c < i * start.k + kk; c++) if (start.indices[c] >= 0) filled++;
  if (filled === m * kk) return firstK(start, m, kk);
  if (filled < MIN_RESTRICTED_FILL * m * kk) return knnGraph(vectors, m, dim, k, opts);
  const matrix = rowMatrix(vectors, m, dim);
  return runTask(nnDescentTask, { matrix, k: kk, seed: opts.seed, params: opts.params, init: start }, { signal: opts.signal, onProgress: (p) => opts.onProgress?.(p.round, p.maxRounds), transfer: buffers(matrix.v) });
}

/** The k nearest of each restricted row (every row has at least k), ties by the cluster's own index. */
function firstK(g: RestrictedGraph, m: number, k: number): KnnGraph {
  const indices = new Int32Array(m * k);
  const distances = new Float32Array(m * k);
  for (let i = 0; i < m; i++) {
    const base = i * g.k;
    const order = Array.from({ length: g.k }, (_, c) => c).filter((c) => g.indices[base + c] >= 0);
    order.sort((a, b) => g.distances[base + a] - g.distances[base + b] || g.indices[base + a] - g.indices[base + b]);
    for (let w = 0; w < k; w++) {
      indices[i * k + w] = g.indices[base + order[w]];
      distances[i * k + w] = g.distances[base + order[w]];
    }
  }
  return { n: m, k, indices, distances };
}

/**
 * Approximate cosine kNN by NN-descent (Dong, Charikar & Li 2011) started from random-projection
 * trees, as pynndescent (umap-learn's kNN) does: a neighbour of a neighbour is likely a neighbour, so
 * each round joins every point's sampled neighbours and reverse neighbours pairwise and keeps what is
 * nearer. The cost grows about as n log n (trees) plus n · rounds · candidates², where exact search
 * grows as n². Single-threaded and seeded: the same input, k and seed give the same graph, bit for bit.
 */
import { TicketLensError } from '../../../shared/api';
import { Prng } from '../../vectors/prng';
import type { RowSpace } from '../../vectors/rowDot';
import type { KnnGraph } from '../types';
import { buildCandidates } from './candidates';
import { NeighborHeap } from './neighborHeap';
import { rpTree } from './rpForest';

/** The knobs, for benchmarks and tests; the defaults are the measured choice (docs/measurements/knn.md: recall@15 0.988–0.993 from 12k to 1M points). */
export interface NnDescentParams {
  /** Random-projection trees for the start (default 4; pynndescent's 5 + n^0.25 cost more than the rounds they saved). */
  nTrees?: number;
  /** Points per leaf at most (default 24): each leaf joins all its pairs. */
  leafSize?: number;
  /** Neighbours and reverse neighbours joined per point per round (default 15, pynndescent's for k 15: 8 was 13% cheaper on MiniLM vectors but fell to recall 0.83 on 32-d Gaussian blobs). */
  maxCandidates?: number;
  /** Rounds at most (default: pynndescent's max(5, log2 n)). */
  maxRounds?: number;
  /** Stop once a round changes fewer than delta · n · k entries (default 0.001, pynndescent's). */
  delta?: number;
}

export interface NnDescentOptions extends NnDescentParams {
  seed: number;
  /**
   * A start in place of the trees (nTrees then defaults to 0): n × init.k neighbour ids, −1 where
   * none — a parent level's graph restricted to a cluster (restrictGraph).
   */
  init?: { k: number; indices: Int32Array };
  signal?: AbortSignal;
  /** Called after the trees (round 0) and after each round. */
  onProgress?: (round: number, maxRounds: number) => void;
}

function checkCancel(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new TicketLensError('job_cancelled', 'kNN was cancelled.');
}

/** Cosine distance of two unit rows, clamped at 0 as the exact search clamps it. */
function distance(rows: RowSpace, a: number, b: number): number {
  return Math.max(0, 1 - rows.dot(a, b));
}

/** Joins every pair of each leaf: the start of the descent. */
function joinLeaves(heap: NeighborHeap, rows: RowSpace, order: Int32Array, starts: Int32Array): void {
  for (let l = 0; l + 1 < starts.length; l++) {
    for (let p = starts[l]; p < starts[l + 1]; p++) {
      const a = order[p];
      for (let q = p + 1; q < starts[l + 1]; q++) {
        const b = order[q];
        const d = distance(rows, a, b);
        if (d < heap.worst(a)) heap.push(a, b, d, true);
        if (d < heap.worst(b)) heap.push(b, a, d, true);
      }
    }
  }
}

/** Offers each point its given neighbours. */
function joinStart(heap: NeighborHeap, rows: RowSpace, init: { k: number; indices: Int32Array }): void {
  for (let i = 0; i < rows.n; i++)
    for (let c = i * init.k; c < (i + 1) * init.k; c++) {
      const j = init.indices[c];
      if (j >= 0 && j !== i) heap.push(i, j, distance(rows, i, j), true);
    }
}

/** Fills the heaps that the leaves left short (a point in a tiny leaf) with random points, then in order if need be. */
function fillShort(heap: NeighborHeap, rows: RowSpace, rng: Prng): void {
  const { n } = rows;
  for (let i = 0; i < n; i++) {
    for (let tries = 0; heap.worst(i) === Infinity && tries < 4 * heap.k; tries++) {
      const j = rng.int(n);
      if (j !== i) heap.push(i, j, distance(rows, i, j), true);
    }
    for (let j = 0; heap.worst(i) === Infinity && j < n; j++) if (j !== i) heap.push(i, j, distance(rows, i, j), true);
  }
}

/** One round: each point's candidates joined pairwise (new with new, new with old). Returns the heap entries changed. */
function localJoin(heap: NeighborHeap, rows: RowSpace, fresh: Int32Array, old: Int32Array, max: number, signal?: AbortSignal): number {
  const { n } = rows;
  let updates = 0;
  for (let i = 0; i < n; i++) {
    if ((i & 4095) === 0) checkCancel(signal);
    const base = i * max;
    for (let x = base; x < base + max; x++) {
      const a = fresh[x];
      if (a < 0) continue;
      for (let y = x + 1; y < base + max; y++) {
        const b = fresh[y];
        if (b < 0) continue;
        const d = distance(rows, a, b);
        if (d < heap.worst(a)) updates += heap.push(a, b, d, true);
        if (d < heap.worst(b)) updates += heap.push(b, a, d, true);
      }
      for (let y = base; y < base + max; y++) {
        const b = old[y];
        if (b < 0 || b === a) continue;
        const d = distance(rows, a, b);
        if (d < heap.worst(a)) updates += heap.push(a, b, d, true);
        if (d < heap.worst(b)) updates += heap.push(b, a, d, true);
      }
    }
  }
  return updates;
}

/**
 * k nearest neighbours (self excluded, nearest first, ties by index) of each of the n unit vectors
 * of `rows` by cosine distance, approximately. Needs n > k.
 */
export function nnDescent(rows: RowSpace, k: number, opts: NnDescentOptions): KnnGraph {
  const { n } = rows;
  const rng = new Prng(opts.seed);
  const nTrees = opts.nTrees ?? (opts.init ? 0 : 4);
  const leafSize = opts.leafSize ?? Math.max(24, k + 1);
  const maxCandidates = opts.maxCandidates ?? 15;
  const maxRounds = opts.maxRounds ?? Math.max(5, Math.round(Math.log2(n)));
  const delta = opts.delta ?? 0.001;
  const heap = new NeighborHeap(n, k);
  if (opts.init) joinStart(heap, rows, opts.init);
  for (let t = 0; t < nTrees; t++) {
    checkCancel(opts.signal);
    const { order, starts } = rpTree(rows, leafSize, rng);
    joinLeaves(heap, rows, order, starts);
  }
  fillShort(heap, rows, rng);
  opts.onProgress?.(0, maxRounds);
  for (let round = 1; round <= maxRounds; round++) {
    checkCancel(opts.signal);
    const { fresh, old, max } = buildCandidates(heap, maxCandidates, rng);
    const updates = localJoin(heap, rows, fresh, old, max, opts.signal);
    opts.onProgress?.(round, maxRounds);
    if (updates <= delta * n * k) break;
  }
  checkCancel(opts.signal);
  return { n, k, ...heap.sorted() };
}

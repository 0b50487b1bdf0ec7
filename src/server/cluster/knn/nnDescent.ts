/**
 * Approximate cosine kNN by NN-descent (Dong, Charikar & Li 2011) started from random-projection
 * trees, as pynndescent (umap-learn's kNN) does: a neighbour of a neighbour is likely a neighbour, so
 * each round joins every point's sampled neighbours and reverse neighbours pairwise and keeps what is
 * nearer. The cost grows about as n log n (trees) plus n · rounds · candidates², where exact search
 * grows as n². Seeded: the same input, k and seed give the same graph, bit for bit, on any number of
 * threads: the trees, the candidates and the rounds' joins run on several (joinTeam.ts).
 */
import { TicketLensError } from '../../../shared/api';
import { Prng } from '../../vectors/prng';
import type { RowMatrix, RowSpace } from '../../vectors/rowDot';
import type { KnnGraph } from '../types';
import { candidateSpace } from './candidates';
import { JoinTeam } from './joinTeam';
import { JOIN_BLOCK } from './localJoin';
import { NeighborHeap } from './neighborHeap';

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
  /** Threads the rounds' joins run on, the calling one included (default: the machine's cores, at most 8); the graph is the same on any number. */
  threads?: number;
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
  /** The rows as a worker received them: with their shared memory, the join runs on several threads (joinTeam.ts). */
  matrix?: RowMatrix;
  /** The join helpers' bundled script (default dist/knn-join-worker.js beside this bundle; null: none). */
  helperScript?: string | null;
  /** Called after the trees (round 0) and after each round, with the threads the rounds' joins run on. */
  onProgress?: (round: number, maxRounds: number, threads: number) => void;
}

function checkCancel(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new TicketLensError('job_cancelled', 'kNN was cancelled.');
}

/** Cosine distance of two unit rows, clamped at 0 as the exact search clamps it. */
function distance(rows: RowSpace, a: number, b: number): number {
  return Math.max(0, 1 - rows.dot(a, b));
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
  const heap = new NeighborHeap(n, k, true);
  if (opts.init) joinStart(heap, rows, opts.init);
  const space = candidateSpace(n, maxCandidates, true);
  const team = new JoinTeam(rows, heap, space, opts.matrix ?? null, { threads: opts.threads, helperScript: opts.helperScript, leafSize });
  try {
    checkCancel(opts.signal);
    team.trees(nTrees, rng.nextU32() | 0);
    fillShort(heap, rows, rng);
    opts.onProgress?.(0, maxRounds, team.threads);
    for (let round = 1; round <= maxRounds; round++) {
      checkCancel(opts.signal);
      team.candidates(rng.nextU32() | 0);
      let updates = 0;
      for (let lo = 0; lo < n; lo += JOIN_BLOCK) {
        checkCancel(opts.signal);
        updates += team.joinBlock(lo);
      }
      opts.onProgress?.(round, maxRounds, team.threads);
      if (updates <= delta * n * k) break;
    }
  } finally {
    team.close();
  }
  checkCancel(opts.signal);
  return { n, k, ...heap.sorted() };
}

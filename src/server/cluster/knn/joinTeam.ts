/**
 * The threads of an NN-descent round: the calling thread and helpers (dist/knn-join-worker.js) that
 * share the rows (WebAssembly memory), the heaps and the round's candidates, and meet after each step
 * through Atomics on a few shared words. No messages: the calling thread is a worker running
 * NN-descent synchronously, so it never returns to its event loop until the graph is done.
 *
 * A step splits a range of points into one share per thread: the candidates' two passes
 * (candidates.ts), the random-projection trees (one tree per thread at a time, each with its own
 * generator and scratch row), and each block of the local join, whose pairs every thread measures into its own
 * buffer and the calling thread then applies, share by share (localJoin.ts). Without helpers (running
 * from sources, one core, a small input, or a matrix outside shared memory) the calling thread does
 * every share itself: the same work in the same order, so the graph is the same bit for bit.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { bundledScript } from '../../workers/bundledScript';
import type { RowMatrix, RowSpace } from '../../vectors/rowDot';
import { markSampled, offerCandidates, type CandidateSpace, type HeapView } from './candidates';
import { Prng } from '../../vectors/prng';
import { SPARE_ROWS } from '../../vectors/rowDot';
import { applyPairs, JOIN_BLOCK, leafPairs, measureLeaves, measurePairs, pairBuffer, pairsPerPoint, type JoinInput, type PairBuffer } from './localJoin';
import { rpTree } from './rpForest';
import type { NeighborHeap } from './neighborHeap';

/** Control words, one Int32Array per helper. */
const CTL = { go: 0, cmd: 1, lo: 2, hi: 3, seed: 4, done: 5, count: 6, ready: 7, length: 8 } as const;
/** `go` set to this ends a helper. */
const STOP = -1;
const CMD = { measure: 1, offer: 2, mark: 3, trees: 4 } as const;
const FAILED = -1;

/** What a helper receives (workerData): everything it reads or writes, all in shared memory. */
export interface JoinHelperData {
  /** 1, 2, …: the helper's number, which picks its scratch row (n + index). */
  index: number;
  leafSize: number;
  matrix: RowMatrix;
  heap: HeapView & { distances: Float32Array };
  space: CandidateSpace;
  out: PairBuffer;
  control: Int32Array;
}

export interface JoinTeamOptions {
  /** Threads in all, the calling one included (default: the machine's, at most 8; at most SPARE_ROWS). */
  threads?: number;
  /** The helper's bundled script (default dist/knn-join-worker.js beside this bundle; null: no helpers). */
  helperScript?: string | null;
  /** The trees' leaf size, which bounds a tree's pairs. */
  leafSize: number;
}

interface Helper {
  worker: Worker;
  control: Int32Array;
  out: PairBuffer;
}

const READY_WAIT_MS = 20_000;

const isShared = (a: ArrayBufferView) => a.buffer instanceof SharedArrayBuffer;

/** One thread's side of the team: what it reads and where it writes. */
interface Share {
  input: JoinInput;
  heap: JoinHelperData['heap'];
  space: CandidateSpace;
  out: PairBuffer;
  scratch: number;
  leafSize: number;
}

function share(rows: RowSpace, heap: JoinHelperData['heap'], space: CandidateSpace, out: PairBuffer, index: number, leafSize: number): Share {
  const input = { rows, k: heap.k, heapDistances: heap.distances, max: space.max, fresh: space.fresh, old: space.old };
  return { input, heap, space, out, scratch: rows.n + index, leafSize };
}

/** Tree t of a forest seeded `seed`: its own generator, so that any thread can build it. */
export const treeRng = (seed: number, t: number) => new Prng((seed + Math.imul(t, 0x9e3779b9)) | 0);

/** What one thread does for its share of a step: for `trees`, lo..hi−1 are tree numbers. */
function work(cmd: number, lo: number, hi: number, seed: number, s: Share): number {
  if (cmd === CMD.offer) offerCandidates(s.heap, s.space, seed, lo, hi);
  else if (cmd === CMD.mark) markSampled(s.heap, s.space, lo, hi);
  else if (cmd === CMD.measure) return measurePairs(s.input, lo, hi, s.out);
  else {
    if (hi - lo > 1) throw new Error('one tree per thread and step');
    if (lo >= hi) return 0;
    const { order, starts } = rpTree(s.input.rows, s.leafSize, treeRng(seed, lo), s.scratch);
    return measureLeaves(s.input, order, starts, s.out);
  }
  return 0;
}

/** Room for a thread's pairs: a tree's leaves, or its share of a join block. */
const bufferLength = (n: number, leafSize: number, max: number, threads: number) => Math.max(leafPairs(n, leafSize), Math.ceil(JOIN_BLOCK / threads) * pairsPerPoint(max));

export class JoinTeam {
  private readonly helpers: Helper[] = [];
  private readonly own: Share;
  private generation = 0;

  constructor(
    rows: RowSpace,
    private readonly heap: NeighborHeap,
    private readonly space: CandidateSpace,
    matrix: RowMatrix | null,
    opts: JoinTeamOptions,
  ) {
    const script = opts.helperScript === undefined ? bundledScript('knn-join-worker.js') : opts.helperScript;
    const wanted = Math.max(1, Math.min(opts.threads ?? Math.min(8, availableParallelism()), SPARE_ROWS));
    const sharable = matrix?.memory != null && [heap.distances, heap.indices, heap.isNew, space.fresh, space.old, space.freshPri, space.oldPri].every(isShared);
    // Below a block's worth of points a helper's start (~30 ms) costs more than it saves.
    const threads = script && sharable && rows.n >= JOIN_BLOCK ? wanted : 1;
    const { leafSize } = opts;
    for (let t = 1; t < threads; t++) {
      const control = new Int32Array(new SharedArrayBuffer(CTL.length * 4));
      const out = pairBuffer(bufferLength(rows.n, leafSize, space.max, threads), true);
      const data: JoinHelperData = { index: t, leafSize, matrix: matrix!, heap: { n: heap.n, k: heap.k, indices: heap.indices, isNew: heap.isNew, distances: heap.distances }, space, out, control };
      const worker = new Worker(script!, { workerData: data });
      worker.on('error', () => undefined); // reported through the control words (count −1) or the ready wait
      worker.unref();
      this.helpers.push({ worker, control, out });
    }
    // A helper that never starts (a broken bundle) leaves all the work to the calling thread: the
    // shares' buffers were sized for this many threads.
    for (const h of this.helpers) if (Atomics.load(h.control, CTL.ready) === 0) Atomics.wait(h.control, CTL.ready, 0, READY_WAIT_MS);
    if (this.helpers.some((h) => Atomics.load(h.control, CTL.ready) !== 1)) this.close();
    this.own = share(rows, heap, space, pairBuffer(bufferLength(rows.n, leafSize, space.max, this.threads), false), 0, leafSize);
  }

  get threads(): number {
    return this.helpers.length + 1;
  }

  /** Runs one step over points lo..hi−1, a share per thread; returns the calling thread's result and each helper's count. */
  private step(cmd: number, lo: number, hi: number, seed = 0): [number, number[]] {
    const step = Math.ceil((hi - lo) / this.threads);
    const gen = ++this.generation;
    this.helpers.forEach((h, t) => {
      const c = h.control;
      c[CTL.cmd] = cmd;
      c[CTL.lo] = Math.min(hi, lo + (t + 1) * step);
      c[CTL.hi] = Math.min(hi, lo + (t + 2) * step);
      c[CTL.seed] = seed;
      Atomics.store(c, CTL.go, gen);
      Atomics.notify(c, CTL.go);
    });
    const own = work(cmd, lo, Math.min(hi, lo + step), seed, this.own);
    const counts = this.helpers.map((h) => {
      const c = h.control;
      for (let v = Atomics.load(c, CTL.done); v !== gen; v = Atomics.load(c, CTL.done)) Atomics.wait(c, CTL.done, v);
      if (c[CTL.count] === FAILED) throw new Error('A kNN thread failed; see the server log.');
      return c[CTL.count];
    });
    return [own, counts];
  }

  /**
   * Random-projection trees 0..count−1 of the forest seeded `seed`, one per thread at a time, each
   * tree's leaf pairs offered to the heaps in tree order: the heaps end as if the trees were joined
   * one after another (a pair a tree's measuring filtered out would have been refused anyway).
   */
  trees(count: number, seed: number): void {
    for (let t = 0; t < count; t += this.threads) this.apply(this.step(CMD.trees, t, Math.min(count, t + this.threads), seed));
  }

  /** The round's candidates, into the space this team was made with. */
  candidates(seed: number): void {
    this.step(CMD.offer, 0, this.heap.n, seed);
    this.step(CMD.mark, 0, this.heap.n);
  }

  /** Measures and applies the pairs of points lo..hi−1 (one block at most): returns the heap entries changed. */
  joinBlock(lo: number, hi: number): number {
    return this.apply(this.step(CMD.measure, lo, hi));
  }

  /** Offers every thread's measured pairs to the heaps, the calling thread's first, then each helper's. */
  private apply([own, counts]: [number, number[]]): number {
    let updates = applyPairs(this.heap, this.own.out, own);
    this.helpers.forEach((h, t) => (updates += applyPairs(this.heap, h.out, counts[t])));
    return updates;
  }

  close(): void {
    for (const h of this.helpers) {
      Atomics.store(h.control, CTL.go, STOP);
      Atomics.notify(h.control, CTL.go);
      void h.worker.terminate();
    }
    this.helpers.length = 0;
  }
}

/** The helper's side (joinWorker.ts): do whatever share it is given until told to stop. */
export function serveJoin(data: JoinHelperData, rows: RowSpace): void {
  const own = share(rows, data.heap, data.space, data.out, data.index, data.leafSize);
  const c = data.control;
  Atomics.store(c, CTL.ready, 1);
  Atomics.notify(c, CTL.ready);
  let seen = 0;
  for (;;) {
    Atomics.wait(c, CTL.go, seen);
    const g = Atomics.load(c, CTL.go);
    if (g === STOP) return;
    if (g === seen) continue;
    seen = g;
    try {
      c[CTL.count] = work(c[CTL.cmd], c[CTL.lo], c[CTL.hi], c[CTL.seed], own);
    } catch {
      c[CTL.count] = FAILED;
    }
    Atomics.store(c, CTL.done, g);
    Atomics.notify(c, CTL.done);
  }
}

/**
 * NN-descent's threads (a ThreadTeam, workers/team.ts): the calling thread and helpers that share the
 * rows (WebAssembly memory), the heaps and the round's candidates.
 *
 * A step splits a range of points into one share per thread: the candidates' two passes
 * (candidates.ts) and the random-projection trees (one tree per thread at a time, each with its own
 * generator and scratch row, applied in tree order). The local join goes by blocks whose chunks the
 * threads claim and measure while the calling thread applies them in chunk order (joinBlock,
 * localJoin.ts). Without helpers (running from sources, one core, a small input, or a matrix outside
 * shared memory) the calling thread does it all itself, and the graph is the same bit for bit.
 */
import { availableParallelism } from 'node:os';
import { ThreadTeam, type TeamWork } from '../../workers/team';
import { Prng } from '../../vectors/prng';
import { rowSpace, SPARE_ROWS, type RowMatrix, type RowSpace } from '../../vectors/rowDot';
import { markSampled, offerCandidates, type CandidateSpace, type HeapView } from './candidates';
import { applyPairs, JOIN_BLOCK, leafPairs, measureLeaves, measurePairs, pairBuffer, pairsPerPoint, type JoinInput, type PairBuffer } from './localJoin';
import { rpTree } from './rpForest';
import type { NeighborHeap } from './neighborHeap';

const CMD = { measure: 1, offer: 2, mark: 3, trees: 4 } as const;

/** Points per chunk of a join block: what a thread claims at a time. */
const CHUNK = 512;
const CHUNKS = Math.ceil(JOIN_BLOCK / CHUNK);

/**
 * A join block's chunks, shared by every thread: `words` holds the next chunk to claim (0), then per
 * chunk whether it is measured (1 + c) and how many pairs it kept (1 + CHUNKS + c); chunk c's pairs
 * are entries c · cap … of `pairs`.
 */
interface ChunkSpace {
  words: Int32Array;
  pairs: PairBuffer;
  cap: number;
}

/** Room for one block's chunks; a graph smaller than a block gets room for its own points only. */
function chunkSpace(n: number, max: number): ChunkSpace {
  const cap = CHUNK * pairsPerPoint(max);
  return { words: new Int32Array(new SharedArrayBuffer((1 + 2 * CHUNKS) * 4)), pairs: pairBuffer(Math.min(CHUNKS, Math.ceil(n / CHUNK)) * cap, true), cap };
}

const region = (c: ChunkSpace, i: number): PairBuffer => ({ a: c.pairs.a.subarray(i * c.cap), b: c.pairs.b.subarray(i * c.cap), d: c.pairs.d.subarray(i * c.cap) });

/** Claims and measures chunks of the block starting at point blockLo until none is left. */
function measureChunks(s: Share, blockLo: number, regions: PairBuffer[]): void {
  const { words } = s.chunks;
  const hi = Math.min(s.heap.n, blockLo + JOIN_BLOCK);
  const count = Math.ceil((hi - blockLo) / CHUNK);
  for (let c = Atomics.add(words, 0, 1); c < count; c = Atomics.add(words, 0, 1)) measureChunk(s, blockLo, hi, c, regions[c]);
}

function measureChunk(s: Share, blockLo: number, hi: number, c: number, out: PairBuffer): void {
  const { words } = s.chunks;
  const lo = blockLo + c * CHUNK;
  words[1 + CHUNKS + c] = measurePairs(s.input, lo, Math.min(hi, lo + CHUNK), out);
  Atomics.store(words, 1 + c, 1);
  Atomics.notify(words, 1 + c);
}

/** What a helper receives (its team data): everything it reads or writes, all in shared memory. */
export interface JoinHelperData {
  leafSize: number;
  matrix: RowMatrix;
  heap: HeapView & { distances: Float32Array };
  space: CandidateSpace;
  out: PairBuffer;
  chunks: ChunkSpace;
}

export interface JoinTeamOptions {
  /** Threads in all, the calling one included (default: the machine's, at most 8; at most SPARE_ROWS). */
  threads?: number;
  /** The helpers' bundled script (default dist/team-worker.js beside this bundle; null: no helpers). */
  helperScript?: string | null;
  /** The trees' leaf size, which bounds a tree's pairs. */
  leafSize: number;
}

const isShared = (a: ArrayBufferView) => a.buffer instanceof SharedArrayBuffer;

/** One thread's side of the team: what it reads and where it writes. */
interface Share {
  chunks: ChunkSpace;
  regions: PairBuffer[];
  input: JoinInput;
  heap: JoinHelperData['heap'];
  space: CandidateSpace;
  out: PairBuffer;
  scratch: number;
  leafSize: number;
}

function share(rows: RowSpace, heap: JoinHelperData['heap'], space: CandidateSpace, out: PairBuffer, chunks: ChunkSpace, index: number, leafSize: number): Share {
  const input = { rows, k: heap.k, heapDistances: heap.distances, max: space.max, fresh: space.fresh, old: space.old };
  const regions = Array.from({ length: CHUNKS }, (_, c) => region(chunks, c));
  return { input, heap, space, out, chunks, regions, scratch: rows.n + index, leafSize };
}

/** Tree t of a forest seeded `seed`: its own generator, so that any thread can build it. */
export const treeRng = (seed: number, t: number) => new Prng((seed + Math.imul(t, 0x9e3779b9)) | 0);

/** What a helper does for its share of a step: for `trees`, lo..hi−1 are tree numbers; for `measure`, `arg` is the block's first point and chunks are claimed, not shared out. */
function work(cmd: number, lo: number, hi: number, arg: number, s: Share): number {
  if (cmd === CMD.offer) offerCandidates(s.heap, s.space, arg, lo, hi);
  else if (cmd === CMD.mark) markSampled(s.heap, s.space, lo, hi);
  else if (cmd === CMD.measure) measureChunks(s, arg, s.regions);
  else {
    if (hi - lo > 1) throw new Error('one tree per thread and step');
    if (lo >= hi) return 0;
    const { order, starts } = rpTree(s.input.rows, s.leafSize, treeRng(arg, lo), s.scratch);
    return measureLeaves(s.input, order, starts, s.out);
  }
  return 0;
}

export class JoinTeam {
  private readonly team: ThreadTeam;
  private readonly own: Share;
  private readonly helperOut: PairBuffer[] = [];

  constructor(
    rows: RowSpace,
    private readonly heap: NeighborHeap,
    space: CandidateSpace,
    matrix: RowMatrix | null,
    opts: JoinTeamOptions,
  ) {
    const wanted = Math.max(1, Math.min(opts.threads ?? Math.min(8, availableParallelism()), SPARE_ROWS));
    const sharable = matrix?.memory != null && [heap.distances, heap.indices, heap.isNew, space.fresh, space.old, space.freshPri, space.oldPri].every(isShared);
    // Below a block's worth of points a helper's start (~30 ms) costs more than it saves.
    const threads = sharable && rows.n >= JOIN_BLOCK ? wanted : 1;
    const { leafSize } = opts;
    const heapView = { n: heap.n, k: heap.k, indices: heap.indices, isNew: heap.isNew, distances: heap.distances };
    const chunks = chunkSpace(rows.n, space.max);
    this.team = new ThreadTeam('knn', { threads, helperScript: opts.helperScript }, (): JoinHelperData => {
      const out = pairBuffer(leafPairs(rows.n, leafSize), true);
      this.helperOut.push(out);
      return { leafSize, matrix: matrix!, heap: heapView, space, out, chunks };
    });
    this.own = share(rows, heapView, space, pairBuffer(leafPairs(rows.n, leafSize), false), chunks, 0, leafSize);
  }

  get threads(): number {
    return this.team.size;
  }

  private step(cmd: number, lo: number, hi: number, arg = 0): [number, number[]] {
    return this.team.step(cmd, lo, hi, arg, (c, l, h, a) => work(c, l, h, a, this.own));
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

  /**
   * Measures and applies the pairs of the block of points from lo (JOIN_BLOCK points at most): returns
   * the heap entries changed. Every thread claims chunks of the block and measures them; the calling
   * thread applies them in chunk order as they come in, and measures one itself while the next to
   * apply is not ready. So measuring overlaps applying, and while one thread applies, others read
   * heaps that are changing. That cannot change the graph: a heap's farthest distance only falls, even
   * midway through a push, so a pair left out against it would have been refused when applied, and
   * every pair kept is offered in chunk order — the graph one thread gives, whatever the timing.
   */
  joinBlock(lo: number): number {
    const { words } = this.own.chunks;
    words.fill(0);
    const hi = Math.min(this.heap.n, lo + JOIN_BLOCK);
    const count = Math.ceil((hi - lo) / CHUNK);
    const [updates] = this.team.step(CMD.measure, 0, this.team.size, lo, () => {
      let changed = 0;
      for (let c = 0; c < count; c++) {
        while (Atomics.load(words, 1 + c) === 0) {
          const m = Atomics.add(words, 0, 1);
          if (m < count) measureChunk(this.own, lo, hi, m, this.own.regions[m]);
          else Atomics.wait(words, 1 + c, 0);
        }
        changed += applyPairs(this.heap, this.own.regions[c], words[1 + CHUNKS + c]);
      }
      return changed;
    });
    return updates;
  }

  /** Offers every thread's measured pairs to the heaps, the calling thread's first, then each helper's. */
  private apply([own, counts]: [number, number[]]): number {
    let updates = applyPairs(this.heap, this.own.out, own);
    counts.forEach((count, t) => (updates += applyPairs(this.heap, this.helperOut[t], count)));
    return updates;
  }

  close(): void {
    this.team.close();
  }
}

/** The helper's side (teamWorker.ts): its share of each step. */
export function joinWork(index: number, data: JoinHelperData): TeamWork {
  const own = share(rowSpace(data.matrix), data.heap, data.space, data.out, data.chunks, index, data.leafSize);
  return (cmd, lo, hi, arg) => work(cmd, lo, hi, arg, own);
}

/**
 * One NN-descent round's local join, cut into blocks of points whose pairs can be measured on several
 * threads at once and then applied in one fixed order, so the graph is the same bit for bit whatever
 * the number of threads.
 *
 * Why: the join is nothing but dot products between rows (about 330 per point per round at 15
 * candidates), and at a million points it ran ~100 s on one core while the other idled. Threads
 * measure pairs against each heap's farthest distance as they find it and keep only the pairs that
 * could enter either heap (measurePairs); the calling thread offers them to the heaps in point order
 * (applyPairs), while others may still be measuring (joinTeam.ts). A heap's farthest distance only
 * falls, so a pair left out would have been refused by push() anyway: the heaps end as if every pair
 * were offered in point order, whatever the timing, block size or number of threads. pynndescent's
 * threaded join works the same way (candidates measured in parallel, heaps updated after).
 */
import type { RowSpace } from '../../vectors/rowDot';
import type { NeighborHeap } from './neighborHeap';

/** Points per block: big enough that threads rarely wait on one another, small enough that the heaps' bounds stay fresh. */
export const JOIN_BLOCK = 16_384;

/** Pairs one point can give at most: new × new once each, and new × old. */
export const pairsPerPoint = (max: number) => (max * (max - 1)) / 2 + max * max;

/** The measured pairs of a share of a block: ids a and b and their float32 distance. */
export interface PairBuffer {
  a: Int32Array;
  b: Int32Array;
  d: Float32Array;
}

/** Room for `len` pairs. */
export function pairBuffer(len: number, shared: boolean): PairBuffer {
  const make = (bytes: number) => (shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  return { a: new Int32Array(make(len * 4)), b: new Int32Array(make(len * 4)), d: new Float32Array(make(len * 4)) };
}

/** What a join reads: the rows, each heap's distances (its farthest at i · k), and the round's candidates. */
export interface JoinInput {
  rows: RowSpace;
  k: number;
  heapDistances: Float32Array;
  max: number;
  fresh: Int32Array;
  old: Int32Array;
}

/** Measures a–b and writes it to out[count] if it is nearer than either end's farthest neighbour; returns the new count. */
function keepPair(input: Pick<JoinInput, 'rows' | 'k' | 'heapDistances'>, a: number, b: number, out: PairBuffer, count: number): number {
  const { k, heapDistances: worst } = input;
  const d = Math.fround(Math.max(0, 1 - input.rows.dot(a, b)));
  if (!(d < worst[a * k] || d < worst[b * k])) return count;
  out.a[count] = a;
  out.b[count] = b;
  out.d[count] = d;
  return count + 1;
}

/**
 * Measures the candidate pairs of points lo..hi−1 and writes those nearer than either end's farthest
 * neighbour to `out`, in point order. Returns how many. Writes nothing else.
 */
export function measurePairs(input: JoinInput, lo: number, hi: number, out: PairBuffer): number {
  const { max, fresh, old } = input;
  let count = 0;
  for (let i = lo; i < hi; i++) {
    const base = i * max;
    for (let x = base; x < base + max; x++) {
      const a = fresh[x];
      if (a < 0) continue;
      for (let y = x + 1; y < base + max; y++) {
        const b = fresh[y];
        if (b < 0) continue;
        count = keepPair(input, a, b, out, count);
      }
      for (let y = base; y < base + max; y++) {
        const b = old[y];
        if (b < 0 || b === a) continue;
        count = keepPair(input, a, b, out, count);
      }
    }
  }
  return count;
}

/**
 * Measures every pair of each leaf of a random-projection tree and writes those nearer than either
 * end's farthest neighbour to `out`, leaf by leaf. Returns how many. (At most n · (leafSize − 1) / 2.)
 */
export function measureLeaves(input: Pick<JoinInput, 'rows' | 'k' | 'heapDistances'>, order: Int32Array, starts: Int32Array, out: PairBuffer): number {
  let count = 0;
  for (let l = 0; l + 1 < starts.length; l++) {
    for (let p = starts[l]; p < starts[l + 1]; p++) {
      const a = order[p];
      for (let q = p + 1; q < starts[l + 1]; q++) {
        const b = order[q];
        count = keepPair(input, a, b, out, count);
      }
    }
  }
  return count;
}

/** Pairs one tree's leaves can give at most. */
export const leafPairs = (n: number, leafSize: number) => Math.ceil((n * (leafSize - 1)) / 2);

/** Offers `count` measured pairs to both ends' heaps, in order. Returns the heap entries changed. */
export function applyPairs(heap: NeighborHeap, pairs: PairBuffer, count: number): number {
  let updates = 0;
  const { a, b, d } = pairs;
  for (let c = 0; c < count; c++) {
    if (d[c] < heap.worst(a[c])) updates += heap.push(a[c], b[c], d[c], true);
    if (d[c] < heap.worst(b[c])) updates += heap.push(b[c], a[c], d[c], true);
  }
  return updates;
}

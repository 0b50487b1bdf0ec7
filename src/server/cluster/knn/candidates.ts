/**
 * The candidates of one NN-descent round: for each point, at most `max` of its neighbours and reverse
 * neighbours, kept by a random priority (a bounded max-heap per point) as pynndescent samples them,
 * so a hub with thousands of reverse neighbours joins a bounded number of pairs.
 *
 * Built in two passes that split by point, so that several threads can share them (joinTeam.ts): the
 * offers, where a thread keeps only those whose receiving point is in its range; then, per point, the
 * marking of its sampled new entries as old. A heap entry's priority is a hash of the round's seed and
 * the entry's place rather than the next draw of one generator, so it is the same whichever thread
 * computes it, and each point receives its offers in the same order on any number of threads.
 */

/** The heaps as the passes read them (NeighborHeap's arrays; shared where threads join in). */
export interface HeapView {
  n: number;
  k: number;
  indices: Int32Array;
  isNew: Uint8Array;
}

export interface Candidates {
  max: number;
  /** n × max point ids, −1 where empty. */
  fresh: Int32Array;
  old: Int32Array;
}

/** Room for the candidates of every round: n × max ids and priorities, reused (at a million points, 360 MB a round otherwise). */
export interface CandidateSpace extends Candidates {
  freshPri: Float64Array;
  oldPri: Float64Array;
}

/** `shared`: in shared memory, where other threads fill and read their parts. */
export function candidateSpace(n: number, max: number, shared = false): CandidateSpace {
  const make = (bytes: number) => (shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  return { max, fresh: new Int32Array(make(n * max * 4)), old: new Int32Array(make(n * max * 4)), freshPri: new Float64Array(make(n * max * 8)), oldPri: new Float64Array(make(n * max * 8)) };
}

/** Priority in [0, 1) of heap entry e in the round seeded `seed`: murmur3's finaliser, a bijection of 32-bit words, so no two entries of a round tie. */
export function priority(seed: number, e: number): number {
  let h = Math.imul((e ^ seed) >>> 0, 0x9e3779b1);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

function offer(ids: Int32Array, pri: Float64Array, base: number, max: number, j: number, p: number): void {
  if (!(p < pri[base])) return;
  for (let c = base; c < base + max; c++) if (ids[c] === j) return;
  let pos = 0;
  for (;;) {
    const l = 2 * pos + 1;
    if (l >= max) break;
    const r = l + 1;
    const child = r < max && pri[base + r] > pri[base + l] ? r : l;
    if (pri[base + child] <= p) break;
    pri[base + pos] = pri[base + child];
    ids[base + pos] = ids[base + child];
    pos = child;
  }
  pri[base + pos] = p;
  ids[base + pos] = j;
}

/** First pass: empties points lo..hi−1's candidates, then gives them every offer they receive (from their own entries and, reversed, from others'). */
export function offerCandidates(heap: HeapView, space: CandidateSpace, seed: number, lo: number, hi: number): void {
  const { n, k, indices, isNew } = heap;
  const { max, fresh, old, freshPri, oldPri } = space;
  fresh.fill(-1, lo * max, hi * max);
  old.fill(-1, lo * max, hi * max);
  freshPri.fill(Infinity, lo * max, hi * max);
  oldPri.fill(Infinity, lo * max, hi * max);
  for (let i = 0; i < n; i++) {
    const own = i >= lo && i < hi;
    for (let c = i * k; c < (i + 1) * k; c++) {
      const j = indices[c];
      if (j < 0 || (!own && (j < lo || j >= hi))) continue;
      const p = priority(seed, c);
      const ids = isNew[c] ? fresh : old;
      const pri = isNew[c] ? freshPri : oldPri;
      if (own) offer(ids, pri, i * max, max, j, p);
      if (j >= lo && j < hi) offer(ids, pri, j * max, max, i, p);
    }
  }
}

/** Second pass, after every first pass: points lo..hi−1's new entries that were sampled are new no more. */
export function markSampled(heap: HeapView, space: Candidates, lo: number, hi: number): void {
  const { k, indices, isNew } = heap;
  const { max, fresh } = space;
  for (let i = lo; i < hi; i++) {
    for (let c = i * k; c < (i + 1) * k; c++) {
      if (!isNew[c]) continue;
      const j = indices[c];
      for (let s = i * max; s < (i + 1) * max; s++)
        if (fresh[s] === j) {
          isNew[c] = 0;
          break;
        }
    }
  }
}

/**
 * The candidates of one NN-descent round: for each point, at most `max` of its neighbours and reverse
 * neighbours, kept by a random priority (a bounded max-heap per point) as pynndescent samples them,
 * so a hub with thousands of reverse neighbours joins a bounded number of pairs.
 */
import type { Prng } from '../../vectors/prng';
import type { NeighborHeap } from './neighborHeap';

export interface Candidates {
  max: number;
  /** n × max point ids, −1 where empty. */
  fresh: Int32Array;
  old: Int32Array;
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

/** Samples this round's candidates from `heap` and marks the sampled new entries as no longer new. */
export function buildCandidates(heap: NeighborHeap, max: number, rng: Prng): Candidates {
  const { n, k, indices, isNew } = heap;
  const fresh = new Int32Array(n * max).fill(-1);
  const old = new Int32Array(n * max).fill(-1);
  const freshPri = new Float64Array(n * max).fill(Infinity);
  const oldPri = new Float64Array(n * max).fill(Infinity);
  for (let i = 0; i < n; i++) {
    for (let c = i * k; c < (i + 1) * k; c++) {
      const j = indices[c];
      if (j < 0) continue;
      const p = rng.next();
      if (isNew[c]) {
        offer(fresh, freshPri, i * max, max, j, p);
        offer(fresh, freshPri, j * max, max, i, p);
      } else {
        offer(old, oldPri, i * max, max, j, p);
        offer(old, oldPri, j * max, max, i, p);
      }
    }
  }
  for (let i = 0; i < n; i++) {
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
  return { max, fresh, old };
}

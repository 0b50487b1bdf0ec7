// Exact top-k through the matmul + TopK graph against a plain loop, on a base large enough that the
// query blocks are cut to bound the scores block (blockRows): several blocks, each checked.
import { describe, expect, it } from 'vitest';
import { searchBase, topK, topKStreamed } from '../../../src/server/assign/search';
import { BLOCK, blockRows } from '../../../src/server/vectors/matmulTopK';
import { Prng } from '../../../src/server/vectors/prng';

function unitRows(rng: Prng, rows: number, dim: number): Float32Array {
  const v = Float32Array.from({ length: rows * dim }, () => rng.next() * 2 - 1);
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let d = 0; d < dim; d++) s += v[i * dim + d] ** 2;
    for (let d = 0; d < dim; d++) v[i * dim + d] /= Math.sqrt(s);
  }
  return v;
}

describe('exact top-k against a large base', () => {
  it('cuts query blocks so rows × n stays within the scores budget, and keeps 1,024 rows for small bases', () => {
    expect(blockRows(30_000)).toBe(BLOCK);
    expect(blockRows(1_000_000)).toBe(67);
    expect(blockRows(1_000_000) * 1_000_000).toBeLessThanOrEqual(2 ** 26);
    expect(blockRows(1e12)).toBe(1);
  });

  it('finds what a plain loop finds, in every block', async () => {
    const rng = new Prng(3);
    const n = 100_000;
    const dim = 8;
    const nq = 1_500; // 3 blocks of blockRows(100k) = 671
    expect(blockRows(n)).toBeLessThan(nq / 2);
    const base = unitRows(rng, n, dim);
    const queries = unitRows(rng, nq, dim);
    const k = 5;
    const r = await topK(queries, nq, searchBase(base, n, dim), k);
    for (let q = 0; q < nq; q += 37) {
      const sims = Array.from({ length: n }, (_, i) => {
        let s = 0;
        for (let d = 0; d < dim; d++) s += queries[q * dim + d] * base[i * dim + d];
        return s;
      });
      const best = sims.map((s, i) => [s, i]).sort((a, b) => b[0] - a[0]).slice(0, k);
      for (let j = 0; j < k; j++) {
        expect(r.similarities[q * k + j]).toBeCloseTo(best[j][0], 5);
        expect(sims[r.indices[q * k + j]]).toBeCloseTo(best[j][0], 5);
      }
    }
  });
});

describe('top-k streamed a chunk of the base at a time', () => {
  it('finds exactly what the whole prepared base finds, chunks not dividing the base', async () => {
    const rng = new Prng(11);
    const n = 10_000;
    const dim = 32;
    const nq = 700;
    const base = unitRows(rng, n, dim);
    const queries = unitRows(rng, nq, dim);
    const whole = await topK(queries, nq, searchBase(base, n, dim), 15);
    const streamed = await topKStreamed(queries, nq, base, n, dim, 15, undefined, 3_000);
    expect(streamed.k).toBe(15);
    expect(Array.from(streamed.indices)).toEqual(Array.from(whole.indices));
    expect(Array.from(streamed.similarities)).toEqual(Array.from(whole.similarities));
  });

  it('fills k from chunks smaller than k, and keeps the lower index of equal vectors first', async () => {
    const rng = new Prng(5);
    const n = 50;
    const dim = 8;
    const base = unitRows(rng, n, dim);
    base.copyWithin(40 * dim, 3 * dim, 4 * dim); // row 40 is row 3 again
    const queries = base.slice(3 * dim, 4 * dim);
    const streamed = await topKStreamed(queries, 1, base, n, dim, 15, undefined, 7);
    expect(Array.from(streamed.indices.slice(0, 2))).toEqual([3, 40]);
    expect(streamed.similarities[0]).toBe(streamed.similarities[1]);
    const whole = await topK(queries, 1, searchBase(base, n, dim), 15);
    expect(Array.from(streamed.indices)).toEqual(Array.from(whole.indices));
    expect(new Set(streamed.indices).size).toBe(15);
  });

  it('stops at a cancel', async () => {
    const rng = new Prng(2);
    const base = unitRows(rng, 1_000, 8);
    const ac = new AbortController();
    ac.abort();
    await expect(topKStreamed(base.slice(0, 80), 10, base, 1_000, 8, 5, ac.signal, 100)).rejects.toThrow(/cancelled/);
  });
});

// The zero-shot scorer's dot products against a plain loop, for dimensions that are and are not a
// multiple of the unroll width (a model's dimension need not be a multiple of 4).
import { describe, expect, it } from 'vitest';
import { Prng } from '../../../src/server/vectors/prng';
import { similarities, topK } from '../../../src/server/vectors/similarity';

function randomRows(rng: Prng, rows: number, dim: number): Float32Array {
  return Float32Array.from({ length: rows * dim }, () => rng.next() * 2 - 1);
}

function plainDot(a: Float32Array, ao: number, b: Float32Array, bo: number, dim: number): number {
  let s = 0;
  for (let d = 0; d < dim; d++) s += a[ao + d] * b[bo + d];
  return s;
}

describe('similarities', () => {
  for (const dim of [4, 5, 7, 8, 384, 385]) {
    it(`equals the plain dot product at dimension ${dim}`, () => {
      const rng = new Prng(dim);
      const q = randomRows(rng, 3, dim);
      const base = randomRows(rng, 6, dim);
      for (let row = 0; row < 3; row++) {
        const got = similarities(q, row, base, dim, new Float32Array(6));
        const want = Array.from({ length: 6 }, (_, r) => plainDot(q, row * dim, base, r * dim, dim));
        for (let r = 0; r < 6; r++) expect(got[r]).toBeCloseTo(want[r], 5);
      }
    });
  }

  it('reads no component of the next row at dimension 5', () => {
    // Base row 0 is all zeros and row 1 is large: a dot product that runs past dimension 5 picks up row 1.
    const dim = 5;
    const q = new Float32Array(2 * dim).fill(1);
    const base = Float32Array.from([0, 0, 0, 0, 0, 100, 100, 100, 100, 100]);
    expect(Array.from(similarities(q, 0, base, dim, new Float32Array(2)))).toEqual([0, 500]);
  });
});

describe('topK', () => {
  it('returns the indices of the k largest values, largest first', () => {
    expect(topK([0.1, 0.9, 0.5, 0.7, 0.2], 3)).toEqual([1, 3, 2]);
    expect(topK([0.3, 0.1], 5)).toEqual([0, 1]);
  });
});

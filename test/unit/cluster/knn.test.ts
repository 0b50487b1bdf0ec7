import { describe, expect, it } from 'vitest';
import { exactKnn } from '../../../src/server/cluster/knn';
import { Prng } from '../../../src/server/vectors/prng';

/** n seeded unit vectors in `dim` dims around `centres` random centres (Gaussian spread `spread`). */
function blobs(n: number, dim: number, centres: number, spread: number, seed: number): { v: Float32Array; label: Int32Array } {
  const rng = new Prng(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  const C = Array.from({ length: centres }, () => Array.from({ length: dim }, gauss));
  const v = new Float32Array(n * dim);
  const label = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % centres;
    label[i] = c;
    let norm = 0;
    for (let d = 0; d < dim; d++) {
      v[i * dim + d] = C[c][d] + spread * gauss();
      norm += v[i * dim + d] ** 2;
    }
    for (let d = 0; d < dim; d++) v[i * dim + d] /= Math.sqrt(norm);
  }
  return { v, label };
}

function bruteForce(v: Float32Array, n: number, dim: number, i: number): Float64Array {
  const sims = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let d = 0; d < dim; d++) s += v[i * dim + d] * v[j * dim + d];
    sims[j] = j === i ? -Infinity : s;
  }
  return sims;
}

describe('exact kNN', () => {
  it('has recall 1.0 against brute force for every point, nearest first, self excluded', async () => {
    const n = 1500;
    const dim = 48;
    const { v } = blobs(n, dim, 12, 0.6, 1);
    const g = await exactKnn(v, n, dim, 15);
    expect(g).toMatchObject({ n, k: 15 });
    let hits = 0;
    for (let i = 0; i < n; i++) {
      const sims = bruteForce(v, n, dim, i);
      const kth = Float64Array.from(sims).sort().reverse()[14];
      const row = Array.from(g.indices.subarray(i * 15, i * 15 + 15));
      expect(row).not.toContain(i);
      for (let c = 0; c < 15; c++) {
        if (sims[row[c]] >= kth - 1e-6) hits++;
        expect(g.distances[i * 15 + c]).toBeCloseTo(1 - sims[row[c]], 5);
        if (c > 0) expect(g.distances[i * 15 + c]).toBeGreaterThanOrEqual(g.distances[i * 15 + c - 1]);
      }
    }
    expect(hits / (n * 15)).toBe(1);
  });

  it('copes with exact and near duplicates: self excluded, every neighbour distinct, duplicates at distance 0', async () => {
    const dim = 16;
    const { v: base } = blobs(40, dim, 4, 0.5, 2);
    // point i and i + 40 are identical, i + 80 differs in the 7th decimal
    const n = 120;
    const v = new Float32Array(n * dim);
    v.set(base, 0);
    v.set(base, 40 * dim);
    for (let i = 0; i < 40 * dim; i++) v[80 * dim + i] = base[i] + (i % 3 === 0 ? 1e-7 : 0);
    const g = await exactKnn(v, n, dim, 10);
    for (let i = 0; i < n; i++) {
      const row = Array.from(g.indices.subarray(i * 10, i * 10 + 10));
      expect(row).not.toContain(i);
      expect(new Set(row).size).toBe(10);
      for (const j of row) expect(j).toBeGreaterThanOrEqual(0);
      // its two copies are its nearest neighbours
      const twins = [0, 40, 80].map((o) => (i % 40) + o).filter((j) => j !== i);
      expect(row.slice(0, 2).sort((a, b) => a - b)).toEqual(twins);
      expect(g.distances[i * 10]).toBeLessThan(1e-5);
    }
  });

  it('is deterministic', async () => {
    const { v } = blobs(500, 24, 5, 0.3, 3);
    const a = await exactKnn(v, 500, 24, 15);
    const b = await exactKnn(v, 500, 24, 15);
    expect(Buffer.compare(Buffer.from(a.indices.buffer), Buffer.from(b.indices.buffer))).toBe(0);
    expect(Buffer.compare(Buffer.from(a.distances.buffer), Buffer.from(b.distances.buffer))).toBe(0);
  });

  it('caps k at n − 1 and returns an empty graph for one point', async () => {
    const { v } = blobs(5, 8, 2, 0.3, 4);
    expect((await exactKnn(v, 5, 8, 15)).k).toBe(4);
    const one = await exactKnn(v.subarray(0, 8), 1, 8, 15);
    expect(one).toMatchObject({ n: 1, k: 0 });
    expect(one.indices.length).toBe(0);
  });

  it('stops when cancelled', async () => {
    const { v } = blobs(300, 8, 3, 0.3, 5);
    const ac = new AbortController();
    ac.abort();
    await expect(exactKnn(v, 300, 8, 15, { signal: ac.signal })).rejects.toMatchObject({ code: 'job_cancelled' });
  });
});

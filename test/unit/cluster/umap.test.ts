import { beforeAll, describe, expect, it } from 'vitest';
import { exactKnn } from '../../../src/server/cluster/knn';
import type { KnnGraph, UmapOptions } from '../../../src/server/cluster/types';
import { fuzzySimplicialSet, umapFromKnn, umapLayouts } from '../../../src/server/cluster/umap';
import { fuzzyUnion } from '../../../src/server/cluster/umap/fuzzy';
import { breadthFirstOrder, relabelGraph, restoreOrder } from '../../../src/server/cluster/umap/locality';
import { optimizeLayout } from '../../../src/server/cluster/umap/optimize';
import { rescaleTo10 } from '../../../src/server/cluster/umap/prepare';
import { spectralInit } from '../../../src/server/cluster/umap/spectral';
import { findAB } from '../../../src/server/cluster/umap/curve';
import { PowTable } from '../../../src/server/cluster/umap/optimize';
import { Prng } from '../../../src/server/vectors/prng';
import { jacobiEigen } from '../../../src/server/cluster/umap/spectral';
import { teamWorkerScript } from '../../support/teamWorker';

const DIM = 32;
const N = 800;
const BLOBS = 8;

/** Seeded Gaussian blobs on the unit sphere, point i in blob i % centres. */
function blobs(n: number, dim: number, centres: number, spread: number, seed: number): { v: Float32Array; label: Int32Array } {
  const rng = new Prng(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  const C = Array.from({ length: centres }, () => Array.from({ length: dim }, gauss));
  const v = new Float32Array(n * dim);
  const label = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    label[i] = i % centres;
    let norm = 0;
    for (let d = 0; d < dim; d++) {
      v[i * dim + d] = C[i % centres][d] + spread * gauss();
      norm += v[i * dim + d] ** 2;
    }
    for (let d = 0; d < dim; d++) v[i * dim + d] /= Math.sqrt(norm);
  }
  return { v, label };
}

/** k nearest other points of i in a row-major layout (squared Euclidean). */
function layoutNeighbours(x: Float32Array, dim: number, i: number, k: number): number[] {
  const n = x.length / dim;
  const d: [number, number][] = [];
  for (let j = 0; j < n; j++) {
    if (j === i) continue;
    let s = 0;
    for (let c = 0; c < dim; c++) s += (x[i * dim + c] - x[j * dim + c]) ** 2;
    d.push([s, j]);
  }
  d.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return d.slice(0, k).map(([, j]) => j);
}

/** Share of each point's 10 layout neighbours from its own blob. */
function blobAgreement(x: Float32Array, dim: number, label: Int32Array): number {
  let s = 0;
  for (let i = 0; i < label.length; i++) s += layoutNeighbours(x, dim, i, 10).filter((j) => label[j] === label[i]).length / 10;
  return s / label.length;
}

/** Share of each point's 15 input-space neighbours that are among its 15 layout neighbours. */
function knnPreservation(x: Float32Array, dim: number, g: KnnGraph): number {
  let s = 0;
  for (let i = 0; i < g.n; i++) {
    const lo = new Set(layoutNeighbours(x, dim, i, g.k));
    for (let c = 0; c < g.k; c++) if (lo.has(g.indices[i * g.k + c])) s++;
  }
  return s / (g.n * g.k);
}

const same = (a: Float32Array, b: Float32Array) => a.length === b.length && Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)) === 0;

let data: { v: Float32Array; label: Int32Array };
let knn: KnnGraph;
const five: UmapOptions = { nComponents: 5, nNeighbors: 15, minDist: 0, seed: 7 };
const two: UmapOptions = { nComponents: 2, nNeighbors: 15, minDist: 0.1, seed: 7 };
let l5: Float32Array;
let l2: Float32Array;

beforeAll(async () => {
  data = blobs(N, DIM, BLOBS, 0.9, 11);
  knn = await exactKnn(data.v, N, DIM, 15);
  [l5, l2] = await umapLayouts(knn, [five, two]);
});

describe('UMAP building blocks', () => {
  it("fits umap-learn's a, b curve (its find_ab_params: min_dist 0 → 1.9328, 0.7905; 0.1 → 1.5769, 0.8951)", () => {
    const z = findAB(1, 0);
    expect(z.a).toBeCloseTo(1.9328, 3);
    expect(z.b).toBeCloseTo(0.7905, 3);
    const p = findAB(1, 0.1);
    expect(p.a).toBeCloseTo(1.5769, 3);
    expect(p.b).toBeCloseTo(0.8951, 3);
  });

  it('the power table is within 1e-6 of Math.pow over the layout distance range', () => {
    for (const p of [0.7905 - 1, 0.7905, 0.8951]) {
      const t = new PowTable(p);
      let worst = 0;
      for (let x = 1e-8; x < 1e4; x *= 1.0137) worst = Math.max(worst, Math.abs(t.pow(x) / Math.pow(x, p) - 1));
      expect(worst).toBeLessThan(1e-6);
      expect(t.pow(0)).toBe(Math.pow(0, p));
    }
  });

  it('Jacobi eigen-decomposition satisfies M v = λ v', () => {
    const d = 6;
    const M = new Float64Array(d * d);
    for (let i = 0; i < d; i++) for (let j = 0; j <= i; j++) M[i * d + j] = M[j * d + i] = Math.sin(3 * i + 7 * j + 1);
    const { values, vectors } = jacobiEigen(M, d);
    for (let c = 0; c < d; c++)
      for (let i = 0; i < d; i++) {
        let s = 0;
        for (let k = 0; k < d; k++) s += M[i * d + k] * vectors[k * d + c];
        expect(s).toBeCloseTo(values[c] * vectors[i * d + c], 10);
      }
  });

  it('the fuzzy graph is symmetric, in row order, with memberships in (0, 1] over nNeighbors − 1 neighbours', () => {
    const g = fuzzySimplicialSet(knn, 15);
    const w = new Map<string, number>();
    for (let e = 0; e < g.heads.length; e++) {
      expect(g.weights[e]).toBeGreaterThan(0);
      expect(g.weights[e]).toBeLessThanOrEqual(1);
      expect(g.heads[e]).not.toBe(g.tails[e]);
      if (e > 0) expect(g.heads[e] > g.heads[e - 1] || (g.heads[e] === g.heads[e - 1] && g.tails[e] > g.tails[e - 1])).toBe(true);
      w.set(`${g.heads[e]},${g.tails[e]}`, g.weights[e]);
    }
    for (const [key, val] of w) expect(w.get(key.split(',').reverse().join(','))).toBe(val);
    for (let i = 0; i < N; i++) {
      expect(g.rowPtr[i + 1] - g.rowPtr[i]).toBeGreaterThanOrEqual(14);
      // as umap-learn (n_neighbors counts the point itself), the 15th neighbour is not used by point i
      const fifteenth = knn.indices[i * 15 + 14];
      const reverse = Array.from(knn.indices.subarray(fifteenth * 15, fifteenth * 15 + 14)).includes(i);
      if (!reverse) expect(w.has(`${i},${fifteenth}`)).toBe(false);
    }
  });
});

describe('large layouts: relabelled for locality, negative samples pooled', () => {
  it('the breadth-first order is a permutation, the relabelled graph has the same weighted edges, and restoreOrder puts rows back', () => {
    const g = fuzzySimplicialSet(knn, 15);
    const order = breadthFirstOrder(g);
    expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: N }, (_, i) => i));
    const r = relabelGraph(g, order);
    const edges = (x: typeof g, name: (i: number) => number) => {
      const out: string[] = [];
      for (let e = 0; e < x.heads.length; e++) out.push(`${name(x.heads[e])},${name(x.tails[e])},${x.weights[e]}`);
      return out.sort();
    };
    expect(edges(r, (i) => order[i])).toEqual(edges(g, (i) => i));
    for (let i = 0; i < N; i++) for (let e = r.rowPtr[i]; e < r.rowPtr[i + 1]; e++) expect(r.heads[e]).toBe(i);
    // Neighbours come nearer in memory: the mean |head − tail| falls.
    const spread = (x: typeof g) => x.heads.reduce((s, h, e) => s + Math.abs(h - x.tails[e]), 0) / x.heads.length;
    expect(spread(r)).toBeLessThan(spread(g) / 2);
    const layout = Float64Array.from({ length: N * 2 }, (_, k) => order[k >> 1] * 10 + (k & 1));
    const back = restoreOrder(layout, order, 2);
    for (let i = 0; i < N; i++) expect([back[i * 2], back[i * 2 + 1]]).toEqual([i * 10, i * 10 + 1]);
  });

  it('a layout with pooled negative samples keeps blobs apart and neighbourhoods, and is the same for the same seed', () => {
    const g = fuzzySimplicialSet(knn, 15);
    const order = breadthFirstOrder(g);
    const r = relabelGraph(g, order);
    const { a, b } = findAB(1, 0);
    const run = () => {
      const emb = spectralInit(r, 5, 7);
      rescaleTo10(emb, N, 5);
      optimizeLayout(r, emb, { dim: 5, nEpochs: 200, a, b, seed: 7, negativePool: 128 });
      return restoreOrder(emb, order, 5);
    };
    const x = run();
    expect(same(x, run())).toBe(true);
    expect(blobAgreement(x, 5, data.label)).toBeGreaterThan(0.99);
    expect(knnPreservation(x, 5, knn)).toBeGreaterThan(0.35);
    expect(() => optimizeLayout(r, new Float64Array(N * 5), { dim: 5, nEpochs: 1, a, b, seed: 7, negativePool: 100 })).toThrow(/power of two/);
  });
});

describe('the fuzzy union', () => {
  it('is a + b − ab of the strongest i→j and j→i, per pair, from the directed memberships (repeated neighbours and self-entries included)', () => {
    const n = 400;
    const k = 9;
    const stride = 11; // rows wider than the k used, as a kNN graph with more neighbours than nNeighbors − 1
    const rng = new Prng(7);
    const indices = new Int32Array(n * stride);
    const vals = new Float32Array(n * k);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < stride; j++) {
        const r = rng.next();
        // a few repeats of the previous neighbour and a few self-entries, which the union must absorb
        indices[i * stride + j] = j > 0 && r < 0.05 ? indices[i * stride + j - 1] : r < 0.08 ? i : Math.floor(rng.next() * n);
        if (j < k) vals[i * k + j] = rng.next() < 0.03 ? 0 : rng.next();
      }
    // The definition, pair by pair in a Map.
    const dir = new Map<string, number>();
    for (let i = 0; i < n; i++)
      for (let j = 0; j < k; j++) {
        const key = `${i},${indices[i * stride + j]}`;
        dir.set(key, Math.max(dir.get(key) ?? 0, vals[i * k + j]));
      }
    const expected = new Map<string, number>();
    for (const key of dir.keys()) {
      const [i, j] = key.split(',').map(Number);
      if (i === j) continue;
      const [lo, hi] = [Math.min(i, j), Math.max(i, j)];
      const a = dir.get(`${lo},${hi}`) ?? 0;
      const b = dir.get(`${hi},${lo}`) ?? 0;
      const w = Math.fround(a + b - a * b);
      if (w > 0) {
        expected.set(`${i},${j}`, w);
        expected.set(`${j},${i}`, w);
      }
    }
    const g = fuzzyUnion(n, k, stride, indices, vals);
    expect(g.heads.length).toBe(expected.size);
    for (let i = 0; i < n; i++)
      for (let e = g.rowPtr[i]; e < g.rowPtr[i + 1]; e++) {
        expect(g.heads[e]).toBe(i);
        if (e > g.rowPtr[i]) expect(g.tails[e]).toBeGreaterThan(g.tails[e - 1]);
        expect(g.weights[e]).toBe(expected.get(`${i},${g.tails[e]}`));
      }
  });
});

describe('UMAP layouts of Gaussian blobs', () => {
  it('respect nComponents and are finite', async () => {
    expect(l5.length).toBe(N * 5);
    expect(l2.length).toBe(N * 2);
    const [l3] = await umapLayouts(knn, [{ ...five, nComponents: 3, nEpochs: 50 }]);
    expect(l3.length).toBe(N * 3);
    for (const x of [l5, l2, l3]) expect(x.every(Number.isFinite)).toBe(true);
  });

  it('keep blobs apart and local neighbourhoods, in 5-d and in 2-d', () => {
    // In the 32-d input, a point's 10 nearest neighbours are all from its blob.
    expect(blobAgreement(l5, 5, data.label)).toBeGreaterThan(0.99);
    expect(blobAgreement(l2, 2, data.label)).toBeGreaterThan(0.99);
    // Within a blob the points are noise, so only part of the exact neighbourhood can survive; a random
    // layout of the blob would keep 15/99 ≈ 0.15.
    expect(knnPreservation(l5, 5, knn)).toBeGreaterThan(0.35);
    expect(knnPreservation(l2, 2, knn)).toBeGreaterThan(0.28);
  });

  it('are bit-identical for the same seed, differ for another, and match the single-layout entry', async () => {
    const [b5, b2] = await umapLayouts(knn, [five, two]);
    expect(same(l5, b5)).toBe(true);
    expect(same(l2, b2)).toBe(true);
    const [c5] = await umapLayouts(knn, [{ ...five, seed: 8 }]);
    expect(same(l5, c5)).toBe(false);
    expect(same(umapFromKnn(knn, five), l5)).toBe(true);
  });

  it('can be cancelled before and during the optimisation', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(umapLayouts(knn, [two], ac.signal)).rejects.toMatchObject({ code: 'job_cancelled' });
    const mid = new AbortController();
    let seen = 0;
    expect(() =>
      umapFromKnn(knn, {
        ...two,
        signal: mid.signal,
        onProgress: (epoch) => {
          seen = epoch;
          if (epoch >= 20) mid.abort();
        },
      }),
    ).toThrow(expect.objectContaining({ code: 'job_cancelled' }));
    expect(seen).toBe(20);
  });

  it('handle tiny inputs (n ≤ nNeighbors) with finite layouts of the right size', async () => {
    for (const n of [1, 2, 3, 5, 12, 16]) {
      const g = await exactKnn(data.v.subarray(0, n * DIM), n, DIM, 15);
      const [a, b] = await umapLayouts(g, [five, two]);
      expect(a.length).toBe(n * 5);
      expect(b.length).toBe(n * 2);
      expect(a.every(Number.isFinite) && b.every(Number.isFinite)).toBe(true);
      expect(umapFromKnn(g, five).length).toBe(n * 5);
    }
  });
});

describe('the spectral start on several threads', () => {
  it('is the same, bit for bit, on one, two and three threads (5-d and 2-d)', async () => {
    const helperScript = await teamWorkerScript();
    const n = 6000;
    const { v } = blobs(n, DIM, 12, 0.6, 19);
    const g = fuzzySimplicialSet(await exactKnn(v, n, DIM, 15), 15);
    const bytes = (a: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    for (const dim of [5, 2]) {
      const one = spectralInit(g, dim, 3, { threads: 1 });
      for (const threads of [2, 3]) {
        let used = 0;
        const many = spectralInit(g, dim, 3, { threads, helperScript, onTeam: (t) => (used = t) });
        expect(used).toBe(threads);
        expect(bytes(many).equals(bytes(one))).toBe(true);
      }
      // …and one thread is what it always was: the code path below TEAM_MIN_POINTS.
      expect(bytes(spectralInit(g, dim, 3)).equals(bytes(one))).toBe(true);
    }
  }, 120_000);
});

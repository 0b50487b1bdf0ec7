import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { teamWorkerScript } from '../../support/teamWorker';
import { nnDescent } from '../../../src/server/cluster/knn/nnDescent';
import { graphRecall } from '../../../src/server/cluster/knn/recall';
import { describe, expect, it } from 'vitest';
import { approximateKnn, EXACT_MAX_POINTS, exactKnn, knnGraph } from '../../../src/server/cluster/knn';
import { clusterKnn } from '../../../src/server/cluster/knn/clusterKnn';
import type { KnnGraph } from '../../../src/server/cluster/types';
import { readCsv } from '../../../src/server/data/csv';
import { loadEmbedder } from '../../../src/server/embed';
import { Prng } from '../../../src/server/vectors/prng';
import { rowMatrix, rowSpace } from '../../../src/server/vectors/rowDot';
import { modelDir } from '../../support/model';

const bitextCsv = join(process.env.TICKET_LENS_DATA || resolve(__dirname, '..', '..', '..', '..', 'shared', 'data'), 'bitext.csv');

/** n seeded unit vectors in `dim` dims around `centres` random centres (Gaussian spread `spread`). */
function blobs(n: number, dim: number, centres: number, spread: number, seed: number): Float32Array {
  const rng = new Prng(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  const C = Array.from({ length: centres }, () => Array.from({ length: dim }, gauss));
  const v = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    let norm = 0;
    for (let d = 0; d < dim; d++) {
      v[i * dim + d] = C[i % centres][d] + spread * gauss();
      norm += v[i * dim + d] ** 2;
    }
    for (let d = 0; d < dim; d++) v[i * dim + d] /= Math.sqrt(norm);
  }
  return v;
}


/** The rows that break a rule: self excluded, neighbours distinct, distances = 1 − cosine and ascending (empty when well formed). */
function malformedRows(g: KnnGraph, v: Float32Array, dim: number): number[] {
  const bad: number[] = [];
  for (let i = 0; i < g.n; i++) {
    const row = Array.from(g.indices.subarray(i * g.k, (i + 1) * g.k));
    let ok = !row.includes(i) && new Set(row).size === g.k;
    for (let c = 0; c < g.k && ok; c++) {
      let s = 0;
      for (let d = 0; d < dim; d++) s += v[i * dim + d] * v[row[c] * dim + d];
      if (Math.abs(g.distances[i * g.k + c] - Math.max(0, 1 - s)) > 1e-5) ok = false;
      if (c > 0 && g.distances[i * g.k + c] < g.distances[i * g.k + c - 1]) ok = false;
    }
    if (!ok) bad.push(i);
  }
  return bad;
}

const same = (a: ArrayBufferView, b: ArrayBufferView) => Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)) === 0;

describe('approximate kNN (NN-descent)', () => {
  it('finds ≥ 95% of the exact neighbours on Gaussian blobs, rows well formed', async () => {
    const n = 4000;
    const dim = 48;
    const v = blobs(n, dim, 20, 0.9, 11);
    const exact = await exactKnn(v, n, dim, 15);
    const approx = await approximateKnn(v, n, dim, 15, { seed: 1 });
    expect(approx).toMatchObject({ n, k: 15 });
    expect(graphRecall(exact, approx)).toBeGreaterThanOrEqual(0.95);
    expect(malformedRows(approx, v, dim)).toEqual([]);
  });

  it('serves dims the SIMD kernel does not (scalar dot), with the same recall', async () => {
    const n = 2000;
    const dim = 20;
    const v = blobs(n, dim, 10, 0.6, 12);
    expect(rowMatrix(v, n, dim).memory).toBeNull();
    const approx = await approximateKnn(v, n, dim, 15, { seed: 1 });
    expect(graphRecall(await exactKnn(v, n, dim, 15), approx)).toBeGreaterThanOrEqual(0.95);
    expect(malformedRows(approx, v, dim)).toEqual([]);
  });

  it("computes the SIMD kernel's dot products as the scalar loop does, to float32 rounding", () => {
    const n = 50;
    const dim = 384;
    const v = blobs(n, dim, 3, 0.5, 13);
    const rows = rowSpace(rowMatrix(v, n, dim));
    for (let a = 0; a < n; a++)
      for (let b = 0; b < n; b += 7) {
        let s = 0;
        for (let d = 0; d < dim; d++) s += v[a * dim + d] * v[b * dim + d];
        expect(Math.abs(rows.dot(a, b) - s)).toBeLessThan(1e-5);
      }
  });

  it('gives the same graph, bit for bit, for the same seed', async () => {
    const n = 3000;
    const dim = 32;
    const v = blobs(n, dim, 15, 0.8, 14);
    const a = await approximateKnn(v, n, dim, 15, { seed: 7 });
    const b = await approximateKnn(v, n, dim, 15, { seed: 7 });
    expect(same(a.indices, b.indices)).toBe(true);
    expect(same(a.distances, b.distances)).toBe(true);
    // …and the seed is what decides it: another seed starts from other trees.
    const c = await approximateKnn(v, n, dim, 15, { seed: 8, params: { maxRounds: 1 } });
    const d = await approximateKnn(v, n, dim, 15, { seed: 7, params: { maxRounds: 1 } });
    expect(same(c.indices, d.indices)).toBe(false);
  });

  it('handles duplicates as exact search does: self excluded, twins first at distance 0', async () => {
    const dim = 16;
    const base = blobs(300, dim, 6, 0.5, 15);
    // point i and i + 300 are identical, i + 600 differs in the 7th decimal
    const n = 900;
    const v = new Float32Array(n * dim);
    v.set(base, 0);
    v.set(base, 300 * dim);
    for (let i = 0; i < 300 * dim; i++) v[600 * dim + i] = base[i] + (i % 3 === 0 ? 1e-7 : 0);
    const g = await approximateKnn(v, n, dim, 10, { seed: 3 });
    for (let i = 0; i < n; i++) {
      const row = Array.from(g.indices.subarray(i * 10, i * 10 + 10));
      expect(row).not.toContain(i);
      expect(new Set(row).size).toBe(10);
      const twins = [0, 300, 600].map((o) => (i % 300) + o).filter((j) => j !== i);
      expect(row.slice(0, 2).sort((a, b) => a - b)).toEqual(twins);
      expect(g.distances[i * 10]).toBeLessThan(1e-5);
    }
  });

  it('stops when cancelled, before it starts or between rounds', async () => {
    const n = 3000;
    const dim = 32;
    const v = blobs(n, dim, 10, 0.8, 16);
    const before = new AbortController();
    before.abort();
    await expect(approximateKnn(v, n, dim, 15, { seed: 1, signal: before.signal })).rejects.toMatchObject({ code: 'job_cancelled' });
    const during = new AbortController();
    const rounds: number[] = [];
    const run = approximateKnn(v, n, dim, 15, {
      seed: 1,
      signal: during.signal,
      onProgress: (round) => {
        rounds.push(round);
        if (round === 1) during.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ code: 'job_cancelled' });
    expect(rounds).toEqual([0, 1]);
  });

  it(`keeps the exact graph up to EXACT_MAX_POINTS (${EXACT_MAX_POINTS}) points, byte for byte`, async () => {
    const n = 1500;
    const dim = 24;
    const v = blobs(n, dim, 8, 0.6, 17);
    const exact = await exactKnn(v, n, dim, 15);
    const g = await knnGraph(v, n, dim, 15, { seed: 42 });
    expect(same(g.indices, exact.indices)).toBe(true);
    expect(same(g.distances, exact.distances)).toBe(true);
  });
});

/** The rows of `members`, in that order. */
function subset(v: Float32Array, dim: number, members: Int32Array): Float32Array {
  const out = new Float32Array(members.length * dim);
  members.forEach((p, i) => out.set(v.subarray(p * dim, (p + 1) * dim), i * dim));
  return out;
}

describe("a cluster's graph from its parent level's", () => {
  it('is computed exactly, as before, where the parent graph was exact', async () => {
    const n = 3000;
    const dim = 24;
    const v = blobs(n, dim, 6, 0.6, 21);
    const parent = await exactKnn(v, n, dim, 15);
    const members = Int32Array.from({ length: n / 6 }, (_, i) => i * 6);
    const sub = subset(v, dim, members);
    const g = await clusterKnn(parent, members, sub, dim, 15, { seed: 42 });
    const exact = await exactKnn(sub, members.length, dim, 15);
    expect(same(g.indices, exact.indices)).toBe(true);
    expect(same(g.distances, exact.distances)).toBe(true);
  });

  // Above EXACT_MAX_POINTS, so the parent graph is approximate: 16 well-separated 16-d blobs of 2,000
  // points, whose neighbours stay inside their blob (as an HDBSCAN cluster's mostly do).
  const n = EXACT_MAX_POINTS + 2000;
  const dim = 16;
  const v = blobs(n, dim, 16, 0.3, 22);
  let parent: KnnGraph;
  const blob = (c: number) => Int32Array.from({ length: n / 16 }, (_, i) => i * 16 + c);

  it('reuses an approximate parent graph: a whole cluster with ≥ 95% recall, the gaps filled by NN-descent', async () => {
    parent = await approximateKnn(v, n, dim, 15, { seed: 42 });
    // One blob and 40 strays from another: the strays' neighbours are mostly outside, so NN-descent fills them.
    const members = Int32Array.from([...blob(0), ...blob(1).subarray(0, 40)]);
    const sub = subset(v, dim, members);
    const totals: number[] = [];
    const g = await clusterKnn(parent, members, sub, dim, 15, { seed: 42, onProgress: (_, total) => totals.push(total) });
    // NN-descent's rounds reported progress (exact search would report rows out of members.length).
    expect(totals.length).toBeGreaterThan(0);
    expect(new Set(totals)).toEqual(new Set([Math.max(5, Math.round(Math.log2(members.length)))]));
    expect(graphRecall(await exactKnn(sub, members.length, dim, 15), g)).toBeGreaterThanOrEqual(0.95);
    expect(malformedRows(g, sub, dim)).toEqual([]);
  });

  it('starts over where the parent graph kept too little of the cluster (every second point of a blob)', async () => {
    const members = blob(3).filter((_, i) => i % 2 === 0);
    const sub = subset(v, dim, members);
    const g = await clusterKnn(parent, members, sub, dim, 15, { seed: 42 });
    const fresh = await knnGraph(sub, members.length, dim, 15, { seed: 42 });
    expect(same(g.indices, fresh.indices)).toBe(true);
  });
});

describe.skipIf(!existsSync(bitextCsv))('approximate kNN on real embeddings (Bitext, shared data)', () => {
  it('finds ≥ 95% of the exact neighbours of 2,000 Bitext tickets embedded with our model', async () => {
    const t = await readCsv(bitextCsv, { textColumn: 'text', columns: [] });
    // Every 12th unique text: all 27 intents, with the near-duplicate phrasings that make kNN hard.
    const texts = [...new Set(t.records.map((r) => r.text))].filter((_, i) => i % 12 === 0).slice(0, 2000);
    const e = await loadEmbedder({ modelDir: modelDir(), device: 'cpu' });
    const v = await e.embed(texts);
    await e.dispose();
    const n = texts.length;
    const exact = await exactKnn(v, n, 384, 15);
    const approx = await approximateKnn(v, n, 384, 15, { seed: 42 });
    expect(graphRecall(exact, approx)).toBeGreaterThanOrEqual(0.95);
    expect(malformedRows(approx, v, 384)).toEqual([]);
  }, 120_000);
});

describe("NN-descent's join on several threads", () => {
  // The helper threads run from a bundle (as dist/team-worker.js does in the server), built here.
  let helperScript: string;
  const n = 40_000; // three blocks of JOIN_BLOCK points
  const dim = 32;
  const v = blobs(n, dim, 40, 0.8, 31);
  const matrix = rowMatrix(v, n, dim);

  it('builds the helper bundle', async () => {
    helperScript = await teamWorkerScript();
    expect(existsSync(helperScript)).toBe(true);
  });

  it('gives the graph one thread gives, bit for bit, on two and on three threads', () => {
    const run = (threads: number) => {
      const seen = new Set<number>();
      const g = nnDescent(rowSpace(matrix), 15, { seed: 5, matrix, threads, helperScript, onProgress: (_r, _m, t) => seen.add(t) });
      return { g, threads: [...seen] };
    };
    const one = run(1);
    const two = run(2);
    const three = run(3);
    expect(one.threads).toEqual([1]);
    expect(two.threads).toEqual([2]);
    expect(three.threads).toEqual([3]);
    for (const other of [two.g, three.g]) {
      expect(same(other.indices, one.g.indices)).toBe(true);
      expect(same(other.distances, one.g.distances)).toBe(true);
    }
    expect(malformedRows(two.g, v, dim).slice(0, 5)).toEqual([]);
  }, 120_000);

  it('finds ≥ 95% of the exact neighbours on two threads', async () => {
    const g = nnDescent(rowSpace(matrix), 15, { seed: 6, matrix, threads: 2, helperScript });
    expect(graphRecall(await exactKnn(v, n, dim, 15), g)).toBeGreaterThanOrEqual(0.95);
  }, 120_000);

  it('runs on the calling thread alone when the helper script is missing', () => {
    const seen = new Set<number>();
    const g = nnDescent(rowSpace(matrix), 15, { seed: 5, matrix, threads: 2, helperScript: null, maxRounds: 1, onProgress: (_r, _m, t) => seen.add(t) });
    expect([...seen]).toEqual([1]);
    expect(g.n).toBe(n);
  });
});

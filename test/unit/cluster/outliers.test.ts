import { describe, expect, it } from 'vitest';
import { AUTO_MEMBER_QUANTILE, reassignNoise } from '../../../src/server/cluster/outliers';
import { ClusterParams } from '../../../src/shared/cluster';

const DIM = 16;

/** A seeded generator, so the clusters are the same on every run. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

/** A unit vector at cosine `sim` from unit axis `axis`, in a random direction orthogonal to it (`mirror`: the opposite direction). */
function atSimilarity(axis: number, sim: number, r: () => number, mirror?: number[]): number[] {
  const off = mirror ? mirror.map((x) => -x) : Array.from({ length: DIM }, (_, d) => (d === axis ? 0 : r()));
  const n = Math.hypot(...off);
  const sin = Math.sqrt(1 - sim * sim);
  return off.map((x, d) => (d === axis ? sim : (sin * x) / n));
}

/** Members in mirrored pairs, so that the cluster's centroid lies exactly on its axis. */
function members(axis: number, sims: readonly number[], r: () => number): number[][] {
  return sims.flatMap((s) => {
    const a = atSimilarity(axis, s, r);
    return [a, atSimilarity(axis, s, r, a.map((x, d) => (d === axis ? 0 : x)))];
  });
}

/**
 * Cluster 0 is tight (members at cosine 0.97–0.99 from axis 0), cluster 1 loose (0.6–0.9 from axis 1).
 * Noise: 0.93 from axis 0 (closer than a fixed 0.85 but looser than every member of the tight cluster),
 * 0.75 from axis 1 (below a fixed 0.85 but inside the loose cluster), and one far from both.
 */
function fixture(): { labels: Int32Array; vectors: Float32Array; noise: Record<'nearTight' | 'insideLoose' | 'far', number> } {
  const r = rng(7);
  const rows: number[][] = [];
  const labels: number[] = [];
  for (const m of members(0, Array.from({ length: 50 }, (_, i) => 0.97 + 0.02 * (i / 49)), r)) {
    rows.push(m);
    labels.push(0);
  }
  for (const m of members(1, Array.from({ length: 50 }, (_, i) => 0.6 + 0.3 * (i / 49)), r)) {
    rows.push(m);
    labels.push(1);
  }
  const noise = { nearTight: rows.length, insideLoose: rows.length + 1, far: rows.length + 2 };
  rows.push(atSimilarity(0, 0.93, r), atSimilarity(1, 0.75, r), atSimilarity(5, 1, r));
  labels.push(-1, -1, -1);
  return { labels: Int32Array.from(labels), vectors: Float32Array.from(rows.flat()), noise };
}

describe('outlier reassignment', () => {
  it("auto follows each cluster's own tightness: a noise row joins the loose cluster it sits inside, not the tight one it only nears", async () => {
    const { labels, vectors, noise } = fixture();
    const r = await reassignNoise(labels, 2, vectors, DIM, 'auto');
    expect(r.labels[noise.insideLoose]).toBe(1);
    expect(r.labels[noise.nearTight]).toBe(-1);
    expect(r.labels[noise.far]).toBe(-1);
    expect(r.reassigned).toBe(1);
    // members never move
    expect(Array.from(r.labels.subarray(0, 200))).toEqual(Array.from(labels.subarray(0, 200)));
  });

  it('a fixed cosine treats every cluster alike: 0.85 takes the row near the tight cluster and leaves the one inside the loose cluster', async () => {
    const { labels, vectors, noise } = fixture();
    const r = await reassignNoise(labels, 2, vectors, DIM, 0.85);
    expect(r.labels[noise.nearTight]).toBe(0);
    expect(r.labels[noise.insideLoose]).toBe(-1);
    expect(r.labels[noise.far]).toBe(-1);
  });

  it('auto lets in a row just above the members\' similarity at the quantile, and not one just below it', async () => {
    const r = rng(11);
    const sims = Array.from({ length: 100 }, (_, i) => 0.5 + 0.4 * (i / 99));
    const rows = members(2, sims, r);
    const n = rows.length;
    // the members' similarity at the quantile: each similarity appears twice (mirrored pairs)
    const cut = sims[Math.floor((AUTO_MEMBER_QUANTILE * n) / 2)];
    // 0.001 either side of the cut, where member similarities are 0.004 apart: a quantile off by one member either way fails
    rows.push(atSimilarity(2, cut + 0.001, r), atSimilarity(2, cut - 0.001, r));
    const labels = Int32Array.from([...rows.slice(0, n).map(() => 0), -1, -1]);
    const out = (await reassignNoise(labels, 1, Float32Array.from(rows.flat()), DIM, 'auto')).labels;
    expect([out[n], out[n + 1]]).toEqual([0, -1]);
  });

  it("is the pipeline's default, and null keeps HDBSCAN's noise", () => {
    expect(ClusterParams.parse({}).reassignOutliers).toBe('auto');
    expect(ClusterParams.parse({ reassignOutliers: null }).reassignOutliers).toBeNull();
    expect(() => ClusterParams.parse({ reassignOutliers: 'always' })).toThrow();
  });
});

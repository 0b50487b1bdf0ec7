/**
 * The fine-tune's split and scores on made-up data, against their definitions: held-out labels never
 * reach training, repeated texts are counted once, the closed-form mean cosines equal the pairwise
 * means, and kNN accuracy is what the neighbours say.
 */
import { describe, expect, it } from 'vitest';
import { knnAccuracy, meanCosines } from '../../../src/server/finetune/spaceScores';
import { samplePerLabel, splitForFinetune } from '../../../src/server/finetune/split';
import { Prng } from '../../../src/server/vectors/prng';

function unitRows(n: number, dim: number, seed: number): Float32Array {
  const rng = new Prng(seed);
  const x = new Float32Array(n * dim);
  for (let r = 0; r < n; r++) {
    let norm = 0;
    for (let d = 0; d < dim; d++) norm += (x[r * dim + d] = rng.next() - 0.5) ** 2;
    for (let d = 0; d < dim; d++) x[r * dim + d] /= Math.sqrt(norm);
  }
  return x;
}

describe('finetune split', () => {
  const texts = Array.from({ length: 120 }, (_, i) => `text ${i % 110}`);
  const labels = Array.from({ length: 120 }, (_, i) => `L${(i % 110) % 6}`);

  it('keeps held-out labels and held-out rows out of the training rows, and counts a repeated text once', () => {
    const s = splitForFinetune(texts, labels, { holdoutLabels: 2, heldOutFraction: 0.2, seed: 7 });
    expect(s.texts).toHaveLength(110);
    expect(s.duplicatesDropped).toBe(10);
    expect(s.holdoutLabels).toHaveLength(2);
    expect(s.trainRows.some((r) => s.holdoutLabels.includes(s.labels[r]))).toBe(false);
    expect(s.heldOutRows.filter((r) => s.trainRows.includes(r))).toEqual([]);
    expect(new Set(s.heldOutRows.map((r) => s.labels[r]))).toEqual(new Set(s.trainLabels));
    expect(s.trainRows.length + s.heldOutRows.length + s.holdoutRows.length).toBe(110);
    expect(splitForFinetune(texts, labels, { holdoutLabels: ['L1', 'L4'], heldOutFraction: 0.2, seed: 7 }).holdoutLabels).toEqual(['L1', 'L4']);
    expect(() => splitForFinetune(texts, labels, { holdoutLabels: ['L9'], heldOutFraction: 0.2, seed: 7 })).toThrow(/L9/);
  });

  it('samples at most the given rows per label', () => {
    const rows = samplePerLabel(Array.from({ length: 110 }, (_, i) => i), labels.slice(0, 110), 5, 1);
    expect(rows).toHaveLength(30);
  });
});

describe('space scores', () => {
  const dim = 8;
  const n = 40;
  const x = unitRows(n, dim, 3);
  const labels = Array.from({ length: n }, (_, i) => `c${i % 4}`);
  const dot = (a: number, b: number) => {
    let s = 0;
    for (let d = 0; d < dim; d++) s += x[a * dim + d] * x[b * dim + d];
    return s;
  };

  it('mean same-label and different-label cosines equal the pairwise means', () => {
    let intra = 0;
    let ni = 0;
    let inter = 0;
    let ne = 0;
    for (let a = 0; a < n; a++) {
      for (let b = a + 1; b < n; b++) {
        if (labels[a] === labels[b]) {
          intra += dot(a, b);
          ni++;
        } else {
          inter += dot(a, b);
          ne++;
        }
      }
    }
    const m = meanCosines(x, dim, labels);
    expect(m.intra).toBeCloseTo(intra / ni, 6);
    expect(m.inter).toBeCloseTo(inter / ne, 6);
  });

  it('kNN accuracy is 1 for queries that are copies of labelled references and follows the labels otherwise', () => {
    // Ten copies of each of four points: every query's ten nearest are its own copies.
    const base = unitRows(4, dim, 9);
    const ref = new Float32Array(40 * dim);
    for (let i = 0; i < 40; i++) ref.set(base.subarray((i % 4) * dim, (i % 4 + 1) * dim), i * dim);
    const refLabels = Array.from({ length: 40 }, (_, i) => `p${i % 4}`);
    expect(knnAccuracy(base, ['p0', 'p1', 'p2', 'p3'], ref, refLabels, dim, false)).toBe(1);
    expect(knnAccuracy(base, ['p1', 'p1', 'p2', 'p3'], ref, refLabels, dim, false)).toBe(0.75);
  });
});

// The math of the classification engine on synthetic vectors: metrics against hand-checked values,
// split, training convergence and reproducibility, temperature and threshold fitting.
import { describe, expect, it } from 'vitest';
import { TrainParams } from '../../../src/shared/classify';
import { Prng } from '../../../src/server/vectors/prng';
import { probabilities } from '../../../src/server/classify/heads';
import { expectedCalibrationError, multiLabelScores, rocAuc, singleLabelScores } from '../../../src/server/classify/metrics';
import { stratifiedSplit } from '../../../src/server/classify/split';
import { fitTemperature, trainHead, tuneThresholds } from '../../../src/server/classify/train';
import { isRejected, quantile, separation } from '../../../src/server/classify/reject';

function blobs(classes: number, perClass: number, dim: number, spread: number, seed: number) {
  const rng = new Prng(seed);
  const g = () => Math.sqrt(-2 * Math.log(Math.max(rng.next(), 1e-12))) * Math.cos(2 * Math.PI * rng.next());
  const centers = Array.from({ length: classes }, () => Array.from({ length: dim }, g));
  const n = classes * perClass;
  const x = new Float32Array(n * dim);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % classes;
    y[i] = c;
    let norm = 0;
    for (let d = 0; d < dim; d++) norm += (x[i * dim + d] = centers[c][d] + spread * g()) ** 2;
    for (let d = 0; d < dim; d++) x[i * dim + d] /= Math.sqrt(norm);
  }
  return { x, y, n };
}

describe('metrics', () => {
  it('ROC-AUC counts ties as half and is null without both classes', () => {
    expect(rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBeCloseTo(0.75, 10); // scikit-learn's docstring example
    expect(rocAuc([0.5, 0.5], [0, 1])).toBe(0.5);
    expect(rocAuc([0.2, 0.3], [1, 1])).toBeNull();
  });

  it('single-label scores: accuracy, macro/micro/weighted F1 and confusion', () => {
    // truth a a a b b c ; pred a a b b c c → per class: a P1 R2/3; b P1/2 R1/2; c P1/2 R1
    const s = singleLabelScores(['a', 'b', 'c'], [0, 0, 0, 1, 1, 2], [0, 0, 1, 1, 2, 2], new Float32Array(18).fill(1 / 3));
    expect(s.accuracy).toBeCloseTo(4 / 6, 10);
    const f = [0.8, 0.5, 2 / 3];
    expect(s.perClass).toHaveLength(f.length);
    s.perClass.forEach((c, i) => expect(c.f1).toBeCloseTo(f[i], 10));
    expect(s.macro_f1).toBeCloseTo((0.8 + 0.5 + 2 / 3) / 3, 10);
    expect(s.micro_f1).toBeCloseTo(4 / 6, 10);
    expect(s.weighted_f1).toBeCloseTo((0.8 * 3 + 0.5 * 2 + (2 / 3) * 1) / 6, 10);
    expect(s.confusion).toEqual([
      [2, 1, 0, 0],
      [0, 1, 1, 0],
      [0, 0, 1, 0],
    ]);
  });

  it('an "unknown" prediction counts as an error and has its own confusion column', () => {
    const s = singleLabelScores(['a', 'b'], [0, 1], [0, -1], new Float32Array([0.9, 0.1, 0.4, 0.6]));
    expect(s.accuracy).toBe(0.5);
    expect(s.unknown).toBe(1);
    expect(s.confusion[1]).toEqual([0, 0, 1]);
  });

  it('multi-label exact match and Hamming loss', () => {
    const truth = Uint8Array.from([1, 0, 1, 0, 1, 0]);
    const pred = Uint8Array.from([1, 0, 1, 0, 0, 0]);
    const s = multiLabelScores(['x', 'y', 'z'], truth, pred, new Float32Array([0.9, 0.1, 0.8, 0.2, 0.4, 0.1]));
    expect(s.exactMatch).toBe(0.5);
    expect(s.hammingLoss).toBeCloseTo(1 / 6, 10);
  });

  it('ECE is zero for perfectly calibrated bins and the gap otherwise', () => {
    expect(expectedCalibrationError([1, 1], [true, true])).toBe(0);
    expect(expectedCalibrationError([0.9, 0.9], [true, false])).toBeCloseTo(0.4, 10);
  });
});

describe('split and training', () => {
  it('stratified split keeps every class in both parts and is seeded', () => {
    const strata = Array.from({ length: 200 }, (_, i) => (i < 20 ? 0 : 1 + (i % 3)));
    const a = stratifiedSplit(strata, 0.2, 7);
    const b = stratifiedSplit(strata, 0.2, 7);
    expect(a).toEqual(b);
    expect(a.train.length + a.val.length).toBe(200);
    for (const c of [0, 1, 2, 3]) {
      const val = a.val.filter((i) => strata[i] === c).length;
      const all = strata.filter((s) => s === c).length;
      expect(val).toBe(Math.round(all * 0.2));
    }
    expect(new Set([...a.train, ...a.val]).size).toBe(200);
  });

  it('a linear head converges on separable blobs, reproducibly, with a calibrated temperature', () => {
    const { x, y, n } = blobs(5, 60, 32, 0.6, 1);
    const params = TrainParams.parse({ epochs: 30, seed: 3 });
    const classes = ['a', 'b', 'c', 'd', 'e'];
    const h1 = trainHead(x, 32, { kind: 'single', y }, { params, classes });
    const h2 = trainHead(x, 32, { kind: 'single', y }, { params, classes });
    expect(Array.from(h1.params)).toEqual(Array.from(h2.params));
    expect(h1.valAccuracy).toBeGreaterThan(0.95);
    expect(h1.temperature).toBeGreaterThan(0.05);
    const p = probabilities(h1.shape, h1.params, x, n, h1.temperature);
    let ok = 0;
    for (let i = 0; i < n; i++) {
      let b = 0;
      for (let c = 1; c < 5; c++) if (p[i * 5 + c] > p[i * 5 + b]) b = c;
      if (b === y[i]) ok++;
    }
    expect(ok / n).toBeGreaterThan(0.95);
  });

  it('an MLP head also converges; a different seed gives different weights', () => {
    const { x, y } = blobs(4, 50, 16, 0.5, 2);
    const classes = ['a', 'b', 'c', 'd'];
    const h = trainHead(x, 16, { kind: 'single', y }, { params: TrainParams.parse({ hidden: 32, epochs: 30, lr: 0.01, seed: 1 }), classes });
    const h2 = trainHead(x, 16, { kind: 'single', y }, { params: TrainParams.parse({ hidden: 32, epochs: 30, lr: 0.01, seed: 2 }), classes });
    expect(h.valAccuracy).toBeGreaterThan(0.9);
    expect(Array.from(h.params)).not.toEqual(Array.from(h2.params));
  });

  it('temperature fitting cools over-confident logits and warms timid ones', () => {
    // logits ±10 but only 70% right → T > 1; logits ±0.1 and always right → T < 1
    const n = 100;
    const loud = new Float32Array(n * 2);
    const quiet = new Float32Array(n * 2);
    const truth = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      loud[i * 2] = 10;
      quiet[i * 2] = 0.1;
      truth[i] = i < 70 ? 0 : 1;
    }
    expect(fitTemperature(loud, truth, 2)).toBeGreaterThan(1);
    expect(fitTemperature(quiet, new Int32Array(n), 2)).toBeLessThan(1);
  });

  it('per-label thresholds maximise F1 on validation', () => {
    // label 0: positives score 0.3–0.4, negatives 0.1–0.2 → threshold between 0.2 and 0.3 (not 0.5)
    const probs = new Float32Array([0.3, 0.9, 0.4, 0.8, 0.1, 0.2, 0.2, 0.1]);
    const truth = Uint8Array.from([1, 1, 1, 1, 0, 0, 0, 0]);
    const th = tuneThresholds(probs, truth, 2);
    expect(th[0]).toBeGreaterThan(0.2);
    expect(th[0]).toBeLessThanOrEqual(0.3);
    expect(th[1]).toBeGreaterThan(0.2);
    expect(th[1]).toBeLessThanOrEqual(0.8);
  });

  it('multi-label training learns a threshold per label', () => {
    const { x, y, n } = blobs(3, 80, 16, 0.4, 5);
    // labels: "first" for class 0, "notfirst" otherwise, "even" for classes 0 and 2
    const Y = new Uint8Array(n * 3);
    for (let i = 0; i < n; i++) {
      Y[i * 3] = y[i] === 0 ? 1 : 0;
      Y[i * 3 + 1] = y[i] !== 0 ? 1 : 0;
      Y[i * 3 + 2] = y[i] !== 1 ? 1 : 0;
    }
    const h = trainHead(x, 16, { kind: 'multi', y: Y }, { params: TrainParams.parse({ epochs: 40, seed: 1 }), classes: ['first', 'notfirst', 'even'] });
    expect(h.thresholds).not.toBeNull();
    expect(h.thresholds!.length).toBe(3);
    for (const t of h.thresholds!) expect(t > 0 && t < 1).toBe(true);
    expect(h.valAccuracy).toBeGreaterThan(0.9); // exact match
  });

  it('reject separation: AUC and rates at the threshold', () => {
    expect(quantile([0.8, 0.7, 0.6, 0.9], 0.5)).toBeCloseTo(0.75, 10);
    const s = separation([0.8, 0.7, 0.6, 0.9], [0.2, 0.65, 0.1], 0.5);
    expect(s.auc).toBeCloseTo(11 / 12, 10);
    expect(s.oosRejected).toBeCloseTo(2 / 3, 10);
    expect(s.inScopeRejected).toBe(0);
  });

  it('reject rule: a confident head widens the margin, but never to everything', () => {
    const rule = { minSimilarity: 0.71, maxConfidence: 0.9, slack: 0.15 };
    expect(isRejected(0.69, 0.5, rule)).toBe(true); // unlike the data, unsure head
    expect(isRejected(0.69, 0.99, rule)).toBe(false); // a rephrased in-scope ticket
    expect(isRejected(0.2, 0.99, rule)).toBe(true); // nonsense with an over-confident head
    expect(isRejected(0.75, 0.1, rule)).toBe(false); // like the data
  });
});

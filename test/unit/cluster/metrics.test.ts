import { describe, expect, it } from 'vitest';
import { evaluate, scores } from '../../../src/server/cluster/metrics';
import { ctfidf, terms } from '../../../src/server/cluster/keywords';

describe('clustering metrics', () => {
  it('match scikit-learn on small cases (values from sklearn.metrics 1.9, computed once)', () => {
    const a = scores(['0', '0', '0', '1', '1', '1'], ['0', '0', '1', '1', '2', '2']);
    expect(a.ari).toBeCloseTo(0.24242424242424243, 12);
    expect(a.nmi).toBeCloseTo(0.5158037429793889, 12);
    expect(a.homogeneity).toBeCloseTo(0.6666666666666669, 12);
    expect(a.completeness).toBeCloseTo(0.420619835714305, 12);
    expect(a.vMeasure).toBeCloseTo(0.5158037429793889, 12);
    const b = scores(['a', 'a', 'b', 'b', 'c', 'c', 'c'], ['x', 'x', 'x', 'y', 'y', 'z', 'z']);
    expect(b.ari).toBeCloseTo(0.2125, 12);
    expect(b.nmi).toBeCloseTo(0.5636355530993447, 12);
  });

  it('is 1 for identical partitions whatever the names', () => {
    const s = scores(['a', 'a', 'b', 'b'], ['root.1', 'root.1', 'root.0', 'root.0']);
    expect(s.ari).toBe(1);
    expect(s.nmi).toBeCloseTo(1, 12);
  });

  it('counts noise as a cluster, or leaves noise rows out', () => {
    const truth = ['a', 'a', 'a', 'b', 'b', 'b'];
    const pred = ['root.0', 'root.0', 'root.noise', 'root.1', 'root.1', 'root.noise'];
    const e = evaluate(truth, pred, (p) => p.endsWith('.noise'));
    expect(e.noiseRows).toBe(2);
    expect(e.withoutNoise.ari).toBe(1);
    expect(e.withNoise.ari).toBeLessThan(1);
    expect(e.purity).toEqual([
      { label: 'a', size: 3, cluster: 'root.0', share: 2 / 3 },
      { label: 'b', size: 3, cluster: 'root.1', share: 2 / 3 },
    ]);
    expect(e.contingency.labels).toEqual(['a', 'b']);
    expect(e.contingency.clusters).toEqual(['root.0', 'root.1', 'root.noise']);
    expect(e.contingency.counts).toEqual([
      [2, 0, 1],
      [0, 2, 1],
    ]);
  });
});

describe('c-TF-IDF keywords', () => {
  it('drops stop words and makes 1–2-grams', () => {
    expect(terms('I want to cancel my order')).toEqual(['want', 'cancel', 'order', 'want cancel', 'cancel order']);
  });

  it('ranks the words that distinguish a cluster from its siblings first', () => {
    const texts = ['refund my money', 'I want a refund', 'refund the order', 'track my order', 'where is my order', 'track the parcel'];
    const kw = ctfidf(texts, [0, 0, 0, 1, 1, 1], 3);
    expect(kw.get(0)![0].term).toBe('refund');
    expect(kw.get(1)![0].term).toBe('track');
    expect(kw.get(0)!.map((k) => k.term)).not.toContain('order');
  });
});

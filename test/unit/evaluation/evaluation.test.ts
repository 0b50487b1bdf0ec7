/**
 * The evaluation's figures against scikit-learn (reference_evaluation.py in the Python test venv), on a
 * classifier trained in the test on a Bitext cut and judged on rows it never saw: accuracy, F1s,
 * confusion matrix, per-class scores, ROC curves and AUCs, reliability bins and ECE. Plus what the
 * numbers do not show: the class order keeps confused classes together, every cell's rows are the rows
 * of that cell, and the pictures escape a label full of markup.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADAPTER_MAPS_SVG, Evaluation, EvaluateRequest, MAX_ROC_POINTS, RELIABILITY_BINS, type Evaluation as EvaluationT } from '../../../src/shared/evaluation';
import { ClassifyService } from '../../../src/server/classify/service';
import { loadEmbedder, type Embedder } from '../../../src/server/embed';
import { evaluateClassifier } from '../../../src/server/evaluation/evaluateClassifier';
import { rocCurve, thinCurve } from '../../../src/server/evaluation/roc';
import { writeEvaluation } from '../../../src/server/evaluation/writeEvaluation';
import { neighbourAgreement } from '../../../webview/src/evaluation/mapAgreement';
import { modelDir } from '../../support/model';
import { cutBitext, haveBitext, MARKUP_LABEL, trainSmall, type Cut } from './fixture';

const python = join(homedir(), '.cache', 'ticket-lens', 'venv', 'bin', 'python');

interface Reference {
  accuracy: number;
  macroF1: number;
  weightedF1: number;
  macroAuc: number;
  microAuc: number;
  confusion: number[][];
  perClass: { label: string; precision: number; recall: number; f1: number; support: number }[];
  roc: { label: string; auc: number | null; points: [number, number][] }[];
  reliability: { accuracy: number[]; confidence: number[]; counts: number[]; ece: number };
}

describe.skipIf(!haveBitext || !existsSync(python))('evaluation of a classifier trained on a Bitext cut', () => {
  let embedder: Embedder;
  let cut: Cut;
  let model: string;
  let e: EvaluationT;
  let probs: Float32Array;
  let labels: string[];

  beforeAll(async () => {
    embedder = await loadEmbedder({ modelDir: modelDir(), dtype: 'q8', device: 'cpu' });
    cut = cutBitext(30);
    model = await trainSmall(cut, embedder);
    const service = new ClassifyService(() => Promise.resolve(embedder));
    e = await evaluateClassifier(EvaluateRequest.parse({ csvPath: cut.evaluate, textColumn: 'text', labelColumn: 'intent', model, folds: 0 }), { classifier: (r) => service.model(r), embedder: () => Promise.resolve(embedder) });
    // The classifier's probabilities, straight from its own API, for the reference to start from.
    const clf = await service.model(model);
    labels = clf.tasks[0].labels;
    probs = (await clf.scores(clf.toModelSpace(await embedder.embed(cut.rows.map((r) => r.text))))).perTask[0];
  });
  afterAll(async () => {
    await embedder?.dispose();
  });

  function reference(): Reference {
    const C = labels.length;
    const input = join(cut.dir, 'reference-input.json');
    writeFileSync(
      input,
      JSON.stringify({
        labels,
        truth: cut.rows.map((r) => labels.indexOf(r.intent)),
        probs: cut.rows.map((_, i) => Array.from(probs.subarray(i * C, (i + 1) * C))),
        order: e.labels.map((l) => labels.indexOf(l)),
      }),
    );
    return JSON.parse(execFileSync(python, [join(__dirname, 'reference_evaluation.py'), input], { maxBuffer: 64 * 1024 * 1024 }).toString('utf8')) as Reference;
  }

  it('has the figures scikit-learn computes from the same labels and probabilities', () => {
    expect(Evaluation.safeParse(e).success).toBe(true);
    const ref = reference();
    expect(e.rows).toBe(cut.rows.length);
    // Not a trivial case: the reference would agree with anything on a perfect classifier.
    expect(e.accuracy).toBeGreaterThan(0.5);
    expect(e.accuracy).toBeLessThan(1);
    expect(e.accuracy).toBeCloseTo(ref.accuracy, 12);
    expect(e.macroF1).toBeCloseTo(ref.macroF1, 12);
    expect(e.weightedF1).toBeCloseTo(ref.weightedF1, 12);
    expect(e.macroAuc!).toBeCloseTo(ref.macroAuc, 12);
    expect(e.roc.micro.auc!).toBeCloseTo(ref.microAuc, 9);
    expect(e.confusion).toEqual(ref.confusion);
    e.perClass.forEach((c, i) => {
      const r = ref.perClass[i];
      expect(c.label).toBe(r.label);
      expect(c.support).toBe(r.support);
      for (const k of ['precision', 'recall', 'f1'] as const) expect(c[k], `${c.label} ${k}`).toBeCloseTo(r[k], 12);
    });
    e.roc.perClass.forEach((c, i) => {
      const r = ref.roc[i];
      expect(c.label).toBe(r.label);
      expect(c.auc!, c.label).toBeCloseTo(r.auc!, 12);
      // The full curve has every point of roc_curve(drop_intermediate=False); the evaluation keeps it thinned.
      const k = labels.indexOf(c.label);
      const C = labels.length;
      const full = rocCurve(
        Array.from({ length: cut.rows.length }, (_, i) => probs[i * C + k]),
        cut.rows.map((row) => Number(row.intent === c.label)),
      );
      expect(full.points.length, c.label).toBe(r.points.length);
      full.points.forEach(([x, y], j) => {
        expect(x).toBeCloseTo(r.points[j][0], 12);
        expect(y).toBeCloseTo(r.points[j][1], 12);
      });
      expect(c.points).toEqual(thinCurve(full.points));
      expect(c.points.length).toBeLessThanOrEqual(MAX_ROC_POINTS);
    });
    const bins = e.reliability.bins;
    expect(bins).toHaveLength(RELIABILITY_BINS);
    expect(bins.map((b) => b.count)).toEqual(ref.reliability.counts);
    const filled = bins.filter((b) => b.count > 0);
    expect(filled).toHaveLength(ref.reliability.accuracy.length);
    filled.forEach((b, k) => {
      expect(b.accuracy!).toBeCloseTo(ref.reliability.accuracy[k], 12);
      expect(b.meanConfidence!).toBeCloseTo(ref.reliability.confidence[k], 12);
    });
    expect(e.reliability.ece).toBeCloseTo(ref.reliability.ece, 12);
  });

  it('orders the classes so that confused classes sit next to each other', () => {
    // The most confused pair is adjacent in the order (the first merge of the hierarchy).
    const top = e.confusedPairs[0];
    expect(top).toBeDefined();
    expect(Math.abs(e.labels.indexOf(top.truth) - e.labels.indexOf(top.predicted))).toBe(1);
  });

  it("lists each confusion cell's rows: the rows of that cell, with their row and line", () => {
    for (const c of e.cells) {
      expect(c.count).toBe(e.confusion[c.truth][c.predicted]);
      expect(c.rows.length).toBe(Math.min(c.count, 50));
      for (const r of c.rows) {
        expect(r.label).toBe(e.labels[c.truth]);
        expect(r.predicted).toBe(e.labels[c.predicted]);
        expect(cut.rows[r.row - 1]).toEqual({ text: r.text, intent: r.label });
        // One header line, no multi-line texts in this cut.
        expect(r.line).toBe(r.row + 1);
      }
    }
    expect(e.cells.reduce((s, c) => s + c.count, 0)).toBe(e.rows);
    for (const p of e.confusedPairs) expect(p.examples.length).toBe(Math.min(3, p.count));
  });

  it("measures the adapter's effect on k-means against the labels", () => {
    expect(e.model.adapter).toBe(true);
    const a = e.adapterEffect!;
    for (const v of [a.ariBase, a.ariAdapted, a.nmiBase, a.nmiAdapted]) expect(v).toBeGreaterThan(0);
    expect(a.nmiAdapted).toBeLessThanOrEqual(1);
  });

  it('lays the same rows out in 2-D from the base vectors and through the adapter, labelled as given', () => {
    const m = e.adapterEffect!.maps!;
    // Fewer rows than MAX_ADAPTER_MAP_ROWS: every row, with its given label (as the per-class support counts them).
    expect(m.label).toHaveLength(e.rows);
    const support = new Map(e.perClass.map((c) => [c.label, c.support]));
    e.labels.forEach((l, i) => expect(m.label.filter((k) => k === i).length, l).toBe(support.get(l)));
    for (const xy of [m.base, m.adapted]) {
      expect(xy).toHaveLength(2 * e.rows);
      expect(xy.every(Number.isFinite)).toBe(true);
      // A layout, not a line or a point: rows of one class sit together (8 classes: chance is about 1 in 8).
      const near = neighbourAgreement(xy, m.label, e.labels.length);
      expect(near.same.reduce((s, v) => s + v, 0) / e.rows).toBeGreaterThan(0.5);
    }
  });

  it('writes pictures that show a label full of markup as text', async () => {
    const files = await writeEvaluation(join(cut.dir, 'out'), e, []);
    expect(e.labels).toContain(MARKUP_LABEL);
    for (const p of [...files.pictures]) {
      const svg = readFileSync(p, 'utf8');
      expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'), p).toBe(true);
      expect(svg, p).not.toContain('<&>');
      expect(svg, p).not.toContain('"money"');
    }
    expect(readFileSync(files.pictures[0], 'utf8')).toContain('refund &lt;&amp;&gt; &quot;money&quot; back');
    // The adapter's maps are among them, with a dot per row.
    const maps = files.pictures.find((p) => p.endsWith(ADAPTER_MAPS_SVG));
    expect(maps).toBe(files.adapterMaps);
    expect(readFileSync(maps!, 'utf8').match(/<circle /g)).toHaveLength(2 * e.rows);
    expect(Evaluation.parse(JSON.parse(readFileSync(files.json, 'utf8'))).labels).toEqual(e.labels);
  });
});

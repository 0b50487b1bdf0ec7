/**
 * Likely mislabelled rows on planted errors: a clean Bitext cut with the labels of 20 rows flipped to
 * another of its intents. The finder (5-fold out-of-fold heads + confident learning) must find most
 * flipped rows and flag few clean ones; its precision and recall are printed. And the confident-joint
 * rule itself on a hand-made case.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { EvaluateRequest } from '../../../src/shared/evaluation';
import { ClassifyService } from '../../../src/server/classify/service';
import { loadEmbedder, type Embedder } from '../../../src/server/embed';
import { evaluateClassifier } from '../../../src/server/evaluation/evaluateClassifier';
import { confidentLearningIssues } from '../../../src/server/evaluation/labelIssues';
import { stratifiedFolds } from '../../../src/server/evaluation/outOfFold';
import { Prng } from '../../../src/server/vectors/prng';
import { modelDir } from '../../support/model';
import { cutBitext, haveBitext, trainSmall } from './fixture';

const FLIPPED = 20;

describe('confident learning', () => {
  it('flags a row whose given label disagrees with a class it confidently belongs to, ranked by self-confidence', () => {
    // Three classes; thresholds are the mean self-confidence per given class.
    const given = [0, 0, 0, 1, 1, 2, 2, 0];
    const probs = Float32Array.from([
      [0.9, 0.05, 0.05],
      [0.8, 0.1, 0.1],
      [0.7, 0.2, 0.1],
      [0.1, 0.8, 0.1],
      [0.2, 0.7, 0.1],
      [0.1, 0.1, 0.8],
      [0.1, 0.2, 0.7],
      // labelled 0, but confidently 2 (0.85 ≥ class 2's threshold 0.75)
      [0.05, 0.1, 0.85],
    ].flat());
    const issues = confidentLearningIssues(probs, given, 3);
    expect(issues.map((i) => i.index)).toEqual([7]);
    expect(issues[0]).toMatchObject({ suggested: 2 });
    expect(issues[0].selfConfidence).toBeCloseTo(0.05, 6);
  });

  it('deals every class evenly over the folds', () => {
    const y = Int32Array.from({ length: 103 }, (_, i) => i % 7);
    const fold = stratifiedFolds(y, 5, 3);
    for (let c = 0; c < 7; c++) {
      const perFold = [0, 0, 0, 0, 0];
      y.forEach((v, i) => v === c && perFold[fold[i]]++);
      expect(Math.max(...perFold) - Math.min(...perFold)).toBeLessThanOrEqual(1);
    }
  });
});

describe.skipIf(!haveBitext)('likely mislabelled rows on a Bitext cut with planted errors', () => {
  let embedder: Embedder | null = null;
  afterAll(async () => {
    await embedder?.dispose();
  });

  it('finds most of the flipped rows and few of the clean ones', async () => {
    embedder = await loadEmbedder({ modelDir: modelDir(), dtype: 'q8', device: 'cpu' });
    const e0 = embedder;
    const cut = cutBitext(60);
    const model = await trainSmall(cut, e0);
    const intents = [...new Set(cut.rows.map((r) => r.intent))];
    const rng = new Prng(11);
    const flipped = new Set<number>();
    while (flipped.size < FLIPPED) flipped.add(rng.int(cut.rows.length));
    const rows = cut.rows.map((r, i) => {
      if (!flipped.has(i)) return r;
      const others = intents.filter((l) => l !== r.intent);
      return { ...r, intent: others[rng.int(others.length)] };
    });
    const noisy = join(cut.dir, 'noisy.csv');
    writeFileSync(noisy, stringify([['text', 'intent'], ...rows.map((r) => [r.text, r.intent])]));
    const service = new ClassifyService(() => Promise.resolve(e0));
    const e = await evaluateClassifier(EvaluateRequest.parse({ csvPath: noisy, textColumn: 'text', labelColumn: 'intent', model, folds: 5 }), { classifier: (r) => service.model(r), embedder: () => Promise.resolve(e0) });
    const li = e.labelIssues!;
    const found = new Set(li.rows.map((r) => r.row - 1));
    const hits = [...found].filter((i) => flipped.has(i)).length;
    const precision = found.size ? hits / found.size : 0;
    const recall = hits / FLIPPED;
    process.stdout.write(`label-issue finder on ${rows.length} rows, ${FLIPPED} flipped: ${found.size} found, precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)}; out-of-fold accuracy ${li.outOfFoldAccuracy.toFixed(3)}\n`);
    expect(recall).toBeGreaterThanOrEqual(0.7);
    expect(precision).toBeGreaterThanOrEqual(0.6);
    // Each found row: its given label as written, a different suggestion, the most suspicious first.
    for (const r of li.rows) {
      expect(r.given).toBe(rows[r.row - 1].intent);
      expect(r.suggested).not.toBe(r.given);
      expect(r.line).toBe(r.row + 1);
    }
    for (let k = 1; k < li.rows.length; k++) expect(li.rows[k].selfConfidence).toBeGreaterThanOrEqual(li.rows[k - 1].selfConfidence);
    // A flipped row's suggestion is mostly its true intent.
    const restored = li.rows.filter((r) => flipped.has(r.row - 1) && r.suggested === cut.rows[r.row - 1].intent).length;
    expect(restored).toBeGreaterThanOrEqual(Math.ceil(0.8 * hits));
  });
});

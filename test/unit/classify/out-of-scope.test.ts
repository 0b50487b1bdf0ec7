// The reject option on intents the classifier never saw: real Banking77 texts, the real model, a real
// training run with some intents held out; the rule fitted at training time must turn most of them
// away while keeping in-scope texts, and older model files (without the rule) must keep working.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrainParams } from '../../../src/shared/api';
import { TrainedClassifier } from '../../../src/server/classify/classifier';
import { decodeModel, encodeModel, loadModelFile } from '../../../src/server/classify/modelFile';
import { isRejected } from '../../../src/server/classify/reject';
import { trainModel } from '../../../src/server/classify/trainModel';
import { loadEmbedder, type Embedder } from '../../../src/server/embed';
import { silentLogger } from '../../../src/server/log';
import { modelDir } from '../../support/model';

const root = resolve(__dirname, '..', '..', '..');
const data = process.env.TICKET_LENS_DATA || resolve(root, '..', 'shared', 'data');
// Banking77 lives beside the checkout (../shared/data); a clone elsewhere skips these tests.
const haveData = existsSync(join(data, 'banking77_train.csv')) && existsSync(join(data, 'banking77_test.csv'));
const dir = mkdtempSync(join(tmpdir(), 'tl-ood-'));
type Row = { text: string; label: string };
const read = (f: string) => parse<Row>(readFileSync(join(data, f)), { columns: true });

let embedder: Embedder;
let clf: TrainedClassifier;
let test: Row[];
let heldOut: Set<string>;
const modelPath = join(dir, 'in-scope.tlc');

beforeAll(async () => {
  if (!haveData) return;
  embedder = await loadEmbedder({ modelDir: modelDir(), device: 'cpu', cacheDir: join(dir, 'cache') });
  // half of the 77 intents, a quarter of those held out of training
  const labels = [...new Set(read('banking77_train.csv').map((r) => r.label))].sort().filter((_, i) => i % 2 === 0);
  heldOut = new Set(labels.filter((_, i) => i % 4 === 1));
  const csv = join(dir, 'in-scope.csv');
  writeFileSync(csv, stringify(read('banking77_train.csv').filter((r) => labels.includes(r.label) && !heldOut.has(r.label)), { header: true }));
  test = read('banking77_test.csv').filter((r) => labels.includes(r.label));
  await trainModel({ csvPath: csv, textColumn: 'text', columns: [{ column: 'label', multiLabel: false }], outPath: modelPath, params: TrainParams.parse({ adapter: true, seed: 1 }) }, { embedder, log: silentLogger });
  clf = new TrainedClassifier(modelPath, await loadModelFile(modelPath));
});
afterAll(async () => {
  if (haveData) await embedder.dispose();
});

describe.skipIf(!haveData)('out-of-scope rule', () => {
  it('is fitted at training time and stored in the model file', () => {
    const ood = clf.data.header.reject.ood;
    expect(ood).toBeDefined();
    expect(ood!.task).toBe('label');
    expect(ood!.quantile).toBe(0.05);
    // the file round-trips it exactly
    const again = decodeModel(readFileSync(modelPath), modelPath);
    expect(again.header.reject.ood).toEqual(ood);
  });

  it('rejects most texts of held-out intents, few in-scope ones, and far more than the previous rule at that rate', async () => {
    const vectors = await embedder.embed(test.map((r) => r.text.trim()));
    const preds = await clf.predict(vectors, { topK: 1, reject: true });
    const oos = test.map((r) => heldOut.has(r.label));
    const rate = (want: boolean) => preds.filter((p, i) => oos[i] === want && p[0].unknown).length / oos.filter((o) => o === want).length;
    const oosRejected = rate(true);
    const inRejected = rate(false);
    expect(inRejected).toBeLessThanOrEqual(0.08);
    expect(oosRejected).toBeGreaterThanOrEqual(0.45);
    // the previous rule (nearest-example similarity, slack for a confident head) on the same texts
    const x = clf.toModelSpace(vectors);
    const { perTask, neighbours } = await clf.scores(x);
    const C = clf.tasks[0].labels.length;
    const before = test.map((_, i) => isRejected(neighbours.similarity[i][0], Math.max(...perTask[0].subarray(i * C, i * C + C)), clf.data.header.reject));
    const beforeOos = before.filter((b, i) => b && oos[i]).length / oos.filter(Boolean).length;
    expect(oosRejected).toBeGreaterThan(beforeOos + 0.15);
    const rejected = preds.find((p, i) => oos[i] && p[0].unknown)![0];
    expect(rejected.label).toBe('unknown');
    expect(rejected.reason).toMatch(/out-of-scope score/);
  });

  it('older model files without the rule load and keep the nearest-example rule', async () => {
    const path = join(root, 'models', 'classifiers', 'bitext.tlc');
    const old = new TrainedClassifier(path, await loadModelFile(path));
    expect(old.data.header.reject.ood).toBeUndefined();
    const [pred] = await old.predict(await embedder.embed(['Photosynthesis converts light into chemical energy in chloroplasts.']), { topK: 1, reject: true });
    expect(pred[0].unknown).toBe(true);
    expect(pred[0].reason).toMatch(/most similar training example/);
    // and a new file stripped of the rule behaves the same way
    const m = decodeModel(readFileSync(modelPath), modelPath);
    const { ood: _ood, ...rule } = m.header.reject;
    const stripped = decodeModel(
      encodeModel({ header: { ...m.header, reject: rule, tasks: m.header.tasks.map(({ weights: _w, ...t }) => t), examples: { texts: m.header.examples.texts, labels: m.header.examples.labels } }, weights: m.weights, adapter: m.adapter, exampleVectors: m.exampleVectors }),
      'stripped.tlc',
    );
    expect(stripped.header.reject.ood).toBeUndefined();
  });
});

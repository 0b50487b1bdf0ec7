// The classification engine with the real MiniLM model on the bundled sample (300 Bitext tickets).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClassifyRequest, TicketLensError, TrainParams, type TrainResult } from '../../../src/shared/api';
import { classifyCsv } from '../../../src/server/classify/batch';
import { readLabelled } from '../../../src/server/classify/dataset';
import { evaluateModel } from '../../../src/server/classify/evaluate';
import { resolveLabelSets } from '../../../src/server/classify/labelSets';
import { assertSameEmbedding } from '../../../src/server/classify/embeddingCheck';
import { decodeModel, encodeModel, loadModelFile, type ModelHeader } from '../../../src/server/classify/modelFile';
import { ClassifyService } from '../../../src/server/classify/service';
import { trainModel } from '../../../src/server/classify/trainModel';
import { loadEmbedder, type Embedder } from '../../../src/server/embed';
import { silentLogger } from '../../../src/server/log';
import { modelDir } from '../../support/model';
import { SAMPLE_CSV } from '../../support/sample';

const dir = mkdtempSync(join(tmpdir(), 'tl-classify-'));
let embedder: Embedder;
let service: ClassifyService;
const modelPath = join(dir, 'sample.tlc');
let trained: TrainResult;

const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');
const req = (texts: string[], extra: Partial<ClassifyRequest> = {}) => ClassifyRequest.parse({ texts, models: [modelPath], labelSets: [], ...extra });

beforeAll(async () => {
  embedder = await loadEmbedder({ modelDir: modelDir(), device: 'cpu', cacheDir: join(dir, 'cache') });
  service = new ClassifyService(() => Promise.resolve(embedder));
  trained = await trainModel(
    { csvPath: SAMPLE_CSV, textColumn: 'text', columns: [{ column: 'intent', multiLabel: false }, { column: 'category', multiLabel: false }], outPath: modelPath, params: TrainParams.parse({ adapter: true, seed: 1 }) },
    { embedder, log: silentLogger },
  );
});
afterAll(() => embedder.dispose());

describe('training on a small labelled set', () => {
  it('converges: high validation accuracy, and the adapter report has both sides', () => {
    const intent = trained.tasks.find((t) => t.task === 'intent')!;
    expect(intent.classes).toBe(10);
    expect(intent.valAccuracy).toBeGreaterThan(0.85);
    expect(intent.bestEpoch).toBeGreaterThan(1);
    expect(trained.adapter).not.toBeNull();
    expect(trained.adapter!.nmiWith).toBeGreaterThan(0);
    expect(trained.adapter!.nmiWithout).toBeGreaterThan(0);
  });

  it('is reproducible: the same data, parameters and seed give the same file body', async () => {
    const again = join(dir, 'again.tlc');
    await trainModel(
      { csvPath: SAMPLE_CSV, textColumn: 'text', columns: [{ column: 'intent', multiLabel: false }, { column: 'category', multiLabel: false }], outPath: again, params: TrainParams.parse({ adapter: true, seed: 1 }) },
      { embedder, log: silentLogger },
    );
    const a = await loadModelFile(modelPath);
    const b = await loadModelFile(again);
    expect(Array.from(b.weights[0])).toEqual(Array.from(a.weights[0]));
    expect(Array.from(b.adapter!)).toEqual(Array.from(a.adapter!));
    expect(b.header.reject).toEqual(a.header.reject);
  });

  it('evaluates well on its own data and the report has the required fields', async () => {
    const clf = await service.model(modelPath);
    const data = await readLabelled(SAMPLE_CSV, 'text', [{ column: 'intent', multiLabel: false }], { knownLabels: { intent: clf.tasks[0].labels } });
    const report = await evaluateModel(clf, data, await embedder.embed(data.texts), { reject: false, modelName: 'sample' });
    const t = report.tasks[0];
    expect(t.accuracy).toBeGreaterThan(0.95);
    expect(t.per_class).toHaveLength(10);
    expect(t.confusion.matrix).toHaveLength(10);
    expect(t.confusion.matrix.flat().reduce((s, v) => s + v, 0)).toBe(300);
    expect(t.roc_auc_ovr).toBeGreaterThan(0.99);
  });
});

describe('model file', () => {
  it('round-trips: weights exact, examples within int8 error, same predictions after reload', async () => {
    const m = await loadModelFile(modelPath);
    const back = decodeModel(
      encodeModel({
        header: { ...m.header, tasks: m.header.tasks.map(({ weights: _w, ...t }) => t), examples: { texts: m.header.examples.texts, labels: m.header.examples.labels } },
        weights: m.weights,
        adapter: m.adapter,
        exampleVectors: m.exampleVectors,
      }),
      'memory',
    );
    expect(back.header.tasks.map((t) => t.labels)).toEqual(m.header.tasks.map((t) => t.labels));
    expect(Array.from(back.weights[1])).toEqual(Array.from(m.weights[1]));
    let maxErr = 0;
    for (let i = 0; i < m.exampleVectors.length; i++) maxErr = Math.max(maxErr, Math.abs(back.exampleVectors[i] - m.exampleVectors[i]));
    expect(maxErr).toBeLessThan(0.01);
    const texts = ['where is my package', 'I want my money back'];
    const first = await service.classify(req(texts));
    const fresh = new ClassifyService(() => Promise.resolve(embedder));
    const second = await fresh.classify(req(texts));
    expect(second).toEqual(first);
    expect(first.results[0].tasks.map((t) => t.task)).toEqual(['intent', 'category']);
    expect(first.results[0].tasks[0].label).toBe('delivery_period');
    expect(first.results[1].tasks[0].label).toBe('get_refund');
  });

  /** The trained sample model rewritten with another embedding identity. */
  async function withEmbedding(name: string, embedding: Partial<ModelHeader['embedding']>, fingerprint: ModelHeader['fingerprint']): Promise<string> {
    const m = await loadModelFile(modelPath);
    const out = join(dir, name);
    const { fingerprint: _fp, ...rest } = m.header;
    writeFileSync(
      out,
      encodeModel({
        header: { ...rest, ...(fingerprint ? { fingerprint } : {}), embedding: { ...m.header.embedding, ...embedding }, tasks: m.header.tasks.map(({ weights: _w, ...t }) => t), examples: { texts: m.header.examples.texts, labels: m.header.examples.labels } },
        weights: m.weights,
        adapter: m.adapter,
        exampleVectors: m.exampleVectors,
      }),
    );
    return out;
  }

  it('accepts another build of the same model by its fingerprint (unknown ONNX hash, fp32 instead of q8)', async () => {
    const m = await loadModelFile(modelPath);
    expect(m.header.fingerprint!.texts.length).toBeGreaterThanOrEqual(8);
    const rebuilt = await withEmbedding('rebuilt.tlc', { hashes: ['ab'.repeat(32)] }, m.header.fingerprint);
    const fp32 = await loadEmbedder({ modelDir: modelDir(), device: 'cpu', dtype: 'fp32' });
    try {
      const match = await assertSameEmbedding((await loadModelFile(rebuilt)).header, rebuilt, fp32);
      expect(match).toMatchObject({ same: true, by: 'fingerprint' });
      expect(match.same && match.by === 'fingerprint' && match.minCosine).toBeGreaterThan(0.98);
      const out = await new ClassifyService(() => Promise.resolve(fp32)).classify(req(['I want my money back'], { models: [rebuilt] }));
      expect(out.results[0].tasks[0].label).toBe('get_refund');
    } finally {
      await fp32.dispose();
    }
  });

  it('refuses a model made for another embedding model, naming both and the evidence', async () => {
    const m = await loadModelFile(modelPath);
    // Another model places the same probe texts elsewhere: here, each text at another text's vector.
    const fp = m.header.fingerprint!;
    const elsewhere = { texts: fp.texts, vectors: fp.vectors.map((_, i) => fp.vectors[(i + 1) % fp.vectors.length]) };
    const other = await withEmbedding('other-model.tlc', { modelId: 'BAAI/bge-small-en-v1.5', hashes: ['ab'.repeat(32)] }, elsewhere);
    const err = await service.classify(req(['hello'], { models: [other] })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TicketLensError);
    expect((err as Error).message).toMatch(/trained on embeddings of BAAI\/bge-small-en-v1\.5/);
    expect((err as Error).message).toMatch(/sentence-transformers\/all-MiniLM-L6-v2/);
    expect((err as Error).message).toMatch(/probe texts embed to vectors with cosine -?0\.\d+ to those recorded, below 0\.95/);
    expect((err as Error).message).toMatch(/retrain/);
  });

  it('refuses a file without a fingerprint unless its ONNX hash matches', async () => {
    const old = await withEmbedding('old-format.tlc', { hashes: ['ab'.repeat(32)] }, undefined);
    await expect(service.model(old)).rejects.toThrow(/no embedding fingerprint was recorded, so only an identical ONNX file is accepted/);
    const same = await withEmbedding('old-format-same.tlc', { hashes: [embedder.info.modelHash] }, undefined);
    await expect(service.model(same)).resolves.toBeDefined();
  });

  it('refuses a file that is not a classifier', async () => {
    const junk = join(dir, 'junk.tlc');
    writeFileSync(junk, 'hello');
    await expect(service.model(junk)).rejects.toThrow(/not a usable Ticket Lens classifier/);
  });
});

describe('multi-label', () => {
  it('learns one threshold per label and predicts label sets', async () => {
    const rows = parse<{ text: string; category: string; intent: string }>(readFileSync(SAMPLE_CSV), { columns: true });
    const csv = join(dir, 'tags.csv');
    // two labels per row: the category and a coarse "money" / "other" tag
    const money = new Set(['get_refund', 'get_invoice', 'payment_issue']);
    writeFileSync(csv, ['text,tags', ...rows.map((r) => `"${r.text.replace(/"/g, '""')}",${r.category};${money.has(r.intent) ? 'money' : 'other'}`)].join('\n'));
    const out = join(dir, 'tags.tlc');
    const r = await trainModel({ csvPath: csv, textColumn: 'text', columns: [{ column: 'tags', multiLabel: true, sep: ';' }], outPath: out, params: TrainParams.parse({ seed: 2, epochs: 40 }) }, { embedder, log: silentLogger });
    const labels = (await loadModelFile(out)).header.tasks[0].labels;
    expect(labels).toEqual(expect.arrayContaining(['money', 'other', 'REFUND', 'INVOICE']));
    expect(r.tasks[0].thresholds).toHaveLength(labels.length);
    for (const t of r.tasks[0].thresholds!) expect(t > 0 && t < 1).toBe(true);
    const res = await service.classify(req(['how can I get a refund of my money', 'how do I reset my password'], { models: [out] }));
    const [refund, password] = res.results.map((x) => x.tasks[0]);
    expect(refund.multiLabel).toBe(true);
    expect(refund.labels).toEqual(expect.arrayContaining(['REFUND', 'money']));
    expect(password.labels).toEqual(expect.arrayContaining(['ACCOUNT', 'other']));
    expect(password.labels).not.toContain('money');
  });
});

describe('reject option', () => {
  it('answers "unknown" with a reason for texts unlike every class, and a label for in-scope ones', async () => {
    const res = await service.classify(req(['Photosynthesis converts light into chemical energy in chloroplasts.', 'I need help getting a refund for my purchase']));
    const [oos, ok] = res.results.map((x) => x.tasks[0]);
    expect(oos.unknown).toBe(true);
    expect(oos.label).toBe('unknown');
    expect(oos.reason).toMatch(/unlike every class.*similarity/);
    expect(ok.unknown).toBe(false);
    expect(ok.label).toBe('get_refund');
    const off = await service.classify(req(['Photosynthesis converts light into chemical energy in chloroplasts.'], { reject: false }));
    expect(off.results[0].tasks[0].unknown).toBe(false);
  });
});

describe('explanations', () => {
  it('gives nearest examples and per-word contributions; removing the key word lowers the score', async () => {
    const text = 'I forgot my password and cannot log in';
    const res = await service.classify(req([text], { explain: true }));
    const p = res.results[0].tasks[0];
    expect(p.label).toBe('recover_password');
    const ex = p.explanation!;
    expect(ex.nearest.length).toBe(3);
    expect(ex.nearest[0].label).toBe('recover_password');
    expect(ex.nearest[0].similarity).toBeGreaterThanOrEqual(ex.nearest[1].similarity);
    expect(ex.words.map((w) => w.word)).toEqual(text.split(' '));
    const pw = ex.words.find((w) => w.word === 'password')!;
    expect(pw.contribution).toBeGreaterThan(0);
    const filler = ex.words.find((w) => w.word === 'and')!;
    expect(pw.contribution).toBeGreaterThan(filler.contribution);
    expect(filler.stopWord).toBe(true);
    expect(pw.stopWord).toBe(false);
  });

  it('explains zero-shot predictions with the closest label phrases', async () => {
    const res = await service.classify(ClassifyRequest.parse({ texts: ['my package never arrived'], labelSets: ['category'], explain: true }));
    const p = res.results[0].tasks[0];
    expect(p.source).toBe('zero-shot');
    expect(p.label).toBe('Shipping Concern');
    expect(p.explanation!.nearest[0].label).toBe('Shipping Concern');
    const pkg = p.explanation!.words.find((w) => w.word === 'package')!;
    expect(pkg.contribution).toBeGreaterThan(0);
  });
});

describe('zero-shot label sets', () => {
  it('classifies with the built-in sets: multi-label category, priority, sentiment', async () => {
    const res = await service.classify(ClassifyRequest.parse({ texts: ['I was charged twice and I am furious, fix this now!', 'thank you so much, the new feature works great'] }));
    const [angry, happy] = res.results.map((r) => Object.fromEntries(r.tasks.map((t) => [t.task, t])));
    expect(angry.category.labels).toContain('Billing Issue');
    expect(angry.sentiment.label).toBe('Negative');
    expect(happy.sentiment.label).toBe('Positive');
    expect(angry.priority.topK.reduce((s, k) => s + k.score, 0)).toBeCloseTo(1, 5);
  });

  it('loads a workspace labels file, overriding a built-in', async () => {
    const ws = join(dir, 'ws');
    mkdirSync(join(ws, '.ticket-lens'), { recursive: true });
    writeFileSync(
      join(ws, '.ticket-lens', 'labels.json'),
      JSON.stringify({ version: 1, sets: [{ name: 'team', labels: [{ name: 'Payments', description: 'money, cards, charges' }, { name: 'Logistics', description: 'parcels, couriers, delivery' }] }] }),
    );
    const sets = await resolveLabelSets(undefined, ws);
    expect(sets.map((s) => s.name)).toEqual(['category', 'priority', 'sentiment', 'department', 'team']);
    const res = await service.classify(ClassifyRequest.parse({ texts: ['the courier lost my parcel'], labelSets: ['team'], workspace: ws }));
    expect(res.results[0].tasks[0].label).toBe('Logistics');
  });

  it('bad label files give clear errors: empty label, one label only, not JSON, unknown set', async () => {
    const ws = join(dir, 'bad');
    mkdirSync(join(ws, '.ticket-lens'), { recursive: true });
    const file = join(ws, '.ticket-lens', 'labels.json');
    const attempt = async (content: string) => {
      writeFileSync(file, content);
      return resolveLabelSets(undefined, ws).then(
        () => null,
        (e: unknown) => e as TicketLensError,
      );
    };
    const empty = await attempt(JSON.stringify({ sets: [{ name: 's', labels: [{ name: ' ', description: 'x' }, { name: 'b', description: 'y' }] }] }));
    expect(empty?.message).toContain(file);
    expect(empty?.message).toMatch(/sets\[0\]\.labels\[0\]\.name: a label name must not be empty/);
    const one = await attempt(JSON.stringify({ sets: [{ name: 's', labels: [{ name: 'a', description: 'x' }] }] }));
    expect(one?.message).toMatch(/sets\[0\]\.labels: a label set needs at least two labels/);
    const notJson = await attempt('{ sets: [');
    expect(notJson?.message).toMatch(/is not valid JSON/);
    await expect(resolveLabelSets(['nope'])).rejects.toThrow(/There is no label set "nope"; available: "category"/);
  });
});

describe('bad training data', () => {
  const write = (name: string, body: string) => {
    const p = join(dir, name);
    writeFileSync(p, body);
    return p;
  };
  const train = (csv: string, column: string) =>
    trainModel({ csvPath: csv, textColumn: 'text', columns: [{ column, multiLabel: false }], outPath: join(dir, 'bad.tlc'), params: TrainParams.parse({}) }, { embedder, log: silentLogger });

  it('an empty label cell names the file, row and column', async () => {
    const csv = write('empty-label.csv', 'text,label\nhello there,a\nhow are you,\nbye now,b\nsee you,a\n');
    await expect(train(csv, 'label')).rejects.toThrow(/empty-label\.csv: row 2 \(line 3\) has an empty "label" cell/);
  });

  it('a column with one class only is refused', async () => {
    const csv = write('one-class.csv', 'text,label\nhello there,a\nhow are you,a\nbye now,a\nsee you,a\n');
    await expect(train(csv, 'label')).rejects.toThrow(/the column "label" has only one class \("a"\)/);
  });

  it('an unknown column is refused with the header and a suggestion', async () => {
    const csv = write('cols.csv', 'text,label\nhello there,a\nhow are you,b\n');
    await expect(train(csv, 'labels')).rejects.toThrow(/there is no column "labels"\. The header has: "text", "label"\. Did you mean "label"\?/);
    expect(existsSync(join(dir, 'bad.tlc'))).toBe(false);
  });
});

describe('batch classify', () => {
  it('writes every row with label + confidence per task, resumes after an interruption, leaves the input untouched', async () => {
    const before = sha(SAMPLE_CSV);
    const full = join(dir, 'full.csv');
    await classifyCsv({ csvPath: SAMPLE_CSV, textColumn: 'text', outPath: full, models: [modelPath], labelSets: ['sentiment'], chunkSize: 64 }, { service });
    const out = join(dir, 'resumed.csv');
    const ac = new AbortController();
    const err = await classifyCsv(
      { csvPath: SAMPLE_CSV, textColumn: 'text', outPath: out, models: [modelPath], labelSets: ['sentiment'], chunkSize: 64 },
      { service, signal: ac.signal, progress: (p) => p.stage === 'classifying' && (p.done ?? 0) >= 128 && ac.abort(new Error('interrupted')) },
    ).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/interrupted|cancel/);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}.partial`)).toBe(true);
    const r = await classifyCsv({ csvPath: SAMPLE_CSV, textColumn: 'text', outPath: out, models: [modelPath], labelSets: ['sentiment'], chunkSize: 64 }, { service });
    expect(r.resumedAfterRow).toBe(128);
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(full, 'utf8'));
    expect(existsSync(`${out}.partial`)).toBe(false);
    expect(existsSync(`${out}.partial.json`)).toBe(false);
    expect(sha(SAMPLE_CSV)).toBe(before);
    const rows = parse<Record<string, string>>(readFileSync(out), { columns: true });
    expect(rows).toHaveLength(300);
    expect(Object.keys(rows[0])).toEqual(['row', 'text', 'category', 'intent', 'predicted_intent', 'predicted_intent_confidence', 'predicted_category', 'predicted_category_confidence', 'predicted_sentiment', 'predicted_sentiment_confidence']);
    const agree = rows.filter((x) => x.predicted_intent === x.intent).length;
    expect(agree / rows.length).toBeGreaterThan(0.95);
    expect(Number(rows[0].predicted_intent_confidence)).toBeGreaterThan(0);
  });

  it('refuses to write over its input', async () => {
    await expect(classifyCsv({ csvPath: SAMPLE_CSV, textColumn: 'text', outPath: SAMPLE_CSV, models: [modelPath] }, { service })).rejects.toThrow(/inputs are never modified/);
  });
});

// Zero-shot label sets with the real MiniLM model: calibrated confidences, "uncertain" near ties, the
// new department set and angry level; measured on labelled Banking77 texts through the shipped mapping.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClassifyRequest, LabelSet, type TaskPrediction } from '../../../src/shared/api';
import { singleLabelScores } from '../../../src/server/classify/metrics';
import { resolveLabelSets } from '../../../src/server/classify/labelSets';
import { ClassifyService } from '../../../src/server/classify/service';
import { buildPrototypes, LEGACY_ZERO_SHOT, UNCERTAIN_MARGIN, ZERO_SHOT, zeroShotScores, type ZeroShotMethod, type Prototypes } from '../../../src/server/classify/zeroShot';
import { loadEmbedder, type Embedder } from '../../../src/server/embed';
import { modelDir } from '../../support/model';

const root = resolve(__dirname, '..', '..', '..');
const data = process.env.TICKET_LENS_DATA || resolve(root, '..', 'shared', 'data');
const dir = mkdtempSync(join(tmpdir(), 'tl-zero-shot-'));
let embedder: Embedder;
let service: ClassifyService;
/** The sets as they were before calibration (kept for bench:classify's "before"). */
const previousSets = (JSON.parse(readFileSync(join(root, 'scripts', 'bench-data', 'zero-shot-sets-v1.json'), 'utf8')) as { sets: unknown[] }).sets.map((s) => LabelSet.parse(s));

beforeAll(async () => {
  embedder = await loadEmbedder({ modelDir: modelDir(), device: 'cpu', cacheDir: join(dir, 'cache') });
  service = new ClassifyService(() => Promise.resolve(embedder));
});
afterAll(() => embedder.dispose());

const classify = async (text: string, labelSets: string[]): Promise<Record<string, TaskPrediction>> =>
  Object.fromEntries((await service.classify(ClassifyRequest.parse({ texts: [text], labelSets }))).results[0].tasks.map((t) => [t.task, t]));

describe('zero-shot confidences', () => {
  const ticket = 'I was charged twice for my order and I want my money back';

  it('the issue\'s charged-twice ticket is no longer a 50/50 coin flip shown as certainty', async () => {
    // the old sets and method: a near coin flip between High and Medium (50/50 in the issue, 37/63
    // here — the int8 model's cosines move by ~0.01 with the batch, and 0.03 amplifies that), Low 0%
    const [old] = await buildPrototypes(previousSets.filter((s) => s.name === 'priority'), embedder);
    const oldProbs = zeroShotScores(old, await embedder.embed([ticket]), embedder.info.dim, LEGACY_ZERO_SHOT).probs;
    const oldTop = oldProbs.indexOf(Math.max(...oldProbs));
    const sorted = [...oldProbs].sort((a, b) => b - a);
    expect(old.set.labels[oldTop].name !== 'High' || sorted[0] - sorted[1] < UNCERTAIN_MARGIN).toBe(true);

    const { priority } = await classify(ticket, ['priority']);
    const [first, second] = priority.topK;
    // either a clear answer or an explicit "uncertain" — never a silent tie
    expect(priority.uncertain === true || first.score - second.score >= UNCERTAIN_MARGIN).toBe(true);
    expect(priority.label).toBe('High');
    expect(priority.uncertain).toBe(false);
  });

  it('flags a near tie as uncertain and a clear case as not', async () => {
    const sets = await resolveLabelSets(['department']);
    const [p] = await buildPrototypes(sets, embedder);
    const texts = ['I forgot my password and cannot log in', 'my card was charged but the parcel never arrived and I forgot my login'];
    const res = await service.classify(ClassifyRequest.parse({ texts, labelSets: ['department'], topK: 3 }));
    const [clear, mixed] = res.results.map((r) => r.tasks[0]);
    expect(clear.label).toBe('Accounts');
    expect(clear.uncertain).toBe(false);
    // the flag is exactly the documented margin on the returned confidences
    for (const t of [clear, mixed]) expect(t.uncertain).toBe(t.topK[0].score - t.topK[1].score < UNCERTAIN_MARGIN);
    const probs = zeroShotScores(p, await embedder.embed([texts[1]]), embedder.info.dim).probs;
    expect(Math.max(...probs)).toBeLessThan(0.8);
  });

  // Banking77 lives beside the checkout (../shared/data); a clone elsewhere skips this one.
  it.skipIf(!existsSync(join(data, 'banking77_test.csv')))('on labelled Banking77 texts (category and priority through the mapping): better accuracy and calibration than before, and uncertain rows are the weaker ones', async () => {
    const mapping = (JSON.parse(readFileSync(join(root, 'models', 'classifiers', 'banking77-mapping.json'), 'utf8')) as { intents: Record<string, { category: string; priority: string }> }).intents;
    // every 5th test row: 616 texts over all 77 intents
    const rows = parse<{ text: string; label: string }>(readFileSync(join(data, 'banking77_test.csv')), { columns: true }).filter((_, i) => i % 5 === 0);
    const x = await embedder.embed(rows.map((r) => r.text.trim()));
    const dim = embedder.info.dim;
    const evaluate = (p: Prototypes, truthName: (r: { label: string }) => string, method: ZeroShotMethod) => {
      const names = p.set.labels.map((l) => l.name);
      const C = names.length;
      const { probs } = zeroShotScores(p, x, dim, method);
      const truth = rows.map((r) => names.indexOf(truthName(r)));
      const flagged: boolean[] = [];
      const pred = truth.map((_, i) => {
        const order = [...probs.subarray(i * C, i * C + C).keys()].sort((a, b) => probs[i * C + b] - probs[i * C + a]);
        flagged.push(probs[i * C + order[0]] - probs[i * C + order[1]] < UNCERTAIN_MARGIN);
        return order[0];
      });
      const acc = (keep: boolean) => {
        const idx = truth.map((_, i) => i).filter((i) => flagged[i] === keep);
        return idx.filter((i) => pred[i] === truth[i]).length / Math.max(1, idx.length);
      };
      return { ...singleLabelScores(names, truth, pred, probs), accUncertain: acc(true), accCertain: acc(false) };
    };
    const before = Object.fromEntries((await buildPrototypes(previousSets, embedder)).map((p) => [p.set.name, p]));
    const after = Object.fromEntries((await buildPrototypes(await resolveLabelSets(['category', 'priority']), embedder)).map((p) => [p.set.name, p]));
    for (const task of ['category', 'priority'] as const) {
      const b = evaluate(before[task], (r) => mapping[r.label][task], LEGACY_ZERO_SHOT);
      const a = evaluate(after[task], (r) => mapping[r.label][task], ZERO_SHOT);
      expect(a.accuracy, task).toBeGreaterThan(b.accuracy + 0.05);
      expect(a.ece, task).toBeLessThan(b.ece * 0.7);
      expect(a.accUncertain, task).toBeLessThan(a.accCertain);
    }
  });
});

describe('built-in sets for routing and tone', () => {
  it('department routes tickets to the team that handles them', async () => {
    const cases: [string, string][] = [
      ['my parcel is two weeks late and the tracking has not moved', 'Shipping & Logistics'],
      ['I cannot sign in, it says my password is wrong', 'Accounts'],
      ['there is a fee on my invoice I do not understand', 'Billing'],
      ['the app shows an error and closes every time I open it', 'Technical Support'],
      ['do you have a cheaper plan for small teams', 'Sales'],
    ];
    const res = await service.classify(ClassifyRequest.parse({ texts: cases.map((c) => c[0]), labelSets: ['department'] }));
    expect(res.results.map((r) => r.tasks[0].label)).toEqual(cases.map((c) => c[1]));
  });

  it('sentiment tells angry from merely negative', async () => {
    const angry = await classify('You are a bunch of thieves! I am furious and I will sue you if this is not fixed today!', ['sentiment']);
    const negative = await classify('I was charged twice for my order and I want my money back', ['sentiment']);
    expect(angry.sentiment.label).toBe('Angry');
    expect(negative.sentiment.label).toBe('Negative');
  });
});

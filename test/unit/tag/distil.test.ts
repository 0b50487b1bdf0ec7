/**
 * Distillation, the whole loop: the real @anthropic-ai/sdk tags a sample of rows through the fake
 * Messages API, which answers from a hidden label column of Bitext (the CSV holds only ids and
 * texts); tags.csv trains a local classifier with the real model; it classifies every row into
 * predictions.csv; and its accuracy on rows that neither it nor the reference was trained on is
 * compared with a classifier trained on every true label. Skipped where the shared data is absent.
 * The texts are in the shared embedding cache after one run, so the file costs seconds of embedding.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TicketLensError, TrainParams, type LabelSet } from '../../../src/shared/api';
import type { DistilSummary, TagSummary } from '../../../src/shared/tag';
import { TrainedClassifier } from '../../../src/server/classify/classifier';
import { loadModelFile } from '../../../src/server/classify/modelFile';
import { trainModel } from '../../../src/server/classify/trainModel';
import { cacheRoot, loadEmbedder, type Embedder } from '../../../src/server/embed';
import { silentLogger } from '../../../src/server/log';
import { distilFromTags } from '../../../src/server/tag/distil';
import { tagRows } from '../../../src/server/tag/tagRows';
import { startFakeAnthropic } from '../../support/fakeAnthropic';
import { labelColumnResponder } from '../../support/labelColumnResponder';
import { modelDir } from '../../support/model';

const bitextCsv = join(process.env.TICKET_LENS_DATA || resolve(__dirname, '..', '..', '..', '..', 'shared', 'data'), 'bitext.csv');
const KEY = 'sk-ant-test-distil-0123456789';
const SEED = 7;
/** Bitext's categories as a workspace label set: what a team would write for its own categories. */
const CATEGORIES: Record<string, string> = {
  ACCOUNT: 'creating, editing, switching, recovering or deleting an account; passwords and registration problems',
  CANCELLATION_FEE: 'the fee for cancelling early',
  CONTACT: 'reaching customer service or a human agent',
  DELIVERY: 'delivery options and delivery times',
  FEEDBACK: 'a complaint or a review of the service',
  INVOICE: 'getting or checking an invoice or a bill',
  ORDER: 'placing, changing, cancelling or tracking an order',
  PAYMENT: 'payment methods and problems with a payment',
  REFUND: 'the refund policy, getting a refund and tracking it',
  SHIPPING_ADDRESS: 'setting or changing the shipping address',
  SUBSCRIPTION: 'subscribing to or leaving the newsletter',
};
const labelDefs = (names: Record<string, string>) => Object.entries(names).map(([name, description]) => ({ name, description }));

interface Ticket {
  row: number;
  id: string;
  text: string;
  category: string;
  intent: string;
}

interface Prediction {
  id: string;
  labels: string[];
  unsure: boolean;
}

const dir = mkdtempSync(join(tmpdir(), 'tl-distil-'));
const csv = join(dir, 'tickets.csv');
/** Every 5th Bitext row (5,375 tickets); every 5th of those is held out of the reference's training. */
let tickets: Ticket[] = [];
let heldOut: Ticket[] = [];
let embedder: Embedder;

function predictionsOf(path: string): Map<number, Prediction> {
  const rows = parse<{ row: string; id: string; label: string; unsure: string }>(readFileSync(path), { columns: true });
  return new Map(rows.map((r) => [Number(r.row), { id: r.id, labels: r.label.split(';').filter((l) => l), unsure: r.unsure === 'yes' }]));
}

const share = <T,>(rows: readonly T[], ok: (t: T) => boolean) => rows.filter(ok).length / rows.length;

interface Distilled {
  tagged: TagSummary;
  distilled: DistilSummary;
  predictions: Map<number, Prediction>;
  taggedRows: Set<number>;
}

/**
 * The loop as a user runs it, for a label set the fake API answers from `labelsOf` (the hidden
 * column): `ticket-lens tag --sample N` (tagRows), then `--train` (distilFromTags).
 */
async function tagAndDistil(set: LabelSet, labelsOf: (t: Ticket) => string[], sample: number): Promise<Distilled> {
  const workspace = mkdtempSync(join(dir, `${set.name}-`));
  mkdirSync(join(workspace, '.ticket-lens'));
  writeFileSync(join(workspace, '.ticket-lens', 'labels.json'), JSON.stringify({ version: 1, sets: [set] }));
  const fake = await startFakeAnthropic(labelColumnResponder(tickets.map((t) => ({ text: t.text, labels: labelsOf(t) }))));
  try {
    const tagged = await tagRows({ csvPath: csv, labelSet: set.name, workspace, sample, seed: SEED, outDir: join(workspace, 'tags'), baseURL: fake.url, baseDelayMs: 10 }, silentLogger, undefined, {
      apiKey: KEY,
      cacheDir: mkdtempSync(join(dir, 'tag-cache-')),
    });
    const distilled = await distilFromTags({ csvPath: csv, tagsCsv: tagged.tagsCsv, labelSet: set.name, workspace, seed: SEED }, silentLogger, undefined, { embedder });
    const taggedRows = new Set(parse<{ row: string }>(readFileSync(tagged.tagsCsv), { columns: true }).map((r) => Number(r.row)));
    return { tagged, distilled, predictions: predictionsOf(distilled.predictionsCsv), taggedRows };
  } finally {
    await fake.close();
  }
}

beforeAll(async () => {
  if (!existsSync(bitextCsv)) return;
  const all = parse<{ text: string; category: string; intent: string }>(readFileSync(bitextCsv), { columns: true });
  tickets = all
    .filter((_, i) => i % 5 === 0)
    .map((r, i) => ({ row: i + 1, id: `T${String(i + 1).padStart(5, '0')}`, text: r.text.trim(), category: r.category, intent: r.intent }));
  heldOut = tickets.filter((_, i) => i % 5 === 4);
  // The label columns stay out of the CSV: only the fake API knows them.
  writeFileSync(csv, stringify([['id', 'text'], ...tickets.map((t) => [t.id, t.text])]));
  embedder = await loadEmbedder({ modelDir: modelDir(), device: 'cpu', cacheDir: cacheRoot() });
});

afterAll(async () => {
  await embedder?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!existsSync(bitextCsv))('distilling 500 of Claude’s tags into a local classifier (the fake API answering from Bitext’s hidden category)', () => {
  let run: Distilled;
  /** Held-out rows that were not tagged either: neither classifier trained on them. */
  let unseen: Ticket[];

  beforeAll(async () => {
    run = await tagAndDistil({ name: 'bitext_category', multiLabel: false, labels: labelDefs(CATEGORIES).map((l) => ({ ...l, examples: [] })) }, (t) => [t.category], 500);
    unseen = heldOut.filter((t) => !run.taggedRows.has(t.row));
  });

  it('tags 500 rows through the fake API, then classifies every row of the CSV, with its id', () => {
    const { tagged, distilled, predictions } = run;
    expect(tagged.tagged).toBe(500);
    expect(distilled.tags).toBe(500);
    // the saved classifier learns from every tag; about a fifth were first held out to measure agreement
    expect(distilled).toMatchObject({ trainTags: 500, refit: true });
    expect(distilled.heldOutTags).toBeGreaterThan(80);
    expect(distilled.heldOutTags).toBeLessThan(120);
    expect(distilled.rows).toBe(tickets.length);
    expect(predictions.size).toBe(tickets.length);
    for (const t of tickets) expect(predictions.get(t.row)?.id).toBe(t.id);
    expect(distilled.unsure).toBe([...predictions.values()].filter((p) => p.unsure).length);
    expect(existsSync(distilled.modelPath)).toBe(true);
  });

  it('reaches at least 0.9 × the accuracy of a classifier trained on every true label, on rows neither was trained on', async () => {
    const labelled = new Set(heldOut.map((t) => t.row));
    const fullCsv = join(dir, 'every-label.csv');
    writeFileSync(fullCsv, stringify([['text', 'category'], ...tickets.filter((t) => !labelled.has(t.row)).map((t) => [t.text, t.category])]));
    const fullModel = join(dir, 'every-label.tlc');
    await trainModel({ csvPath: fullCsv, textColumn: 'text', columns: [{ column: 'category', multiLabel: false }], outPath: fullModel, params: TrainParams.parse({ seed: SEED }) }, { embedder, log: silentLogger });
    const full = new TrainedClassifier(fullModel, await loadModelFile(fullModel));
    const preds = await full.predict(await embedder.embed(unseen.map((t) => t.text)), { topK: 1, reject: false });
    const fullLabel = new Map(unseen.map((t, i) => [t.row, preds[i][0].label]));

    const fullAccuracy = share(unseen, (t) => fullLabel.get(t.row) === t.category);
    const distilledAccuracy = share(unseen, (t) => run.predictions.get(t.row)!.labels[0] === t.category);
    const agreement = run.distilled.agreement!;
    console.log(`on ${unseen.length} unseen rows: every true label (${tickets.length - labelled.size} rows) ${fullAccuracy.toFixed(4)}, 500 tags ${distilledAccuracy.toFixed(4)} (${(distilledAccuracy / fullAccuracy).toFixed(3)}×); agreement with held-out tags ${agreement.toFixed(4)}`);
    expect(unseen.length).toBeGreaterThan(900);
    expect(distilledAccuracy).toBeGreaterThanOrEqual(0.9 * fullAccuracy);
    // the agreement it reports is an honest estimate: here Claude's tags are the truth
    expect(Math.abs(agreement - distilledAccuracy)).toBeLessThan(0.1);
  });
});

describe.skipIf(!existsSync(bitextCsv))('the unsure flag, on a harder set: 27 intents from 300 tags', () => {
  it('flags the rows it gets wrong far more often than the rest, and its agreement estimate holds', async () => {
    const intents = [...new Set(tickets.map((t) => t.intent))].sort();
    const { distilled, predictions, taggedRows } = await tagAndDistil(
      { name: 'bitext_intent', multiLabel: false, labels: intents.map((i) => ({ name: i, description: i.replace(/_/g, ' '), examples: [] })) },
      (t) => [t.intent],
      300,
    );
    const untagged = tickets.filter((t) => !taggedRows.has(t.row));
    const right = (t: Ticket) => predictions.get(t.row)!.labels[0] === t.intent;
    const unsure = untagged.filter((t) => predictions.get(t.row)!.unsure);
    const sure = untagged.filter((t) => !predictions.get(t.row)!.unsure);
    const accuracy = share(untagged, right);
    console.log(`intents: accuracy ${accuracy.toFixed(4)} on ${untagged.length} untagged rows (agreement ${distilled.agreement?.toFixed(4)}); unsure ${unsure.length}: ${share(unsure, right).toFixed(4)} right there, ${share(sure, right).toFixed(4)} on the rest`);
    expect(unsure.length).toBeGreaterThan(untagged.length / 50);
    expect(unsure.length).toBeLessThan(untagged.length / 3);
    // at least three times the error rate of the rows it is sure of
    expect(1 - share(unsure, right)).toBeGreaterThan(3 * (1 - share(sure, right)));
    expect(Math.abs(distilled.agreement! - accuracy)).toBeLessThan(0.1);
  });
});

describe.skipIf(!existsSync(bitextCsv))('a multi-label set: the category, and "CHANGE" across categories for a request to change something', () => {
  const CHANGE = new Set(['edit_account', 'switch_account', 'change_order', 'change_shipping_address']);
  const labelsOf = (t: Ticket) => (CHANGE.has(t.intent) ? [t.category, 'CHANGE'] : [t.category]);

  it('trains on ;-joined tags and writes every label a row gets', async () => {
    const labels = labelDefs({ ...CATEGORIES, CHANGE: 'the customer wants to change or edit something they have (an account, an order, an address)' }).map((l) => ({ ...l, examples: [] }));
    const { distilled, predictions, taggedRows } = await tagAndDistil({ name: 'bitext_multi', multiLabel: true, labels }, labelsOf, 400);
    expect(distilled.multiLabel).toBe(true);
    const untagged = tickets.filter((t) => !taggedRows.has(t.row));
    const got = (t: Ticket) => predictions.get(t.row)!.labels;
    // the category among its labels, and the cross-cutting label given where it belongs
    const category = share(untagged, (t) => got(t).includes(t.category));
    const given = untagged.filter((t) => got(t).includes('CHANGE'));
    const truly = untagged.filter((t) => CHANGE.has(t.intent));
    const precision = share(given, (t) => CHANGE.has(t.intent));
    const recall = share(truly, (t) => got(t).includes('CHANGE'));
    console.log(`multi-label, ${untagged.length} untagged rows: category among the labels ${category.toFixed(4)}; CHANGE precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)}; agreement ${distilled.agreement?.toFixed(4)}; unsure ${distilled.unsure} of ${distilled.rows}`);
    expect(category).toBeGreaterThan(0.9);
    expect(precision).toBeGreaterThan(0.5);
    expect(recall).toBeGreaterThan(0.5);
    // every label right: far less often on the rows flagged unsure
    const exact = (t: Ticket) => [...got(t)].sort().join(';') === labelsOf(t).sort().join(';');
    const flagged = untagged.filter((t) => predictions.get(t.row)!.unsure);
    expect(flagged.length).toBeGreaterThan(0);
    expect(share(flagged, exact)).toBeLessThan(share(untagged.filter((t) => !predictions.get(t.row)!.unsure), exact) - 0.15);
  });
});

describe.skipIf(!existsSync(bitextCsv))('distil refuses what does not belong together, before training', () => {
  const workspace = join(dir, 'refusals');
  const SET = 'bitext_category';
  const tagsOf = (name: string, lines: string[][]) => {
    const d = mkdtempSync(join(dir, `${name}-`));
    const p = join(d, 'tags.csv');
    writeFileSync(p, stringify([['row', 'id', 'label', 'reason'], ...lines]));
    return { d, p };
  };
  const refusal = async (tagsCsv: string) => {
    const err = await distilFromTags({ csvPath: csv, tagsCsv, labelSet: SET, workspace }, silentLogger, undefined, { embedder }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TicketLensError);
    return (err as TicketLensError).message;
  };

  it('a label outside the set, a row whose id changed, and a predictions.csv the user wrote', async () => {
    mkdirSync(join(workspace, '.ticket-lens'), { recursive: true });
    writeFileSync(join(workspace, '.ticket-lens', 'labels.json'), JSON.stringify({ version: 1, sets: [{ name: SET, labels: labelDefs(CATEGORIES) }] }));
    const a = tagsOf('stranger', [['1', tickets[0].id, 'BILLING', 'not a label of the set']]);
    expect(await refusal(a.p)).toMatch(/"BILLING", which is not a label of the set "bitext_category"/);

    const b = tagsOf('moved', [['2', tickets[0].id, tickets[1].category, 'tagged when row 2 was another ticket']]);
    expect(await refusal(b.p)).toMatch(/row 2 was tagged as id "T00001" but .* has id "T00002"/);

    const c = tagsOf('user-file', [
      ['1', tickets[0].id, tickets[0].category, 'fine'],
      ['2', tickets[1].id, tickets[1].category, 'fine'],
    ]);
    writeFileSync(join(c.d, 'predictions.csv'), 'my own notes\n');
    expect(await refusal(c.p)).toMatch(/predictions\.csv already exists/);
    expect(readFileSync(join(c.d, 'predictions.csv'), 'utf8')).toBe('my own notes\n');
    expect(existsSync(join(c.d, 'classifier.tlc'))).toBe(false);
  });
});

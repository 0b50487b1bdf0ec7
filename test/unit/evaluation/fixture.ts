/**
 * Small labelled CSVs cut from the Bitext data set (when the shared data is there): eight intents, a
 * few of them easy to mix up (three about refunds, four about orders), one renamed to a label full of
 * markup so the pictures must escape it; disjoint rows for training and for evaluation. And a
 * classifier trained on the training rows in the test, as a user would with `ticket-lens train`.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { TrainParams } from '../../../src/shared/api';
import { trainModel } from '../../../src/server/classify/trainModel';
import type { Embedder } from '../../../src/server/embed';
import { silentLogger } from '../../../src/server/log';

export const bitextCsv = join(process.env.TICKET_LENS_DATA || resolve(__dirname, '..', '..', '..', '..', 'shared', 'data'), 'bitext.csv');
export const haveBitext = existsSync(bitextCsv);

/** A label a picture must escape: it is text, not markup. */
export const MARKUP_LABEL = 'refund <&> "money" back';
const INTENTS = ['get_refund', 'track_refund', 'check_refund_policy', 'cancel_order', 'change_order', 'place_order', 'track_order', 'payment_issue'];
const rename = (intent: string) => (intent === 'get_refund' ? MARKUP_LABEL : intent);

export const quiet = silentLogger;

export interface Cut {
  dir: string;
  train: string;
  evaluate: string;
  /** The evaluation rows as written: text and intent, row n = rows[n - 1]. */
  rows: { text: string; intent: string }[];
}

/** `perIntent` evaluation rows per intent, 40 training rows per intent (every 10th, offset so the two never meet). */
export function cutBitext(perIntent: number): Cut {
  const records = parse<{ text: string; intent: string }>(readFileSync(bitextCsv), { columns: true });
  const by = new Map(INTENTS.map((i) => [i, records.filter((r) => r.intent === i)]));
  const dir = mkdtempSync(join(tmpdir(), 'tl-evaluation-'));
  const pick = (offset: number, count: number) => INTENTS.flatMap((i) => by.get(i)!.filter((_, k) => k % 10 === offset).slice(0, count).map((r) => ({ text: r.text, intent: rename(i) })));
  const train = pick(0, 40);
  const rows = pick(5, perIntent);
  const write = (name: string, rs: { text: string; intent: string }[]) => {
    const p = join(dir, name);
    writeFileSync(p, stringify([['text', 'intent'], ...rs.map((r) => [r.text, r.intent])]));
    return p;
  };
  return { dir, train: write('train.csv', train), evaluate: write('evaluate.csv', rows), rows };
}

/** A classifier with an adapter, trained on the cut's training rows. */
export async function trainSmall(cut: Cut, embedder: Embedder): Promise<string> {
  const outPath = join(cut.dir, 'small.tlc');
  await trainModel({ csvPath: cut.train, textColumn: 'text', columns: [{ column: 'intent', multiLabel: false }], outPath, params: TrainParams.parse({ adapter: true, seed: 7 }) }, { embedder, log: quiet });
  return outPath;
}

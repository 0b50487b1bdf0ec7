/**
 * What the tagging tests share: the bundled sample tickets with an id column and personal data planted
 * at the end of every third text, a workspace whose labels file defines a single-label set (the
 * sample's hidden `category` column) and a multi-label one, and a fake-API responder that answers each
 * ticket of a batch from that hidden column — found by the text the request carries, so a test fails
 * if a ticket is sent garbled or numbered wrong.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import type { TagRecord } from '../../../src/shared/tag';
import { promptOf, type RecordedRequest, type Reply } from '../../support/fakeAnthropic';
import { PLANTS } from '../../support/plantedPii';
import { SAMPLE_CSV } from '../../support/sample';

/** Personal data planted in the texts; none of it may reach a request. */
export { PII } from '../../support/plantedPii';
export const KEY = 'sk-ant-test-tag-0123456789abcdef';

export const CATEGORIES = ['ORDER', 'INVOICE', 'DELIVERY', 'REFUND', 'ACCOUNT', 'FEEDBACK', 'PAYMENT', 'SHIPPING_ADDRESS', 'SUBSCRIPTION'];
/** The multi-label set's labels for each category: some one, some two. */
export const AREAS: Record<string, string[]> = {
  ORDER: ['Orders'],
  INVOICE: ['Money', 'Documents'],
  DELIVERY: ['Orders', 'Delivery'],
  REFUND: ['Money', 'Orders'],
  ACCOUNT: ['Account'],
  FEEDBACK: ['Feedback'],
  PAYMENT: ['Money'],
  SHIPPING_ADDRESS: ['Delivery', 'Account'],
  SUBSCRIPTION: ['Account'],
};

export interface TagFixture {
  root: string;
  /** A fresh workspace holding tickets.csv and .ticket-lens/labels.json. */
  workspace(): { dir: string; csv: string };
  /** The hidden category of every row (1-based). */
  categoryOfRow: Map<number, string>;
  /** The category of a ticket as a request carries it (the original text is its start). */
  categoryOfSent(text: string): string | undefined;
}

export function buildTagFixture(prefix: string, rows = 300): TagFixture {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const sample = parse<{ text: string; category: string }>(readFileSync(SAMPLE_CSV), { columns: true }).slice(0, rows);
  const planted = sample.map((r, i) => ({ id: `T-${1000 + i}`, text: i % 3 === 0 ? r.text + PLANTS[(i / 3) % PLANTS.length] : r.text }));
  const csvText = stringify(planted, { header: true, columns: ['id', 'text'] });
  const labels = {
    version: 1,
    sets: [
      { name: 'topic', labels: CATEGORIES.map((c) => ({ name: c, description: `tickets about ${c.toLowerCase().replace('_', ' ')}` })) },
      { name: 'area', multiLabel: true, labels: ['Orders', 'Money', 'Documents', 'Delivery', 'Account', 'Feedback'].map((n) => ({ name: n, description: `${n.toLowerCase()} matters` })) },
    ],
  };
  const originals = sample.map((r) => ({ text: r.text.replace(/\s+/g, ' ').trim(), category: r.category }));
  return {
    root,
    workspace() {
      const dir = mkdtempSync(join(root, 'ws-'));
      mkdirSync(join(dir, '.ticket-lens'));
      writeFileSync(join(dir, '.ticket-lens', 'labels.json'), JSON.stringify(labels));
      const csv = join(dir, 'tickets.csv');
      writeFileSync(csv, csvText);
      return { dir, csv };
    },
    categoryOfRow: new Map(sample.map((r, i) => [i + 1, r.category])),
    // Redaction may take an order or invoice number out of the text itself: the longest shared start decides.
    categoryOfSent: (text) => {
      let best: { n: number; category: string } | null = null;
      for (const o of originals) {
        let n = 0;
        while (n < o.text.length && n < text.length && o.text[n] === text[n]) n++;
        if (!best || n > best.n) best = { n, category: o.category };
      }
      return best && best.n >= 12 ? best.category : undefined;
    },
  };
}

/** The tickets of a tagging request: number → text as sent. */
export function ticketsOf(r: RecordedRequest): Map<number, string> {
  const out = new Map<number, string>();
  for (const m of promptOf(r).matchAll(/^\[(\d+)\] (.*)$/gm)) out.set(Number(m[1]), m[2]);
  return out;
}

/** A correct answer from the hidden column; `labelsOf` turns a category into the set's labels. */
export function answerFromHidden(fx: TagFixture, labelsOf: (category: string) => string[] = (c) => [c]): (r: RecordedRequest) => Reply {
  return (r) => ({
    kind: 'tool',
    input: {
      tags: [...ticketsOf(r)].map(([ticket, text]) => {
        const c = fx.categoryOfSent(text) ?? 'FEEDBACK';
        return { ticket, labels: labelsOf(c), reason: `The customer writes about ${c.toLowerCase()}.` };
      }),
    },
  });
}

/** tags.csv read back as TagRecords (only through the file: what a user or the distiller sees). */
export function readTagsCsv(path: string): { header: string[]; tags: TagRecord[] } {
  let header: string[] = [];
  const rows = parse<Record<string, string>>(readFileSync(path), { columns: (h: string[]) => (header = h) });
  return { header, tags: rows.map((r) => ({ row: Number(r.row), id: r.id || null, labels: r.label.split(';'), reason: r.reason })) };
}

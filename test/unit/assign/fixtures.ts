/**
 * Runs and new tickets for the assign and trends tests, from the bundled sample (300 Bitext tickets,
 * 10 intents × 30): a held-out set (every 5th row), a topic the run never saw (one intent left out of
 * it), and created-at dates, so each test can tell what assigning should have done.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { SAMPLE_CSV } from '../../support/sample';

export interface SampleRow {
  text: string;
  category: string;
  intent: string;
}

export const UNSEEN_INTENT = 'newsletter_subscription';
export const DAY = 86_400_000;
/** 2024-03-04, a Monday. */
export const START = Date.UTC(2024, 2, 4);

export function sampleRows(): SampleRow[] {
  return parse<SampleRow>(readFileSync(SAMPLE_CSV), { columns: true });
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `tl-${prefix}-`));
}

export const isHeldOut = (i: number) => i % 5 === 4;

/** Writes rows as CSV (with any extra columns given per row) and returns the path. */
export function writeRows<R extends SampleRow>(dir: string, name: string, rows: readonly R[]): string {
  const path = join(dir, name);
  const columns = Object.keys(rows[0]);
  writeFileSync(path, stringify([...rows], { header: true, columns }));
  return path;
}

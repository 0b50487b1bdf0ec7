/** Runs reference_profile.py (Python's standard library only) on a CSV and returns its figures. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENGLISH_STOP_WORDS } from '../../../src/server/vectors/stopwords';

export interface RefDup {
  distinct: number;
  groups: number;
  rows: number;
}

export interface RefTerms {
  words: { term: string; count: number }[];
  bigrams: { term: string; count: number }[];
}

export interface Reference extends RefTerms {
  rows: number;
  empty: number;
  texts: number;
  exact: RefDup;
  folded: RefDup;
  chars: Record<string, number>;
  tokens: Record<string, number>;
  truncated: number;
  tokenList: number[];
  charList: number[];
  perLabel: Record<string, RefTerms>;
  placeholders: { rows: number; names: Record<string, { count: number; rows: number }> };
  labels?: { classes: number; missing: number; counts: Record<string, number>; imbalance: number; entropy: number; normalized: number };
  dates?: { dated: number; empty: number; unparseable: number; min: string | null; max: string | null; months: Record<string, number> };
}

export function pythonProfile(csv: string, textColumn: string, labelColumn: string | null, dateColumn: string | null, modelDir: string, maxLength: number): Reference {
  // The stop-word list is data (scikit-learn's), handed over as it is; all the counting is Python's own.
  const stop = join(mkdtempSync(join(tmpdir(), 'tl-profile-ref-')), 'stop.txt');
  writeFileSync(stop, [...ENGLISH_STOP_WORDS].join('\n'));
  const out = execFileSync('python3', [join(__dirname, 'reference_profile.py'), csv, textColumn, labelColumn ?? '-', dateColumn ?? '-', stop, join(modelDir, 'vocab.txt'), String(maxLength)], {
    maxBuffer: 256 * 1024 * 1024,
  });
  return JSON.parse(out.toString('utf8')) as Reference;
}

// The physical line each record starts on, for "reveal in file", on files written with every kind of
// line break: quoted cells spanning lines (\n, \r\n, a lone \r, leading and trailing ones, several
// cells of one record), blank lines between records, and mixed record endings. The files are
// generated, and the expected line of each record is counted while it is written.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCsv } from '../../../src/server/data/csv';
import { Prng } from '../../../src/server/vectors/prng';

const dir = mkdtempSync(join(tmpdir(), 'tl-csv-lines-'));
const BREAKS = ['\n', '\r\n', '\r'];
const PIECES = ['word', 'two words', 'a, comma', 'a "quote"', ...BREAKS];

/** Physical lines in `s`: \r\n, \n and a lone \r each end one. */
const breaksIn = (s: string) => s.match(/\r\n|\r|\n/g)?.length ?? 0;

function generated(seed: number, rows: number): { csv: string; lines: number[]; texts: string[] } {
  const rng = new Prng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rng.next() * xs.length)];
  const cell = () => Array.from({ length: 1 + Math.floor(rng.next() * 4) }, () => pick(PIECES)).join('');
  const quoted = (s: string) => `"${s.replaceAll('"', '""')}"`;
  let csv = `text,label${pick(BREAKS)}`;
  const lines: number[] = [];
  const texts: string[] = [];
  for (let r = 0; r < rows; r++) {
    // Blank lines (a \r then a \n is one break, not a blank line: counted on the whole text below).
    while (rng.next() < 0.2) csv += pick(BREAKS);
    // The text starts with a word, so it is never empty once trimmed.
    const text = `t${r} ${cell()}`;
    lines.push(breaksIn(csv) + 1);
    texts.push(text);
    const last = r === rows - 1 && rng.next() < 0.5;
    csv += `${quoted(text)},${quoted(cell())}${last ? '' : pick(BREAKS)}`;
  }
  return { csv, lines, texts };
}

describe('CSV start lines', () => {
  it.each([1, 2, 3, 4, 5])('each record of a generated file with quoted line breaks starts on the line it was written on (seed %i)', async (seed) => {
    const g = generated(seed, 200);
    const path = join(dir, `gen-${seed}.csv`);
    writeFileSync(path, g.csv);
    const t = await readCsv(path, { textColumn: 'text' });
    expect(t.records.length).toBe(g.lines.length);
    // The generator does write records that span lines, so their count is what is tested.
    expect(g.texts.filter((s) => breaksIn(s) > 0).length).toBeGreaterThan(20);
    expect(t.records.map((r) => r.line)).toEqual(g.lines);
    expect(t.records.map((r) => r.row)).toEqual(g.lines.map((_, i) => i + 1));
    expect(t.records.map((r) => r.text)).toEqual(g.texts.map((s) => s.replace(/\r\n|\r/g, '\n').trim()));
  });
});

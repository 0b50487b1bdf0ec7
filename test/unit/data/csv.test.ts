import { mkdtempSync, readFileSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { previewCsv, readCsv } from '../../../src/server/data/csv';
import { TicketLensError } from '../../../src/shared/api';

const dir = mkdtempSync(join(tmpdir(), 'tl-csv-'));
const file = (name: string, content: string | Buffer) => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};
const failure = async (p: string, textColumn = 'text') => {
  const err = await readCsv(p, { textColumn }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(TicketLensError);
  expect((err as TicketLensError).code).toBe('bad_input');
  return (err as Error).message;
};

describe('CSV reading', () => {
  it('reads quoted newlines and keeps the physical start line of each row', async () => {
    const p = file('quoted.csv', 'text,label\n"first line\nsecond line",a\nplain,b\n"with ""quotes"", and comma",c\n');
    const t = await readCsv(p, { textColumn: 'text', columns: ['label'] });
    expect(t.records.map((r) => r.text)).toEqual(['first line\nsecond line', 'plain', 'with "quotes", and comma']);
    expect(t.records.map((r) => [r.row, r.line])).toEqual([[1, 2], [2, 4], [3, 5]]);
    expect(t.records[2].fields.label).toBe('c');
  });

  it('strips a UTF-8 BOM from the header', async () => {
    const p = file('bom.csv', '\uFEFFtext,label\nhello,a\n');
    const t = await readCsv(p, { textColumn: 'text' });
    expect(t.header).toEqual(['text', 'label']);
  });

  it('detects ; and tab delimiters', async () => {
    const semi = await readCsv(file('semi.csv', 'id;text\n1;bonjour, ça va\n2;hallo\n'), { textColumn: 'text' });
    expect(semi.delimiter).toBe(';');
    expect(semi.records[0].text).toBe('bonjour, ça va');
    const tab = await readCsv(file('tab.tsv', 'text\tlabel\nhi, there\tx\n'), { textColumn: 'text' });
    expect(tab.delimiter).toBe('\t');
    expect(tab.records[0].text).toBe('hi, there');
  });

  it('skips blank lines, and reports rows with empty text instead of dropping them silently', async () => {
    const t = await readCsv(file('empty-rows.csv', 'text,label\nfirst,a\n\n\nsecond,b\n   ,c\nthird,d\n'), { textColumn: 'text' });
    expect(t.records.map((r) => r.text)).toEqual(['first', 'second', 'third']);
    expect(t.records.map((r) => r.line)).toEqual([2, 5, 7]);
    expect(t.skipped).toEqual([{ row: 3, line: 6, reason: 'empty "text" cell' }]);
  });

  it('reads a one-row file', async () => {
    const t = await readCsv(file('one.csv', 'text\nonly ticket\n'), { textColumn: 'text' });
    expect(t.records).toHaveLength(1);
  });

  it('names a missing column, lists the header and suggests the closest', async () => {
    const msg = await failure(file('cols.csv', 'Text,intent\nhi,x\n'), 'txt');
    expect(msg).toContain('cols.csv');
    expect(msg).toContain('there is no column "txt"');
    expect(msg).toContain('"Text", "intent"');
    expect(msg).toContain('Did you mean "Text"?');
  });

  it('errors clearly on a missing file, an empty file and a header-only file', async () => {
    expect(await failure(join(dir, 'nope.csv'))).toMatch(/nope\.csv: file not found/);
    expect(await failure(file('empty.csv', ''))).toMatch(/empty\.csv: the file is empty/);
    expect(await failure(file('header.csv', 'text,label\n'))).toMatch(/header\.csv: the file has a header but no data rows/);
  });

  it('names the row and line of a ragged row', async () => {
    const msg = await failure(file('ragged.csv', 'text,label\nfine,a\nalso fine,b\nbroken, has, commas\n'));
    expect(msg).toMatch(/ragged\.csv: row 3 \(line 4\) has 3 fields, but the header has 2/);
  });

  it('names the line and byte of non-UTF-8 input', async () => {
    const latin1 = Buffer.concat([Buffer.from('text,label\nfine,a\ncaf'), Buffer.from([0xe9]), Buffer.from(' au lait,b\n')]);
    const msg = await failure(file('latin1.csv', latin1));
    expect(msg).toMatch(/latin1\.csv: line 3 is not valid UTF-8 \(byte 0xe9 at offset 21, position 4 of the line\)/);
  });

  it('never modifies the input', async () => {
    const p = file('untouched.csv', 'text\na\nb\n');
    const before = readFileSync(p);
    const mtime = statSync(p).mtimeMs;
    await readCsv(p, { textColumn: 'text' });
    expect(readFileSync(p).equals(before)).toBe(true);
    expect(statSync(p).mtimeMs).toBe(mtime);
  });

  it('previews the header and first rows for column pickers', async () => {
    const p = file('preview.csv', 'id,text\n1,hello\n2,"multi\nline"\n');
    const pv = await previewCsv(p, 5);
    expect(pv.header).toEqual(['id', 'text']);
    expect(pv.rows).toEqual([['1', 'hello'], ['2', 'multi\nline']]);
  });
});

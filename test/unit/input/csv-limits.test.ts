// The CSV reader's limits: record size, column count, regular files only, every stream closed when
// reading stops (counted in /proc/self/fd), and a file that changes under the reader reported, not read short.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_CSV_COLUMNS, MAX_CSV_RECORD_BYTES, previewCsv, readCsv, streamCsv } from '../../../src/server/data/csv';
import { TicketLensError } from '../../../src/shared/api';

const dir = mkdtempSync(join(tmpdir(), 'tl-csvlim-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, content: string | Buffer) => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};
const failure = async (work: Promise<unknown>) => {
  const err = await work.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TicketLensError);
  expect((err as TicketLensError).code).toBe('bad_input');
  return (err as Error).message;
};
const linux = process.platform === 'linux';
const openFds = () => readdirSync('/proc/self/fd').length;
/** Lets a closing descriptor finish, so a leak is not confused with a close in flight. */
const settle = () => new Promise((r) => setTimeout(r, 50));

describe('CSV limits', () => {
  it('a record larger than the limit is an error naming the file, the row and the column', async () => {
    const p = file('huge-field.csv', `id,text\n1,short\n2,"${'x'.repeat(MAX_CSV_RECORD_BYTES + 10)}"\n3,after\n`);
    const msg = await failure(readCsv(p, { textColumn: 'text' }));
    expect(msg).toMatch(/huge-field\.csv: row 2, column "text" \(up to line 3\) is larger than 1 MiB/);
    expect(await failure(previewCsv(p))).toMatch(/huge-field\.csv: row 2, column "text"/);
  });

  it('a header with more columns than the limit is an error saying how many', async () => {
    const p = file('wide.csv', `${Array.from({ length: MAX_CSV_COLUMNS + 1 }, (_, i) => `c${i}`).join(',')}\n`);
    expect(await failure(previewCsv(p))).toMatch(new RegExp(`wide\\.csv: the header has ${MAX_CSV_COLUMNS + 1} columns; Ticket Lens reads at most ${MAX_CSV_COLUMNS}`));
  });

  it('reads mixed \\r\\n, \\n and \\r line endings, with the right lines', async () => {
    const t = await readCsv(file('mixed.csv', 'text,label\r\nfirst,a\nsecond,b\rthird,c\r\n"two\r\nlines",d\nlast,e'), { textColumn: 'text', columns: ['label'] });
    expect(t.records.map((r) => [r.text, r.fields.label, r.line])).toEqual([
      ['first', 'a', 2],
      ['second', 'b', 3],
      ['third', 'c', 4],
      ['two\nlines', 'd', 5],
      ['last', 'e', 7],
    ]);
  });

  it('reads UTF-16 with its byte-order mark, as Excel saves "Unicode Text"', async () => {
    const text = 'text\tlabel\r\ncafé crème, naïve\ta\r\n€ 20 “refund”\tb\r\n';
    const le = await readCsv(file('utf16le.txt', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])), { textColumn: 'text' });
    expect(le.delimiter).toBe('\t');
    expect(le.records.map((r) => r.text)).toEqual(['café crème, naïve', '€ 20 “refund”']);
    const be = Buffer.from(text, 'utf16le').swap16();
    const t = await readCsv(file('utf16be.txt', Buffer.concat([Buffer.from([0xfe, 0xff]), be])), { textColumn: 'text' });
    expect(t.records.map((r) => r.text)).toEqual(['café crème, naïve', '€ 20 “refund”']);
  });

  it('names NUL bytes, and Windows-1252 text with the character the byte would be', async () => {
    expect(await failure(readCsv(file('nul.csv', 'text\nfine\nbro\0ken\n'), { textColumn: 'text' }))).toMatch(/nul\.csv: line 3 contains a NUL byte \(position 4 of the line\)/);
    const cp1252 = Buffer.concat([Buffer.from('text\r\nfine\r\nna'), Buffer.from([0xef]), Buffer.from('ve\r\n')]);
    expect(await failure(readCsv(file('cp1252.csv', cp1252), { textColumn: 'text' }))).toMatch(/cp1252\.csv: line 3 is not valid UTF-8 \(byte 0xef at offset 14, position 3 of the line\)\. It may be in Windows-1252 or Latin-1, where that byte is "ï"/);
  });

  it.runIf(linux)('refuses a folder, a FIFO and a link to /dev/zero before reading, without waiting on the FIFO', async () => {
    mkdirSync(join(dir, 'folder.csv'));
    expect(await failure(previewCsv(join(dir, 'folder.csv')))).toMatch(/folder\.csv is a folder, not a regular file/);
    execFileSync('mkfifo', [join(dir, 'pipe.csv')]);
    expect(await failure(previewCsv(join(dir, 'pipe.csv')))).toMatch(/pipe\.csv is a named pipe \(FIFO\), not a regular file/);
    symlinkSync('/dev/zero', join(dir, 'zero.csv'));
    expect(await failure(readCsv(join(dir, 'zero.csv'), { textColumn: 'text' }))).toMatch(/zero\.csv is a character device \(it links to \/dev\/zero\), not a regular file/);
  });

  it.runIf(linux)('closes the file when a preview has its rows, on an error, and when the caller stops early', async () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => `ticket number ${i} about a late parcel,${i % 7}`).join('\n');
    const big = file('many.csv', `text,label\n${rows}\n`);
    const bad = file('bad-late.csv', `text,label\n${rows}\nragged,row,here\n`);
    await settle();
    const before = openFds();
    for (let i = 0; i < 3; i++) {
      expect((await previewCsv(big, 3)).rows).toHaveLength(3);
      await failure(readCsv(bad, { textColumn: 'text' }));
      for await (const rec of streamCsv(big, { textColumn: 'text' })) {
        expect(rec).toBeTruthy();
        break;
      }
    }
    await settle();
    expect(openFds()).toBe(before);
  });

  it('a file that shrinks while it is read is an error, not a short table', async () => {
    const rows = Array.from({ length: 100_000 }, (_, i) => `row ${i} of a file that someone is saving right now,x`).join('\n');
    const p = file('shrinking.csv', `text,label\n${rows}\n`);
    const it = streamCsv(p, { textColumn: 'text' });
    expect((await it.next()).done).toBe(false);
    truncateSync(p, 4096);
    const msg = await failure(
      (async () => {
        for (;;) if ((await it.next()).done) return;
      })(),
    );
    expect(msg).toMatch(/shrinking\.csv changed while it was being read \(\d+ bytes read, \d+ expected\)/);
  });
});

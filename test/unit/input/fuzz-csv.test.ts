// Bad input: a set of hostile or unusual CSVs, each through the real server (POST /csv/preview and
// POST /cluster) and the CLI (`embed`, which reads before it loads the model). Each is read correctly
// where its encoding is certain (UTF-16 with a byte-order mark; mixed line endings), or gets a clear
// error naming the file and the problem (row, column, line where there is one); the server answers
// /health after each, and nothing is written next to the input (no run folder, no temporary folder).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CsvPreview, ErrorBody, JobInfo } from '../../../src/shared/api';
import { silentLogger } from '../../../src/server/log';
import { startServer, type RunningServer } from '../../../src/server/serve';
import { runCli } from '../../support/cli';
import { modelDir } from '../../support/model';

const dir = mkdtempSync(join(tmpdir(), 'tl-fuzz-'));
const outDir = mkdtempSync(join(tmpdir(), 'tl-fuzz-out-'));
let server: RunningServer;
const call = async (path: string, body?: unknown) => {
  const r = await fetch(`${server.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${server.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: r.status, body: (await r.json()) as unknown };
};

const utf16 = (s: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, 'utf16le')]);
const cp1252 = (s: string) => Buffer.from([...s].map((c) => ({ é: 0xe9, ï: 0xef, '€': 0x80, '“': 0x93, '”': 0x94 })[c] ?? c.charCodeAt(0)));

interface Case {
  name: string;
  make: (p: string) => void;
  /** What the error says (after the file's path); null: the file is read correctly. */
  error: RegExp | null;
  /** A correctly read file: its header and rows. */
  read?: { header: string[]; rows: string[][] };
  /** What POST /cluster's job says, when it differs from `error`. */
  clusterError?: RegExp;
  linuxOnly?: boolean;
}

const cases: Case[] = [
  {
    name: 'excel-unicode.txt',
    make: (p) => writeFileSync(p, utf16('text\tlabel\r\ncafé “refund” €20\ta\r\nnaïve question\tb\r\n')),
    error: null,
    read: { header: ['text', 'label'], rows: [['café “refund” €20', 'a'], ['naïve question', 'b']] },
  },
  {
    name: 'windows-1252.csv',
    make: (p) => writeFileSync(p, cp1252('text,label\r\nmy order is late,a\r\ncafé “refund” €20,b\r\n')),
    error: /: line 3 is not valid UTF-8 \(byte 0xe9 at offset 35, position 4 of the line\)\. It may be in Windows-1252 or Latin-1, where that byte is "é"/,
  },
  {
    name: 'mixed-endings.csv',
    make: (p) => writeFileSync(p, 'text,label\r\nfirst ticket,a\nsecond ticket,b\rthird ticket,c\r\n'),
    error: null,
    read: { header: ['text', 'label'], rows: [['first ticket', 'a'], ['second ticket', 'b'], ['third ticket', 'c']] },
  },
  {
    name: 'huge-field.csv',
    make: (p) => writeFileSync(p, Buffer.concat([Buffer.from('text,label\n"'), Buffer.alloc(50 * 1024 * 1024, 'a'), Buffer.from('",x\n')])),
    error: /: row 1, column "text" \(up to line 2\) is larger than 1 MiB, the most Ticket Lens reads in one row/,
  },
  {
    name: 'wide.csv',
    make: (p) => writeFileSync(p, `text,${Array.from({ length: 9_999 }, (_, i) => `c${i}`).join(',')}\n${Array.from({ length: 10_000 }, () => 'x').join(',')}\n`),
    error: /: the header has 10000 columns; Ticket Lens reads at most 4096/,
  },
  {
    name: 'nul-bytes.csv',
    make: (p) => writeFileSync(p, 'text,label\nfine,a\nbin\0ary,b\n'),
    error: /: line 3 contains a NUL byte \(position 4 of the line\)/,
  },
  {
    name: 'utf16-no-bom.csv',
    make: (p) => writeFileSync(p, Buffer.from('text,label\r\nhello,a\r\n', 'utf16le')),
    error: /: line 1 contains a NUL byte .*UTF-16 without a byte-order mark/,
  },
  { name: 'zero.csv', make: (p) => symlinkSync('/dev/zero', p), error: / is a character device \(it links to \/dev\/zero\), not a regular file/, linuxOnly: true },
  { name: 'fifo.csv', make: (p) => execFileSync('mkfifo', [p]), error: / is a named pipe \(FIFO\), not a regular file/, linuxOnly: true },
  { name: 'x.csv', make: (p) => mkdirSync(p), error: / is a folder, not a regular file/ },
  { name: 'empty.csv', make: (p) => writeFileSync(p, ''), error: /: the file is empty; expected a header row and at least one data row/ },
  {
    name: 'header-only.csv',
    make: (p) => writeFileSync(p, 'text,label\n'),
    error: null,
    read: { header: ['text', 'label'], rows: [] },
    clusterError: /: the file has a header but no data rows/,
  },
];
const active = cases.filter((c) => !c.linuxOnly || process.platform === 'linux');

beforeAll(async () => {
  for (const c of active) c.make(join(dir, c.name));
  server = await startServer({ modelDir: modelDir(), device: 'cpu', cacheDir: mkdtempSync(join(tmpdir(), 'tl-fuzz-cache-')), log: silentLogger });
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
  rmSync(outDir, { recursive: true, force: true });
});

const escaped = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const namesFile = (c: Case, re: RegExp) => new RegExp(`${escaped(join(dir, c.name))}${re.source}`);

describe('bad CSVs', () => {
  it.each(active.map((c) => [c.name, c] as const))('%s: through the server', async (_name, c) => {
    const p = join(dir, c.name);
    const before = readdirSync(dir).sort();

    const pv = await call('/csv/preview', { path: p, rows: 5 });
    if (c.error) {
      expect(pv.status, JSON.stringify(pv.body)).toBe(422);
      expect(ErrorBody.parse(pv.body).error.message).toMatch(namesFile(c, c.error));
    } else {
      expect(pv.status, JSON.stringify(pv.body)).toBe(200);
      const preview = CsvPreview.parse(pv.body);
      expect(preview.header).toEqual(c.read!.header);
      expect(preview.rows).toEqual(c.read!.rows);
    }

    // A run that cannot be read fails before embedding; a readable one is asked for a column it lacks,
    // which proves the header was decoded and keeps the test fast.
    const textColumn = c.error || c.clusterError ? 'text' : 'no such column';
    const res = await call('/cluster', { csvPath: p, textColumn });
    expect(res.status).toBe(202);
    const done = await server.ctx.jobs.wait(JobInfo.parse(res.body).id);
    expect(done.state).toBe('failed');
    expect(done.error?.code).toBe('bad_input');
    expect(done.error?.message).toMatch(namesFile(c, c.clusterError ?? c.error ?? /: there is no column "no such column"\. The header has: "text", "label"/));

    expect((await call('/health')).status).toBe(200);
    expect(readdirSync(dir).sort()).toEqual(before);
    expect(existsSync(join(dir, '.ticket-lens'))).toBe(false);
  });

  it('the CLI gives the same errors and writes no output', async () => {
    const failing = active.filter((c) => c.error);
    const results = await Promise.all(failing.map((c) => runCli(['embed', join(dir, c.name), '--text-column', 'text', '--out', join(outDir, `${c.name}.npy`), '--no-cache', '--quiet'])));
    failing.forEach((c, i) => {
      expect(results[i].code, c.name).not.toBe(0);
      expect(results[i].stderr, c.name).toMatch(namesFile(c, c.error!));
    });
    expect(readdirSync(outDir)).toEqual([]);
  });
});

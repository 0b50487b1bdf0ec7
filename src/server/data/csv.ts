/**
 * Reading a user's CSV: streamed through csv-parse (quoted newlines, BOM), the delimiter detected from
 * the header line (`,` `;` or tab), strict UTF-8, and every problem reported as a TicketLensError
 * naming the file, the row and the column. The file is only ever opened for reading.
 *
 * Row numbers: `row` is the 1-based data row (the header is row 0); `line` is the physical line where
 * the record starts, for "reveal in file". Rows whose text cell is empty are skipped and reported
 * in `skipped`, never dropped silently.
 */
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { Transform, type TransformCallback } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import { TicketLensError } from '../../shared/api';
import { Utf8Validator, type Utf8Problem } from './utf8';

export type Delimiter = ',' | ';' | '\t';

export interface CsvRecord {
  row: number;
  line: number;
  text: string;
  /** The other requested columns, by name. */
  fields: Record<string, string>;
}

export interface CsvReadOptions {
  textColumn: string;
  /** Further columns to return (label columns...). Each must exist. */
  columns?: readonly string[];
  signal?: AbortSignal;
}

export interface CsvTable {
  path: string;
  header: string[];
  delimiter: Delimiter;
  records: CsvRecord[];
  skipped: { row: number; line: number; reason: string }[];
}

const bad = (message: string, details?: Record<string, unknown>) => new TicketLensError('bad_input', message, details);

function detectDelimiter(headerLine: string): Delimiter {
  const counts: Record<Delimiter, number> = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const ch of headerLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch in counts) counts[ch as Delimiter]++;
  }
  const best = (Object.entries(counts) as [Delimiter, number][]).sort((a, b) => b[1] - a[1])[0];
  return best[1] > 0 ? best[0] : ',';
}

function levenshtein(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}

export function missingColumnError(path: string, column: string, header: readonly string[]): TicketLensError {
  const close = [...header].sort((x, y) => levenshtein(column.toLowerCase(), x.toLowerCase()) - levenshtein(column.toLowerCase(), y.toLowerCase()))[0];
  const hint = close && levenshtein(column.toLowerCase(), close.toLowerCase()) <= Math.max(2, column.length / 3) ? ` Did you mean "${close}"?` : '';
  return bad(`${path}: there is no column "${column}". The header has: ${header.map((h) => `"${h}"`).join(', ')}.${hint}`, { path, column, header });
}

async function firstLine(path: string): Promise<string> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(64 * 1024);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    const s = buf.subarray(0, bytesRead).toString('utf8').replace(/^\uFEFF/, '');
    const nl = s.search(/\r?\n/);
    return nl < 0 ? s : s.slice(0, nl);
  } finally {
    await fh.close();
  }
}

class Utf8Check extends Transform {
  private readonly v = new Utf8Validator();
  problem: Utf8Problem | null = null;
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    const p = this.v.push(chunk);
    if (p) {
      this.problem = p;
      cb(new Error('invalid UTF-8'));
    } else cb(null, chunk);
  }
  override _flush(cb: TransformCallback): void {
    const p = this.v.end();
    if (p) {
      this.problem = p;
      cb(new Error('invalid UTF-8'));
    } else cb();
  }
}

/** Streams the records of a CSV file; see the module comment for row numbering and errors. */
export async function* streamCsv(path: string, opts: CsvReadOptions): AsyncGenerator<CsvRecord | { skipped: { row: number; line: number; reason: string } }, { header: string[]; delimiter: Delimiter }> {
  let info;
  try {
    info = await stat(path);
  } catch {
    throw bad(`${path}: file not found.`, { path });
  }
  if (!info.isFile()) throw bad(`${path}: not a file.`, { path });
  if (info.size === 0) throw bad(`${path}: the file is empty; expected a header row and at least one data row.`, { path });

  const delimiter = detectDelimiter(await firstLine(path));
  const check = new Utf8Check();
  const parser = createReadStream(path)
    .pipe(check)
    .pipe(parse({ bom: true, delimiter, info: true, raw: true, skip_empty_lines: true, relax_quotes: false }));
  check.on('error', (err) => parser.destroy(err));

  let header: string[] | null = null;
  let textIdx = -1;
  let extra: [string, number][] = [];
  let row = 0;
  try {
    for await (const rec of parser as AsyncIterable<{ record: string[]; raw: string; info: { lines: number } }>) {
      if (opts.signal?.aborted) throw new TicketLensError('job_cancelled', 'Reading the CSV was cancelled.');
      const body = rec.raw.replace(/^(\r?\n)+/, '').replace(/\r?\n$/, '');
      const line = rec.info.lines - (body.match(/\n/g)?.length ?? 0);
      if (!header) {
        header = rec.record.map((h) => h.trim());
        const dup = header.find((h, i) => header!.indexOf(h) !== i);
        if (dup !== undefined) throw bad(`${path}: the header names the column "${dup}" twice.`, { path });
        textIdx = header.indexOf(opts.textColumn);
        if (textIdx < 0) throw missingColumnError(path, opts.textColumn, header);
        extra = (opts.columns ?? []).map((c) => {
          const i = header!.indexOf(c);
          if (i < 0) throw missingColumnError(path, c, header!);
          return [c, i];
        });
        continue;
      }
      row++;
      const text = rec.record[textIdx].trim();
      if (text.length === 0) {
        yield { skipped: { row, line, reason: `empty "${opts.textColumn}" cell` } };
        continue;
      }
      const fields: Record<string, string> = {};
      for (const [c, i] of extra) fields[c] = rec.record[i];
      yield { row, line, text, fields };
    }
  } catch (err) {
    if (check.problem) {
      const p = check.problem;
      throw bad(
        `${path}: line ${p.line} is not valid UTF-8 (byte 0x${p.byte >= 0 ? p.byte.toString(16).padStart(2, '0') : '??'} at offset ${p.offset}, position ${p.lineOffset + 1} of the line). Save the file as UTF-8 and try again.`,
        { path, line: p.line, offset: p.offset },
      );
    }
    if (err instanceof CsvError) {
      const e = err as CsvError & { lines?: number; records?: number; record?: string[] };
      if (e.code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH') {
        const got = e.record?.length ?? '?';
        throw bad(`${path}: row ${(e.records ?? 1) - 0} (line ${e.lines}) has ${got} fields, but the header has ${header?.length ?? '?'} (${header?.join(delimiter === '\t' ? ' ⇥ ' : delimiter) ?? ''}). Check for an unquoted "${delimiter === '\t' ? '\\t' : delimiter}" in that row.`, {
          path,
          line: e.lines,
        });
      }
      throw bad(`${path}: line ${e.lines ?? '?'}: ${e.message}`, { path, line: e.lines });
    }
    throw err;
  }
  if (!header) throw bad(`${path}: the file has no header row.`, { path });
  if (row === 0) throw bad(`${path}: the file has a header but no data rows.`, { path });
  return { header, delimiter };
}

/** Reads the whole file (the cluster engine needs every row at once). */
export async function readCsv(path: string, opts: CsvReadOptions): Promise<CsvTable> {
  const records: CsvRecord[] = [];
  const skipped: CsvTable['skipped'] = [];
  const it = streamCsv(path, opts);
  for (;;) {
    const next = await it.next();
    if (next.done) {
      if (records.length === 0) throw bad(`${path}: every row has an empty "${opts.textColumn}" cell; nothing to read.`, { path });
      return { path, header: next.value.header, delimiter: next.value.delimiter, records, skipped };
    }
    if ('skipped' in next.value) skipped.push(next.value.skipped);
    else records.push(next.value);
  }
}

/** The header and the first rows, for column pickers and text-column detection. */
export async function previewCsv(path: string, rows = 20): Promise<{ header: string[]; delimiter: Delimiter; rows: string[][] }> {
  const headerLine = await firstLine(path);
  const delimiter = detectDelimiter(headerLine);
  const out: string[][] = [];
  const parser = createReadStream(path).pipe(new Utf8Check()).pipe(parse({ bom: true, delimiter, skip_empty_lines: true, relax_column_count: true, to_line: rows + 50 }));
  for await (const rec of parser as AsyncIterable<string[]>) {
    out.push(rec);
    if (out.length > rows) break;
  }
  parser.destroy();
  if (out.length === 0) throw bad(`${path}: the file is empty; expected a header row and at least one data row.`, { path });
  return { header: out[0].map((h) => h.trim()), delimiter, rows: out.slice(1) };
}

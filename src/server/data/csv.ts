/**
 * Reading a user's CSV: streamed through csv-parse (quoted newlines, BOM), the delimiter detected from
 * the header line (`,` `;` or tab), strict UTF-8 or UTF-16 with its byte-order mark (encoding.ts), and
 * every problem reported as a TicketLensError naming the file, the row and the column. The file is only
 * ever opened for reading.
 *
 * Row numbers: `row` is the 1-based data row (the header is row 0); `line` is the physical line where
 * the record starts, for "reveal in file"; \r\n, \n and a lone \r each end a line (newlines.ts). Rows
 * whose text cell is empty are skipped and reported in `skipped`, never dropped silently.
 *
 * Limits, so that no file can exhaust the server: only a regular file is opened (a folder, a FIFO or a
 * link to /dev/zero is refused before a byte is read, and opening never waits on a FIFO's writer); a
 * record may hold at most MAX_CSV_RECORD_BYTES and the header at most MAX_CSV_COLUMNS columns. The file
 * is closed whenever reading stops — at the end, on an error, when a preview has its rows or a caller
 * stops iterating — and only then does the call return. A read error, or a file that changes size while
 * it is read, is reported as bad input naming the file, not thrown raw.
 */
import { constants, type ReadStream, type Stats } from 'node:fs';
import { open, realpath, type FileHandle } from 'node:fs/promises';
import { pipeline, Transform, type Readable, type TransformCallback } from 'node:stream';
import { CsvError, parse, type Options as CsvParseOptions } from 'csv-parse';
import { TicketLensError } from '../../shared/api';
import { asWindows1252, decodeHead, sniffEncoding, Utf16Problem, Utf16ToUtf8, type TextEncoding } from './encoding';
import { NewlinesToLf } from './newlines';
import { Utf8Validator, type Utf8Problem } from './utf8';

/** The most bytes one record (row) may hold: a ticket is a few kB; far more is a quote left open or not text. */
export const MAX_CSV_RECORD_BYTES = 1024 * 1024;
/** The most columns a header may have (a delimiter misdetected in a text file can make thousands). */
export const MAX_CSV_COLUMNS = 4096;
/** Bytes read up front for the encoding and the delimiter. */
const HEAD_BYTES = 64 * 1024;

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

function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

interface OpenedCsv {
  fh: FileHandle;
  size: number;
  encoding: TextEncoding;
  delimiter: Delimiter;
}

/**
 * Opens the file for reading and checks it through the open descriptor (so what is checked is what is
 * read): a regular file, not empty, in an encoding we can be sure of; reads the header line's delimiter.
 */
async function openCsv(path: string): Promise<OpenedCsv> {
  let fh: FileHandle;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer (it is refused just below).
    fh = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw bad(`${path}: file not found.`, { path });
    if (code === 'EACCES' || code === 'EPERM') throw bad(`${path}: permission denied; the file cannot be read.`, { path });
    if (code === 'EISDIR') throw bad(`${path} is a folder, not a regular file; choose a CSV file.`, { path });
    throw bad(`${path}: the file cannot be opened (${code ?? (err as Error).message}).`, { path });
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) {
      const target = await realpath(path).catch(() => path);
      const link = target === path ? '' : ` (it links to ${target})`;
      throw bad(`${path} is ${kindOf(st)}${link}, not a regular file; choose a CSV file.`, { path });
    }
    if (st.size === 0) throw bad(`${path}: the file is empty; expected a header row and at least one data row.`, { path });
    const head = Buffer.alloc(Math.min(HEAD_BYTES, st.size));
    const { bytesRead } = await fh.read(head, 0, head.length, 0);
    const sniffed = sniffEncoding(head.subarray(0, bytesRead));
    if ('unsupported' in sniffed) throw bad(`${path} is ${sniffed.unsupported}-encoded; save it as UTF-8 (Excel: "CSV UTF-8") and try again.`, { path });
    const text = decodeHead(head.subarray(0, bytesRead), sniffed.encoding);
    const nl = text.search(/\r|\n/);
    return { fh, size: st.size, encoding: sniffed.encoding, delimiter: detectDelimiter(nl < 0 ? text : text.slice(0, nl)) };
  } catch (err) {
    await fh.close();
    throw err;
  }
}

/** Passes the bytes on, stopping at the first one that is not UTF-8 or is NUL (see utf8.ts). */
class Utf8Check extends Transform {
  private readonly v = new Utf8Validator();
  problem: Utf8Problem | null = null;
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    const p = this.v.push(chunk);
    if (p) {
      this.problem = p;
      cb(new Error('not text'));
    } else cb(null, chunk);
  }
  override _flush(cb: TransformCallback): void {
    const p = this.v.end();
    if (p) {
      this.problem = p;
      cb(new Error('not text'));
    } else cb();
  }
}

const MIB = MAX_CSV_RECORD_BYTES / (1024 * 1024);

/** A parsing pipeline over an opened file; `close()` ends it early and resolves once the file is closed. */
interface CsvPipe {
  records: Readable;
  check: Utf8Check;
  source: ReadStream;
  close(): Promise<void>;
}

function csvPipe(opened: OpenedCsv, options: CsvParseOptions): CsvPipe {
  const source = opened.fh.createReadStream({ start: 0, autoClose: true });
  const check = new Utf8Check();
  const records = parse({ ...options, bom: true, delimiter: opened.delimiter, max_record_size: MAX_CSV_RECORD_BYTES });
  const stages = opened.encoding === 'utf-8' ? [check, new NewlinesToLf()] : [new Utf16ToUtf8(opened.encoding), check, new NewlinesToLf()];
  // pipeline, unlike pipe(), destroys every stage when one fails or the last one is destroyed: an error
  // reaches the reader instead of crashing the process, and an early stop closes the file.
  pipeline([source, ...stages, records], () => undefined);
  const closed = new Promise<void>((res) => {
    if (source.closed) res();
    else source.once('close', () => res());
  });
  return {
    records,
    check,
    source,
    close() {
      records.destroy();
      return closed;
    },
  };
}

/** The error to report for whatever stopped a read of `path`: ours as it is, the parser's and the OS's with file, row and column. */
function readFailure(err: unknown, path: string, opened: OpenedCsv, pipe: CsvPipe, header: string[] | null): unknown {
  if (err instanceof TicketLensError) return err;
  const { delimiter } = opened;
  // A file cut short under the reader ends in a broken last record: say what happened instead.
  if (pipe.source.readableEnded && pipe.source.bytesRead !== opened.size) return changedWhileRead(path, opened, pipe);
  if (pipe.check.problem) {
    const p = pipe.check.problem;
    if (p.kind === 'nul') {
      return bad(
        `${path}: line ${p.line} contains a NUL byte (position ${p.lineOffset + 1} of the line). A CSV is text; this looks like a binary file or one saved as UTF-16 without a byte-order mark. Save it as UTF-8 (Excel: "CSV UTF-8") and try again.`,
        { path, line: p.line },
      );
    }
    const guess = p.byte >= 0x80 ? ` It may be in Windows-1252 or Latin-1, where that byte is "${asWindows1252(p.byte)}".` : '';
    return bad(
      `${path}: line ${p.line} is not valid UTF-8 (byte 0x${p.byte.toString(16).padStart(2, '0')} at offset ${p.offset}, position ${p.lineOffset + 1} of the line).${guess} Save the file as UTF-8 (Excel: "CSV UTF-8") and try again.`,
      { path, line: p.line, offset: p.offset },
    );
  }
  if (err instanceof Utf16Problem) {
    return bad(`${path} starts with a UTF-16 byte-order mark but is not valid UTF-16 after byte ${err.offset}. Save it as UTF-8 (Excel: "CSV UTF-8") and try again.`, { path, offset: err.offset });
  }
  if (err instanceof CsvError) {
    const e = err as CsvError & { lines?: number; records?: number; record?: string[]; column?: number | string };
    if (e.code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH') {
      const got = e.record?.length ?? '?';
      return bad(`${path}: row ${e.records ?? 1} (line ${e.lines}) has ${got} fields, but the header has ${header?.length ?? '?'} (${header?.join(delimiter === '\t' ? ' ⇥ ' : delimiter) ?? ''}). Check for an unquoted "${delimiter === '\t' ? '\\t' : delimiter}" in that row.`, {
        path,
        line: e.lines,
      });
    }
    if (e.code === 'CSV_MAX_RECORD_SIZE') {
      const col = typeof e.column === 'number' ? (header?.[e.column] ?? `number ${e.column + 1}`) : e.column;
      const where = header ? `row ${e.records ?? '?'}, column "${col}"` : 'the header row';
      return bad(
        `${path}: ${where} (up to line ${e.lines}) is larger than ${MIB} MiB, the most Ticket Lens reads in one row. If the cell really is that long, shorten it; otherwise look for a quote (") that is never closed before it.`,
        { path, row: e.records, line: e.lines, column: col },
      );
    }
    return bad(`${path}: line ${e.lines ?? '?'}: ${e.message}`, { path, line: e.lines });
  }
  const errno = err as NodeJS.ErrnoException;
  if (typeof errno.code === 'string' && typeof errno.syscall === 'string') {
    return bad(`${path}: reading the file failed after ${pipe.source.bytesRead} bytes (${errno.code}: ${errno.message}).`, { path, offset: pipe.source.bytesRead });
  }
  return err;
}

/** A file that ended early or grew while being read would give a silently wrong table. */
function changedWhileRead(path: string, opened: OpenedCsv, pipe: CsvPipe): TicketLensError {
  return bad(`${path} changed while it was being read (${pipe.source.bytesRead} bytes read, ${opened.size} expected); try again once it is saved.`, { path });
}

/** Streams the records of a CSV file; see the module comment for row numbering, limits and errors. */
export async function* streamCsv(path: string, opts: CsvReadOptions): AsyncGenerator<CsvRecord | { skipped: { row: number; line: number; reason: string } }, { header: string[]; delimiter: Delimiter }> {
  const opened = await openCsv(path);
  const { delimiter } = opened;
  // No `raw`: csv-parse would copy every record's text a second time (and append to that copy byte by
  // byte) only for its line count; the start line is worked out from the fields instead (startLine).
  const pipe = csvPipe(opened, { info: true, skip_empty_lines: true, relax_quotes: false });

  let header: string[] | null = null;
  let textIdx = -1;
  let extra: [string, number][] = [];
  let row = 0;
  try {
    for await (const rec of pipe.records as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      if (opts.signal?.aborted) throw new TicketLensError('job_cancelled', 'Reading the CSV was cancelled.');
      const line = startLine(rec.info.lines, rec.record);
      if (!header) {
        header = readHeader(path, rec.record);
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
    if (pipe.source.bytesRead !== opened.size) throw changedWhileRead(path, opened, pipe);
  } catch (err) {
    throw readFailure(err, path, opened, pipe, header);
  } finally {
    await pipe.close();
  }
  if (!header) throw bad(`${path}: the file has no header row.`, { path });
  if (row === 0) throw bad(`${path}: the file has a header but no data rows.`, { path });
  return { header, delimiter };
}

/**
 * The line a record starts on, from `lastLine` (csv-parse's info.lines when it emits the record: the
 * line holding the record's end). Every newline inside a record is inside a quoted field and kept in
 * that field's value as \n (NewlinesToLf runs first; no trim option), so the fields' newlines are
 * exactly the lines the record spans beyond its first.
 */
function startLine(lastLine: number, fields: readonly string[]): number {
  let spanned = 0;
  for (const f of fields) for (let i = f.indexOf('\n'); i >= 0; i = f.indexOf('\n', i + 1)) spanned++;
  return lastLine - spanned;
}

function readHeader(path: string, record: string[]): string[] {
  if (record.length > MAX_CSV_COLUMNS) {
    throw bad(`${path}: the header has ${record.length} columns; Ticket Lens reads at most ${MAX_CSV_COLUMNS}. Check that the file is a CSV and its delimiter is a comma, semicolon or tab.`, { path, columns: record.length });
  }
  const header = record.map((h) => h.trim());
  const dup = header.find((h, i) => header.indexOf(h) !== i);
  if (dup !== undefined) throw bad(`${path}: the header names the column "${dup}" twice.`, { path });
  return header;
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
  const opened = await openCsv(path);
  const pipe = csvPipe(opened, { skip_empty_lines: true, relax_column_count: true });
  const out: string[][] = [];
  try {
    for await (const rec of pipe.records as AsyncIterable<string[]>) {
      if (out.length === 0) readHeader(path, rec);
      out.push(rec);
      if (out.length > rows) break;
    }
  } catch (err) {
    throw readFailure(err, path, opened, pipe, out[0] ?? null);
  } finally {
    await pipe.close();
  }
  if (out.length === 0) throw bad(`${path}: the file has no header row.`, { path });
  return { header: out[0].map((h) => h.trim()), delimiter: opened.delimiter, rows: out.slice(1) };
}

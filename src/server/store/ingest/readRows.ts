/**
 * The whole CSV read and checked before anything is written: every date parsed, ids checked for
 * duplicates, the date range and the limit applied. A file with one bad cell is refused as a whole, so
 * an ingest never stops half-way on bad input (only on a fault, which it resumes from).
 *
 * A ticket's id is its id column's value; without one, `row<N>-<12 hex of sha256(text)>`, so the same
 * file ingested again gives the same ids (and an edit of a row without ids gives a new ticket).
 * Two rows with the same id: the same text is the same ticket twice (the later row is skipped and
 * counted); different texts are an error naming both rows, since either could be the one meant.
 */
import { createHash } from 'node:crypto';
import { TicketLensError, type IngestOptionsParsed, type IngestSkipped } from '../../../shared/api';
import { streamCsv, type CsvRecord } from '../../data/csv';
import { DAY_MS, dayStart, parseDateColumn } from './dates';

export interface IngestRow {
  ticketId: string;
  text: string;
  contentHash: string;
  /** Epoch ms, or null without a date. */
  createdAt: number | null;
  row: number;
  line: number;
}

export interface ReadRows {
  rows: IngestRow[];
  /** Data rows in the file. */
  total: number;
  skipped: Omit<IngestSkipped, 'alreadyEmbedded'>;
  warnings: string[];
}

export const contentHash = (text: string) => createHash('sha256').update(text).digest('hex');

const bad = (message: string, details?: Record<string, unknown>) => new TicketLensError('bad_input', message, details);

/** [from, to) in epoch ms from the options' startDate / endDate / daysBack; null bounds are open. */
export function dateWindow(o: IngestOptionsParsed, now = Date.now()): { from: number | null; to: number | null } | null {
  if (o.startDate === null && o.endDate === null && o.daysBack === null) return null;
  if (o.daysBack !== null && o.startDate !== null) throw bad('Give either --start-date or --days-back, not both.');
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  const from = o.startDate !== null ? dayStart(o.startDate) : o.daysBack !== null ? today - o.daysBack * DAY_MS : null;
  const to = o.endDate !== null ? dayStart(o.endDate) + DAY_MS : null;
  if (from !== null && to !== null && from >= to) throw bad(`The date range is empty: ${new Date(from).toISOString().slice(0, 10)} is after ${o.endDate}.`);
  return { from, to };
}

export async function readRows(o: IngestOptionsParsed, signal?: AbortSignal): Promise<ReadRows> {
  const path = o.csvPath!;
  const window = dateWindow(o);
  if (window && o.dateColumn === null) throw bad('A date range (--start-date, --end-date, --days-back) needs --date-column.');
  const columns = [o.idColumn, o.dateColumn].filter((c): c is string => c !== null);
  const records: CsvRecord[] = [];
  let total = 0;
  let emptyText = 0;
  const it = streamCsv(path, { textColumn: o.textColumn!, columns, signal });
  for (let next = await it.next(); !next.done; next = await it.next()) {
    total++;
    if ('skipped' in next.value) emptyText++;
    else records.push(next.value);
  }

  const dates = o.dateColumn !== null ? parseDateColumn(records.map((r) => ({ row: r.row, value: r.fields[o.dateColumn!] })), path, o.dateColumn) : null;
  const rows: IngestRow[] = [];
  const seen = new Map<string, IngestRow>();
  const skipped = { emptyText, outsideDates: 0, beyondLimit: 0, duplicate: 0 };
  const warnings: string[] = [];
  records.forEach((r, i) => {
    const hash = contentHash(r.text);
    let ticketId: string;
    if (o.idColumn !== null) {
      ticketId = r.fields[o.idColumn].trim();
      if (ticketId === '') throw bad(`${path}: row ${r.row}, column "${o.idColumn}" is empty; every ticket needs an id (or ingest without --id-column).`, { path, row: r.row, column: o.idColumn });
    } else {
      ticketId = `row${r.row}-${hash.slice(0, 12)}`;
    }
    const earlier = seen.get(ticketId);
    if (earlier) {
      if (earlier.contentHash !== hash) {
        throw bad(
          `${path}: rows ${earlier.row} and ${r.row} have the same id "${ticketId}" (column "${o.idColumn}") but different texts; ids must name one ticket. Fix the file, or ingest without --id-column.`,
          { path, rows: [earlier.row, r.row], id: ticketId },
        );
      }
      skipped.duplicate++;
      if (skipped.duplicate <= 5) warnings.push(`row ${r.row} repeats row ${earlier.row} (id "${ticketId}", same text): skipped`);
      return;
    }
    const t = dates ? dates[i] : Number.NaN;
    const createdAt = Number.isNaN(t) ? null : t;
    const row: IngestRow = { ticketId, text: r.text, contentHash: hash, createdAt, row: r.row, line: r.line };
    seen.set(ticketId, row);
    if (window && (createdAt === null || (window.from !== null && createdAt < window.from) || (window.to !== null && createdAt >= window.to))) {
      skipped.outsideDates++;
      return;
    }
    if (o.limit !== null && rows.length >= o.limit) {
      skipped.beyondLimit++;
      return;
    }
    rows.push(row);
  });
  if (skipped.duplicate > 5) warnings.push(`…and ${skipped.duplicate - 5} more repeated rows skipped`);
  return { rows, total, skipped, warnings };
}

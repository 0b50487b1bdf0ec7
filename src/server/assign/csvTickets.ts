/** New tickets from a CSV: text, and the id and created-at columns when asked for (dates as ingest reads them). */
import { readCsv } from '../data/csv';
import type { Logger } from '../log';
import { parseDateColumn } from '../store/ingest/dates';

export interface NewTickets {
  rows: number[];
  lines: number[];
  texts: string[];
  ids: (string | null)[];
  /** Epoch ms; NaN when undated. */
  dates: Float64Array;
}

export interface CsvTicketsOptions {
  textColumn: string;
  idColumn?: string | null;
  dateColumn?: string | null;
  signal?: AbortSignal;
  log?: Logger;
}

export async function readNewTickets(path: string, o: CsvTicketsOptions): Promise<NewTickets> {
  const columns = [o.idColumn, o.dateColumn].filter((c): c is string => !!c);
  const table = await readCsv(path, { textColumn: o.textColumn, columns, signal: o.signal });
  for (const s of table.skipped) o.log?.warn(`${path}: row ${s.row} (line ${s.line}) skipped: ${s.reason}`);
  const recs = table.records;
  const dates = o.dateColumn
    ? parseDateColumn(
        recs.map((r) => ({ row: r.row, value: r.fields[o.dateColumn!] })),
        path,
        o.dateColumn,
      )
    : new Float64Array(recs.length).fill(Number.NaN);
  return {
    rows: recs.map((r) => r.row),
    lines: recs.map((r) => r.line),
    texts: recs.map((r) => r.text),
    ids: recs.map((r) => (o.idColumn ? r.fields[o.idColumn] || null : null)),
    dates,
  };
}

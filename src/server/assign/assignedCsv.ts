/**
 * assigned.csv: each new ticket with the cluster it went to (columns in shared/trends.ts). Written by
 * `ticket-lens assign --csv`, read back by `ticket-lens trends --assigned`; every line is checked
 * against the contract, so a damaged file is refused with its row and column.
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { ASSIGNED_COLUMNS, AssignedCsvRow, TicketLensError, type AssignedRow } from '../../shared/api';
import { writeFileAtomic } from '../data/atomic';
import { readHead, type OwnOutput } from '../data/outputs';

const HEADER = ASSIGNED_COLUMNS.join(',');

/** An earlier assigned.csv (its exact header line) may be replaced by a new one. */
export const ASSIGNED_OUTPUT: OwnOutput = {
  what: 'an assigned-tickets CSV',
  test: async (path) => (await readHead(path, HEADER.length + 2)).toString('utf8').split(/\r?\n/)[0] === HEADER,
};

export function assignedCsv(rows: readonly AssignedRow[]): string {
  return stringify(
    rows.map((a) => [a.row, a.line, a.id ?? '', a.date ?? '', a.text, a.cluster ?? '', a.status, a.probability.toFixed(4), a.similarity.toFixed(4)]),
    { header: true, columns: [...ASSIGNED_COLUMNS] },
  );
}

export function writeAssigned(path: string, rows: readonly AssignedRow[]): Promise<void> {
  return writeFileAtomic(path, assignedCsv(rows));
}

export async function readAssigned(path: string): Promise<AssignedRow[]> {
  let header: string[] = [];
  let records: Record<string, string>[];
  try {
    records = parse<Record<string, string>>(await readFile(path), { columns: (h: string[]) => (header = h), bom: true });
  } catch (err) {
    throw new TicketLensError('bad_input', `${path} is not a readable CSV: ${(err as Error).message}`, { path });
  }
  const missing = ASSIGNED_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length) throw new TicketLensError('bad_input', `${path} is not an assigned-tickets CSV (ticket-lens assign --out): it lacks ${missing.map((c) => `"${c}"`).join(', ')}.`, { path });
  return records.map((record, i) => {
    const r = AssignedCsvRow.safeParse(record);
    if (r.success) return r.data;
    const column = String(r.error.issues[0].path[0] ?? '?');
    throw new TicketLensError('bad_input', `${path}: data row ${i + 1}, column "${column}": ${r.error.issues[0].message} (the cell holds ${JSON.stringify(record[column] ?? null)}).`, { path, row: i + 1, column });
  });
}

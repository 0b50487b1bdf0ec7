/**
 * assignments.csv: every row of the input with its cluster path, membership, noise flag and map
 * position (columns in shared/run.ts). Read back for the map, labelling prompts, label export and
 * merges; every line is checked against the contract, so a damaged file is refused with its row and
 * column rather than read as NaN or an empty path.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { ASSIGNMENT_COLUMNS, ASSIGNMENT_LABEL_COLUMN, AssignmentCsvRow, TicketLensError, type AssignmentRow } from '../../shared/api';
import { writeFileAtomic } from '../data/atomic';

export const ASSIGNMENTS_CSV = 'assignments.csv';

export async function readAssignments(dir: string): Promise<AssignmentRow[]> {
  const path = join(dir, ASSIGNMENTS_CSV);
  let header: string[] = [];
  let records: Record<string, string>[];
  try {
    records = parse<Record<string, string>>(await readFile(path), { columns: (h: string[]) => (header = h) });
  } catch (err) {
    throw new TicketLensError('bad_input', `${path} is not a readable CSV: ${(err as Error).message}`);
  }
  const missing = ASSIGNMENT_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length) throw new TicketLensError('bad_input', `${path} lacks the column${missing.length > 1 ? 's' : ''} ${missing.map((c) => `"${c}"`).join(', ')} of a run's assignments.`);
  return records.map((record, i) => {
    const r = AssignmentCsvRow.safeParse(record);
    if (r.success) return r.data;
    const column = String(r.error.issues[0].path[0] ?? '?');
    throw new TicketLensError('bad_input', `${path}: data row ${i + 1}, column "${column}": ${r.error.issues[0].message} (the cell holds ${JSON.stringify(record[column] ?? null)}).`);
  });
}

/**
 * Rows formatted per slice, with a turn of the event loop between slices: in one piece a 27,000-row
 * run held the HTTP thread for ~0.45 s. Each record's line depends on that record alone, so the
 * slices joined are the file stringified whole.
 */
const SLICE_ROWS = 500;

/** `labelled`: the run has a label column, so every row carries a `label` cell. */
export async function assignmentsCsv(rows: readonly AssignmentRow[], labelled: boolean): Promise<string> {
  const columns = [...ASSIGNMENT_COLUMNS, ...(labelled ? [ASSIGNMENT_LABEL_COLUMN] : [])];
  const parts: string[] = [];
  // At least one slice: the header alone for no rows.
  for (let start = 0; start === 0 || start < rows.length; start += SLICE_ROWS) {
    if (start > 0) await new Promise((resolve) => setImmediate(resolve));
    const slice = rows.slice(start, start + SLICE_ROWS);
    parts.push(
      stringify(
        slice.map((a) => [a.row, a.line, a.text, a.cluster, a.probability.toFixed(4), a.outlierScore.toFixed(4), a.wasNoise ? 1 : 0, a.x.toFixed(4), a.y.toFixed(4), ...(labelled ? [a.label ?? ''] : [])]),
        { header: start === 0, columns },
      ),
    );
  }
  return parts.join('');
}

export async function writeAssignments(dir: string, rows: readonly AssignmentRow[], labelled: boolean): Promise<void> {
  await writeFileAtomic(join(dir, ASSIGNMENTS_CSV), await assignmentsCsv(rows, labelled));
}

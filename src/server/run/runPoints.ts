/**
 * The map's points of a run (POST /runs/points): every row's position, cluster path, text and label
 * from assignments.csv, the columns of the input CSV the map can colour by date, and — when one is
 * asked for — each row's date from it. The date columns are judged on the file's first rows, so that
 * offering them costs a few kilobytes read, not the file; the dates themselves are read only when
 * asked for, through the same row check trends make (a file edited since the run is refused rather
 * than shown with another row's dates).
 */
import { TicketLensError, type AssignmentRow, type LoadedRun, type RunPoints } from '../../shared/api';
import { previewCsv } from '../data/csv';
import { parseDate } from '../store/ingest/dates';
import { runRows } from '../trends/sources';
import { readAssignments } from './assignmentsCsv';
import { withRunRead } from './folder';

/** Rows of the input CSV a column is judged on. */
const DATE_SAMPLE_ROWS = 50;

export async function runPoints(runDir: string, dateColumn?: string, signal?: AbortSignal): Promise<RunPoints> {
  // Under the run's lock: never assignments.csv half-way through a merge.
  const { run, rows } = await withRunRead(runDir, async (r) => ({ run: r, rows: await readAssignments(r.runDir) }));
  const dateColumns = await dateColumnsOf(run);
  let date: (number | null)[] | undefined;
  if (dateColumn !== undefined) {
    if (!dateColumns.includes(dateColumn)) {
      throw new TicketLensError('bad_input', `Column "${dateColumn}" of ${run.manifest.input.path} does not hold dates in its first rows${dateColumns.length ? `; its date columns are ${dateColumns.map((c) => `"${c}"`).join(', ')}` : ''}.`, { column: dateColumn });
    }
    date = await pointDates(run, rows, dateColumn, signal);
  }
  return {
    ...(run.manifest.input.labelColumn ? { label: rows.map((r) => r.label ?? '') } : {}),
    x: rows.map((r) => r.x),
    y: rows.map((r) => r.y),
    cluster: rows.map((r) => r.cluster),
    text: rows.map((r) => r.text),
    row: rows.map((r) => r.row),
    line: rows.map((r) => r.line),
    dateColumns,
    ...(date ? { date } : {}),
  };
}

/**
 * The input CSV's columns, other than the text and label columns, whose sampled cells are dates: at
 * least one filled, and every filled one a date in a format ingest accepts (day or month first). A
 * file that is gone or unreadable has none: the map then simply offers no date colouring.
 */
export async function dateColumnsOf(run: LoadedRun): Promise<string[]> {
  const { textColumn, labelColumn, path } = run.manifest.input;
  const preview = await previewCsv(path, DATE_SAMPLE_ROWS).catch(() => null);
  if (!preview) return [];
  return preview.header.filter((name, c) => {
    if (name === textColumn || name === labelColumn || name === '') return false;
    const cells = preview.rows.map((r) => (r[c] ?? '').trim()).filter((v) => v !== '');
    return cells.length > 0 && cells.every((v) => Number.isFinite(parseDate(v)) || Number.isFinite(parseDate(v, true)));
  });
}

/** Each row's instant (epoch ms; null: no date in its cell), in assignments.csv order. */
export async function pointDates(run: LoadedRun, rows: readonly AssignmentRow[], column: string, signal?: AbortSignal): Promise<(number | null)[]> {
  return (await runRows(run, rows, column, signal)).map((t) => (Number.isNaN(t.at) ? null : t.at));
}

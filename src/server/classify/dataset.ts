/**
 * A labelled CSV read for training or evaluation: the texts plus, per task, each row's label (or
 * labels, for a multi-label column split on a separator). Bad label data is refused here with the
 * file, row and column named: an empty label cell, or a column with fewer than two classes.
 */
import { TicketLensError } from '../../shared/api';
import { readCsv } from '../data/csv';

export interface TaskColumn {
  column: string;
  multiLabel: boolean;
  sep?: string;
}

export interface LabelledTask extends TaskColumn {
  name: string;
  labels: string[];
  /** Single-label: class index per row. */
  y: Int32Array | null;
  /** Multi-label: n × labels multi-hot. */
  multiHot: Uint8Array | null;
  /** The raw cell per row (for reports and stored examples). */
  raw: string[];
}

export interface LabelledData {
  path: string;
  texts: string[];
  rows: number[];
  tasks: LabelledTask[];
  skipped: number;
}

export function splitLabels(cell: string, sep: string): string[] {
  return [...new Set(cell.split(sep).map((s) => s.trim()).filter((s) => s.length > 0))];
}

/**
 * Reads `path`; `knownLabels` (evaluation) maps each task to the model's label list, so rows are
 * indexed the model's way and a label the model never saw is reported.
 */
export async function readLabelled(path: string, textColumn: string, columns: TaskColumn[], opts: { signal?: AbortSignal; knownLabels?: Record<string, string[]> } = {}): Promise<LabelledData> {
  if (columns.length === 0) throw new TicketLensError('bad_input', 'Give at least one --label-column or --multi-label-column to train on.');
  const dup = columns.find((c, i) => columns.findIndex((d) => d.column === c.column) !== i);
  if (dup) throw new TicketLensError('bad_input', `The column "${dup.column}" is given twice.`);
  if (columns.some((c) => c.column === textColumn)) throw new TicketLensError('bad_input', `"${textColumn}" is the text column; it cannot also be a label column.`);
  const table = await readCsv(path, { textColumn, columns: columns.map((c) => c.column), signal: opts.signal });
  const texts = table.records.map((r) => r.text);
  const tasks: LabelledTask[] = columns.map((c) => {
    const raw: string[] = [];
    for (const r of table.records) {
      const cell = (r.fields[c.column] ?? '').trim();
      if (!c.multiLabel && cell.length === 0) {
        throw new TicketLensError('bad_input', `${path}: row ${r.row} (line ${r.line}) has an empty "${c.column}" cell; every row needs a label to train or evaluate on (remove the row or fill in its label).`, {
          path,
          row: r.row,
          line: r.line,
          column: c.column,
        });
      }
      raw.push(cell);
    }
    const known = opts.knownLabels?.[c.column];
    const found = c.multiLabel ? [...new Set(raw.flatMap((v) => splitLabels(v, c.sep ?? ';')))].sort() : [...new Set(raw)].sort();
    const labels = known ?? found;
    if (!known && labels.length < 2) {
      throw new TicketLensError(
        'bad_input',
        `${path}: the column "${c.column}" has ${labels.length === 0 ? 'no labels' : `only one class ("${labels[0]}")`}; a classifier needs at least two classes to tell apart.`,
        { path, column: c.column },
      );
    }
    const index = new Map(labels.map((l, i) => [l, i]));
    const name = c.column;
    if (!c.multiLabel) {
      const y = new Int32Array(raw.length);
      raw.forEach((v, i) => {
        const k = index.get(v);
        if (k === undefined) {
          const rec = table.records[i];
          throw new TicketLensError('bad_input', `${path}: row ${rec.row} (line ${rec.line}), column "${c.column}": the label "${v}" is not one the model knows (${labels.slice(0, 8).join(', ')}${labels.length > 8 ? ', …' : ''}).`, {
            path,
            row: rec.row,
            column: c.column,
          });
        }
        y[i] = k;
      });
      return { ...c, name, labels, y, multiHot: null, raw };
    }
    const multiHot = new Uint8Array(raw.length * labels.length);
    raw.forEach((v, i) => {
      for (const l of splitLabels(v, c.sep ?? ';')) {
        const k = index.get(l);
        if (k !== undefined) multiHot[i * labels.length + k] = 1;
      }
    });
    return { ...c, name, labels, y: null, multiHot, raw };
  });
  return { path, texts, rows: table.records.map((r) => r.row), tasks, skipped: table.skipped.length };
}

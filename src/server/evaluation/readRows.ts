/**
 * The labelled rows of an evaluation: text, given label (as an index into the classifier's classes),
 * row and line. Refused with file, row and line named, as the classifier's own reader refuses them
 * (classify/dataset.ts): an empty label cell, or a label the classifier does not know.
 */
import { TicketLensError } from '../../shared/api';
import { readCsv } from '../data/csv';

export interface LabelledRows {
  path: string;
  texts: string[];
  truth: Int32Array;
  row: Int32Array;
  line: Int32Array;
}

export async function readLabelledRows(path: string, textColumn: string, labelColumn: string, labels: readonly string[], signal?: AbortSignal): Promise<LabelledRows> {
  if (labelColumn === textColumn) throw new TicketLensError('bad_input', `"${textColumn}" is the text column; it cannot also be the label column.`);
  const table = await readCsv(path, { textColumn, columns: [labelColumn], signal });
  const index = new Map(labels.map((l, i) => [l, i]));
  const n = table.records.length;
  const out: LabelledRows = { path: table.path, texts: [], truth: new Int32Array(n), row: new Int32Array(n), line: new Int32Array(n) };
  table.records.forEach((r, i) => {
    const cell = (r.fields[labelColumn] ?? '').trim();
    const k = index.get(cell);
    if (k === undefined) {
      const why = cell ? `the label "${cell}" is not one the classifier knows (${labels.slice(0, 8).join(', ')}${labels.length > 8 ? ', …' : ''})` : 'the label cell is empty; every row needs a label to be evaluated';
      throw new TicketLensError('bad_input', `${path}: row ${r.row} (line ${r.line}), column "${labelColumn}": ${why}.`, { path, row: r.row, line: r.line, column: labelColumn });
    }
    out.texts.push(r.text);
    out.truth[i] = k;
    out.row[i] = r.row;
    out.line[i] = r.line;
  });
  if (n === 0) throw new TicketLensError('bad_input', `${path}: no rows with a text to evaluate on.`, { path });
  return out;
}

/**
 * The tags distillation learns from: tags.csv read back and checked against the CSV it was made
 * from (each tagged row must still hold text there, with the same id when there is an id column,
 * and every label must belong to the label set), then split into the tags the classifier trains on
 * and the tags held out to measure its agreement with Claude. The split is stratified on the (first)
 * label and seeded, so the same tags give the same split and the same agreement.
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { TicketLensError, type LabelSet } from '../../shared/api';
import { TAG_LABEL_SEPARATOR, TAGS_CSV_COLUMNS, TagRecord } from '../../shared/tag';
import { streamCsv } from '../data/csv';
import { stratifiedSplit } from '../classify/split';

export interface DistilTag {
  row: number;
  id: string | null;
  labels: string[];
  text: string;
}

export interface TagSplit {
  train: DistilTag[];
  heldOut: DistilTag[];
}

const bad = (message: string, details?: Record<string, unknown>) => new TicketLensError('bad_input', message, details);

/** tags.csv as TagRecords (file order); a file of another layout, or a bad line, is refused with its row. */
export async function readTagsCsv(path: string): Promise<TagRecord[]> {
  let rows: string[][];
  try {
    rows = parse(await readFile(path), { bom: true, skip_empty_lines: true });
  } catch (err) {
    throw bad(`${path} is not a readable tags CSV (${err instanceof Error ? err.message : String(err)}).`, { path });
  }
  const [header, ...body] = rows;
  if (!header || header.join(',') !== TAGS_CSV_COLUMNS.join(',')) {
    throw bad(`${path} is not a tags.csv written by \`ticket-lens tag\`: its header should be ${TAGS_CSV_COLUMNS.join(',')}.`, { path });
  }
  return body.map((cells, i) => {
    const [row, id, label, reason] = cells;
    const parsed = TagRecord.safeParse({
      row: Number(row),
      id: id === '' ? null : id,
      labels: (label ?? '').split(TAG_LABEL_SEPARATOR).map((l) => l.trim()).filter((l) => l.length > 0),
      reason: reason ?? '',
    });
    if (!parsed.success) throw bad(`${path}: line ${i + 2} is not a valid tag (${parsed.error.issues[0]?.message ?? 'bad cells'}).`, { path, line: i + 2 });
    return parsed.data;
  });
}

/** The tags with their texts from the CSV, refused when the two do not belong together; and how many rows of the CSV have text. */
export async function attachTexts(
  tags: readonly TagRecord[],
  set: LabelSet,
  csv: { path: string; textColumn: string; idColumn: string | null; tagsCsv: string; signal?: AbortSignal },
): Promise<{ tags: DistilTag[]; rows: number }> {
  const known = new Set(set.labels.map((l) => l.name));
  const byRow = new Map<number, TagRecord>();
  for (const t of tags) {
    if (byRow.has(t.row)) throw bad(`${csv.tagsCsv}: row ${t.row} is tagged twice.`, { path: csv.tagsCsv, row: t.row });
    const stranger = t.labels.find((l) => !known.has(l));
    if (stranger !== undefined) throw bad(`${csv.tagsCsv}: row ${t.row} is tagged "${stranger}", which is not a label of the set "${set.name}".`, { path: csv.tagsCsv, row: t.row });
    if (!set.multiLabel && t.labels.length > 1) throw bad(`${csv.tagsCsv}: row ${t.row} has ${t.labels.length} labels but the set "${set.name}" is single-label.`, { path: csv.tagsCsv, row: t.row });
    byRow.set(t.row, t);
  }
  const texts = new Map<number, { text: string; id: string | null }>();
  let rows = 0;
  for await (const item of streamCsv(csv.path, { textColumn: csv.textColumn, columns: csv.idColumn ? [csv.idColumn] : [], signal: csv.signal })) {
    if ('skipped' in item) continue;
    rows++;
    if (byRow.has(item.row)) texts.set(item.row, { text: item.text, id: csv.idColumn ? (item.fields[csv.idColumn] ?? '') : null });
  }
  const attached = tags.map((t) => {
    const found = texts.get(t.row);
    if (!found) throw bad(`${csv.tagsCsv}: row ${t.row} has no text in ${csv.path}; the tags were made from another file (or it changed since).`, { path: csv.tagsCsv, row: t.row });
    if (csv.idColumn && t.id !== null && found.id !== t.id) {
      throw bad(`${csv.tagsCsv}: row ${t.row} was tagged as id "${t.id}" but ${csv.path} has id "${found.id ?? ''}" there; the CSV changed since it was tagged.`, { path: csv.tagsCsv, row: t.row });
    }
    return { row: t.row, id: t.id ?? found.id, labels: t.labels, text: found.text };
  });
  return { tags: attached, rows };
}

/** Stratified on the first label, seeded: `share` of each label's tags held out (a label tagged once stays in training). */
export function splitTags(tags: readonly DistilTag[], share: number, seed: number): TagSplit {
  const index = new Map<string, number>();
  const strata = tags.map((t) => {
    const l = t.labels[0];
    if (!index.has(l)) index.set(l, index.size);
    return index.get(l)!;
  });
  const { train, val } = stratifiedSplit(strata, share, seed);
  return { train: train.sort((a, b) => a - b).map((i) => tags[i]), heldOut: val.map((i) => tags[i]) };
}

/**
 * `ticket-lens classify data.csv --out predictions.csv`: streams the CSV in chunks, classifies each
 * chunk, and appends every input row (its row number and all its columns) plus, per task, the
 * predicted label and its confidence (columns `predicted_<task>`, `predicted_<task>_confidence`). Resumable and atomic:
 *
 *   predictions.csv.partial       the rows written so far (appended and fsync'd chunk by chunk)
 *   predictions.csv.partial.json  checkpoint: input identity (size, mtime), output columns, rows and
 *                                 bytes committed — written atomically after each chunk
 *
 * An interrupted run (Ctrl-C, crash) leaves only those two files; the next run with the same input
 * and models truncates the partial file to the last checkpoint and continues after its last row.
 * When done, the partial file is renamed to the output. The input is only ever read.
 *
 * Rows whose text cell is empty are kept (row number only, the CSV reader gives no other cells for
 * them) with empty predictions.
 *
 * The output, the partial file and the checkpoint replace only files of their own kind (told from
 * their content: a predictions header, a checkpoint), so running again over an earlier output works
 * and a user's file is never overwritten; none may be the input or a model being read (data/outputs.ts).
 */
import { existsSync } from 'node:fs';
import { open, readFile, rename, rm, stat, truncate } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { z } from 'zod';
import type { JobProgress, TaskPrediction } from '../../shared/api';
import { ClassifyRequest } from '../../shared/api';
import { previewCsv, streamCsv, type CsvRecord } from '../data/csv';
import { writeFileAtomic } from '../data/atomic';
import { checkOutputFile, readHead, type InUse, type OwnOutput } from '../data/outputs';
import { resolveModelPath, type ClassifyService } from './service';

export interface BatchInput {
  csvPath: string;
  textColumn: string;
  outPath: string;
  models: string[];
  labelSets?: string[];
  workspace?: string;
  reject?: boolean;
  chunkSize?: number;
}

export interface BatchResult {
  outPath: string;
  rows: number;
  resumedAfterRow: number;
  tasks: string[];
}

const Checkpoint = z.object({
  version: z.literal(1),
  input: z.object({ path: z.string(), size: z.number(), mtimeMs: z.number() }),
  columns: z.array(z.string()),
  request: z.string(),
  rowsDone: z.number().int(),
  bytes: z.number().int(),
});
type Checkpoint = z.infer<typeof Checkpoint>;

/** Bytes read to recognise an earlier output: its header line, or the whole checkpoint. */
const HEAD_BYTES = 1 << 20;

/** A CSV this command wrote (or is writing): `row` (or `_row`) first, a predicted label and its confidence last. */
export const PREDICTIONS_OUTPUT: OwnOutput = {
  what: 'a predictions CSV',
  async test(path) {
    let cols: string[] | undefined;
    try {
      cols = parse(await readHead(path, HEAD_BYTES), { to_line: 1, bom: true, relax_column_count: true })[0];
    } catch {
      return false; // not CSV, or a first line longer than HEAD_BYTES
    }
    if (!cols || cols.length < 3) return false;
    const confidence = cols[cols.length - 1];
    return (cols[0] === 'row' || cols[0] === '_row') && confidence.startsWith('predicted_') && confidence === `${cols[cols.length - 2]}_confidence`;
  },
};

const CHECKPOINT_OUTPUT: OwnOutput = {
  what: 'a batch-classify checkpoint',
  test: async (path) => {
    try {
      return Checkpoint.safeParse(JSON.parse((await readHead(path, HEAD_BYTES)).toString('utf8'))).success;
    } catch {
      return false;
    }
  },
};

/** The files a run reads: none may be written. */
function inputsOf(input: BatchInput): InUse[] {
  const models: InUse[] = [];
  for (const m of input.models) {
    try {
      models.push({ path: resolveModelPath(m), what: `the classifier ${m}` });
    } catch {
      // an unknown shipped name: the service reports it
    }
  }
  return [{ path: input.csvPath, what: 'the input CSV' }, ...models];
}

function taskColumns(preds: TaskPrediction[]): string[] {
  const seen = new Map<string, number>();
  for (const p of preds) seen.set(p.task, (seen.get(p.task) ?? 0) + 1);
  return preds.map((p) => (seen.get(p.task)! > 1 ? `${p.source}.${p.task}` : p.task));
}

function predictionCells(p: TaskPrediction | undefined): string[] {
  if (!p) return ['', ''];
  const label = p.multiLabel && !p.unknown ? (p.labels ?? []).join(';') : p.label;
  return [label, p.confidence.toFixed(4)];
}

export async function classifyCsv(input: BatchInput, ctx: { service: ClassifyService; signal?: AbortSignal; progress?: (p: JobProgress) => void }): Promise<BatchResult> {
  const partial = `${input.outPath}.partial`;
  const ckptPath = `${partial}.json`;
  const inUse = inputsOf(input);
  await checkOutputFile(input.outPath, inUse, { option: 'The output', replaces: PREDICTIONS_OUTPUT });
  await checkOutputFile(partial, inUse, { option: 'The partial output', replaces: PREDICTIONS_OUTPUT });
  await checkOutputFile(ckptPath, inUse, { option: 'The checkpoint', replaces: CHECKPOINT_OUTPUT });
  const chunkSize = input.chunkSize ?? 256;
  const { header } = await previewCsv(input.csvPath, 1);
  const others = header.filter((h) => h !== input.textColumn);
  const info = await stat(input.csvPath);
  const request = ClassifyRequest.parse({ texts: ['x'], models: input.models, labelSets: input.labelSets, workspace: input.workspace, reject: input.reject ?? true });

  // the task columns, from one probe prediction (also loads the models and checks them up front)
  const probe = await ctx.service.classify(request, ctx.signal);
  const tasks = taskColumns(probe.results[0].tasks);
  const rowColumn = header.includes('row') ? '_row' : 'row';
  const columns = [rowColumn, ...header, ...tasks.flatMap((t) => [`predicted_${t}`, `predicted_${t}_confidence`])];
  const requestKey = JSON.stringify({ models: input.models, labelSets: input.labelSets ?? null, workspace: input.workspace ?? null, reject: request.reject });

  // total rows, for progress (parsing only: fast)
  ctx.progress?.({ stage: 'counting rows' });
  let total = 0;
  for await (const item of streamCsv(input.csvPath, { textColumn: input.textColumn, signal: ctx.signal })) if (item) total++;

  let ckpt: Checkpoint | null = null;
  if (existsSync(ckptPath) && existsSync(partial)) {
    const parsed = Checkpoint.safeParse(JSON.parse(await readFile(ckptPath, 'utf8').catch(() => 'null')));
    if (parsed.success && parsed.data.input.size === info.size && parsed.data.input.mtimeMs === info.mtimeMs && parsed.data.request === requestKey && JSON.stringify(parsed.data.columns) === JSON.stringify(columns)) {
      ckpt = parsed.data;
    }
  }
  if (ckpt) await truncate(partial, ckpt.bytes);
  else {
    await rm(ckptPath, { force: true });
    await writeFileAtomic(partial, stringify([columns]));
    ckpt = { version: 1, input: { path: input.csvPath, size: info.size, mtimeMs: info.mtimeMs }, columns, request: requestKey, rowsDone: 0, bytes: (await stat(partial)).size };
    await writeFileAtomic(ckptPath, JSON.stringify(ckpt));
  }
  const resumedAfterRow = ckpt.rowsDone;
  const fh = await open(partial, 'a');
  try {
    let pending: ({ row: number; rec: CsvRecord | null })[] = [];
    const flush = async () => {
      if (pending.length === 0) return;
      const texts = pending.filter((p) => p.rec).map((p) => p.rec!.text);
      const res = texts.length ? await ctx.service.classify({ ...request, texts }, ctx.signal) : { results: [] };
      let k = 0;
      const lines = pending.map(({ row, rec }) => {
        if (!rec) return [String(row), ...header.map(() => ''), ...tasks.flatMap(() => ['', ''])];
        const preds = res.results[k++].tasks;
        return [String(row), ...header.map((h) => (h === input.textColumn ? rec.text : (rec.fields[h] ?? ''))), ...tasks.flatMap((_, i) => predictionCells(preds[i]))];
      });
      const buf = Buffer.from(stringify(lines), 'utf8');
      await fh.write(buf);
      await fh.sync();
      ckpt.rowsDone = pending[pending.length - 1].row;
      ckpt.bytes += buf.length;
      await writeFileAtomic(ckptPath, JSON.stringify(ckpt));
      ctx.progress?.({ stage: 'classifying', done: ckpt.rowsDone, total });
      pending = [];
    };
    ctx.progress?.({ stage: 'classifying', done: resumedAfterRow, total });
    for await (const item of streamCsv(input.csvPath, { textColumn: input.textColumn, columns: others, signal: ctx.signal })) {
      const row = 'skipped' in item ? item.skipped.row : item.row;
      if (row <= resumedAfterRow) continue;
      pending.push({ row, rec: 'skipped' in item ? null : item });
      if (pending.length >= chunkSize) await flush();
    }
    await flush();
  } finally {
    await fh.close();
  }
  await rename(partial, input.outPath);
  await rm(ckptPath, { force: true });
  return { outPath: input.outPath, rows: total, resumedAfterRow, tasks };
}

/**
 * Every row of the CSV classified offline by the distilled classifier: the CSV streamed in chunks,
 * each chunk embedded (through the embedding cache) and classified by the existing classifier
 * (adapter, head, kNN blend, reject rule), one line per row in predictions.csv. A row is flagged
 * unsure — one to send to Claude or to a person — when the reject rule finds it unlike every tagged
 * example, when the calibrated confidence is low, or when the runner-up is close behind; `why` says
 * which. The file is written under a temporary name beside its destination and renamed once complete,
 * so a crash or a cancel leaves the earlier file or none, never half of one.
 */
import { stringify } from 'csv-stringify/sync';
import type { JobProgress, TaskPrediction } from '../../shared/api';
import { TAG_LABEL_SEPARATOR } from '../../shared/tag';
import { writeFileAtomicWith } from '../data/atomic';
import { streamCsv, type CsvRecord } from '../data/csv';
import { headedOutput } from '../data/outputs';
import type { Embedder } from '../embed/types';
import type { TrainedClassifier } from '../classify/classifier';
import type { ModelTask } from '../classify/modelFile';

export const PREDICTIONS_CSV = 'predictions.csv';
export const PREDICTIONS_COLUMNS = ['row', 'id', 'label', 'confidence', 'unsure', 'why'] as const;
/** Only a file that starts with this header is replaced (data/outputs.ts). */
export const DISTIL_PREDICTIONS_OUTPUT = headedOutput("a distilled classifier's predictions CSV", `${PREDICTIONS_COLUMNS.join(',')}\n`);

export interface UnsureRule {
  /** Below this calibrated confidence of the top label, a row is unsure. */
  minConfidence: number;
  /** Single-label: the top label's lead over the runner-up. */
  minMargin: number;
  /** Multi-label: every label's distance from its threshold. */
  minLabelMargin: number;
}

interface RowPrediction {
  row: number;
  id: string | null;
  labels: string[];
  confidence: number;
  /** Why the row is unsure; null when it is not. */
  why: string | null;
}

export interface PredictEveryRowInput {
  csvPath: string;
  textColumn: string;
  idColumn: string | null;
  outPath: string;
  rule: UnsureRule;
  chunkSize?: number;
}

export interface PredictEveryRowContext {
  embedder: Embedder;
  signal?: AbortSignal;
  progress?: (p: JobProgress) => void;
  /** Rows with text, for progress. */
  total?: number;
}

export interface PredictEveryRowResult {
  rows: number;
  unsure: number;
  /** Rows with an empty text cell: not classified, not written. */
  skipped: number;
  /** Label → rows predicted with it (a multi-label row counts once per label). */
  counts: Record<string, number>;
  seconds: number;
}

const pct = (x: number) => `${Math.round(x * 100)}%`;

/** The row's labels and, when it is unsure, why. `pred` holds every label in topK. */
export function judge(pred: TaskPrediction, task: ModelTask, rule: UnsureRule): { labels: string[]; confidence: number; why: string | null } {
  const [top, second] = pred.topK;
  if (task.multiLabel) {
    const th = (label: string) => task.thresholds?.[task.labels.indexOf(label)] ?? 0.5;
    const labels = pred.topK.filter((s) => s.score >= th(s.label)).map((s) => s.label);
    const close = pred.topK.find((s) => Math.abs(s.score - th(s.label)) < rule.minLabelMargin);
    const why = pred.unknown ? 'unlike every tagged example' : labels.length === 0 ? 'no label is likely' : close ? `"${close.label}" is borderline (${pct(close.score)})` : null;
    return { labels: [...labels].sort((a, b) => task.labels.indexOf(a) - task.labels.indexOf(b)), confidence: top.score, why };
  }
  let why: string | null = null;
  if (pred.unknown) why = 'unlike every tagged example';
  else if (top.score < rule.minConfidence) why = `low confidence (${pct(top.score)})`;
  else if (second && top.score - second.score < rule.minMargin) why = `close to "${second.label}" (${pct(second.score)})`;
  return { labels: [top.label], confidence: top.score, why };
}

/** Classifies every row with text and writes predictions.csv; see the module comment. */
export async function predictEveryRow(clf: TrainedClassifier, input: PredictEveryRowInput, ctx: PredictEveryRowContext): Promise<PredictEveryRowResult> {
  const task = clf.tasks[0];
  const chunkSize = input.chunkSize ?? 512;
  const counts: Record<string, number> = {};
  let rows = 0;
  let unsure = 0;
  let skipped = 0;
  const started = performance.now();
  await writeFileAtomicWith(input.outPath, async (fh) => {
    await fh.write(stringify([[...PREDICTIONS_COLUMNS]]));
    let pending: CsvRecord[] = [];
    const flush = async () => {
      if (pending.length === 0) return;
      const vectors = await ctx.embedder.embed(pending.map((r) => r.text), { signal: ctx.signal, priority: 'background' });
      const preds = await clf.predict(vectors, { topK: task.labels.length, reject: true });
      const lines = pending.map((rec, i) => {
        const j = judge(preds[i][0], task, input.rule);
        const p: RowPrediction = { row: rec.row, id: input.idColumn ? (rec.fields[input.idColumn] ?? '') : null, ...j };
        for (const l of p.labels) counts[l] = (counts[l] ?? 0) + 1;
        if (p.why) unsure++;
        return [String(p.row), p.id ?? '', p.labels.join(TAG_LABEL_SEPARATOR), p.confidence.toFixed(4), p.why ? 'yes' : 'no', p.why ?? ''];
      });
      await fh.write(stringify(lines));
      rows += pending.length;
      pending = [];
      ctx.progress?.({ stage: 'classifying every row', done: rows, total: ctx.total });
    };
    ctx.progress?.({ stage: 'classifying every row', done: 0, total: ctx.total });
    for await (const item of streamCsv(input.csvPath, { textColumn: input.textColumn, columns: input.idColumn ? [input.idColumn] : [], signal: ctx.signal })) {
      if ('skipped' in item) {
        skipped++;
        continue;
      }
      pending.push(item);
      if (pending.length >= chunkSize) await flush();
    }
    await flush();
  });
  return { rows, unsure, skipped, counts, seconds: (performance.now() - started) / 1000 };
}

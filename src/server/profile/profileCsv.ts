/**
 * The profile of a CSV, stage by stage: read it with the reader every command uses (same limits, same
 * errors), the texts' statistics in a worker thread, the label and date columns, and — when asked —
 * near-duplicates by embedding. Plain data in, a Profile out; writing it is outputs.ts's job.
 */
import type { Dtype } from '../../shared/api';
import type { Profile, ProfileRequestParsed } from '../../shared/profile';
import { readCsv } from '../data/csv';
import { locateModel } from '../embed';
import type { Embedder } from '../embed/types';
import { runTask } from '../workers/pool';
import { dateProfile, LISTED_ROWS } from './dates';
import { labelOf, labelProfile } from './labels';
import { nearDuplicates } from './nearDuplicates';
import { textStatsTask } from './textStats';

export interface ProfileDeps {
  /** The embedding model whose tokenizer counts tokens (and embeds, for near-duplicates). */
  modelDir: string;
  dtype: Dtype;
  /** Loaded only when near-duplicates are asked for. */
  embedder: () => Promise<Embedder>;
  signal?: AbortSignal;
  progress?: (p: { stage: string; done?: number; total?: number }) => void;
}

export async function profileCsv(req: ProfileRequestParsed, deps: ProfileDeps): Promise<Profile> {
  const { signal } = deps;
  const progress = deps.progress ?? (() => undefined);
  const labelColumn = req.labelColumn ?? null;
  const dateColumn = req.dateColumn ?? null;
  const model = locateModel(deps.modelDir, deps.dtype);
  progress({ stage: 'reading' });
  const columns = [...new Set([labelColumn, dateColumn].filter((c): c is string => c !== null))];
  const table = await readCsv(req.csvPath, { textColumn: req.textColumn, columns, signal });
  const texts = table.records.map((r) => r.text);
  const labels = labelColumn === null ? null : table.records.map((r) => labelOf(r.fields[labelColumn]));
  const stats = await runTask(textStatsTask, { texts, labels, modelDir: model.dir, maxLength: model.maxLength }, { signal, onProgress: (p) => progress(p) });
  const near = req.nearDuplicates ? await nearDuplicates(texts, await deps.embedder(), { signal, onProgress: (stage, done, total) => progress({ stage, done, total }) }) : null;
  return {
    input: { path: table.path, textColumn: req.textColumn, labelColumn, dateColumn, header: table.header },
    createdAt: new Date().toISOString(),
    rows: table.records.length + table.skipped.length,
    emptyTexts: { count: table.skipped.length, rows: table.skipped.slice(0, LISTED_ROWS).map(({ row, line }) => ({ row, line })) },
    duplicates: { exact: stats.exact, folded: stats.folded, embedding: near },
    length: {
      chars: stats.chars,
      tokens: { model: model.id, maxLength: model.maxLength, ...stats.tokens, truncatedShare: texts.length ? stats.tokens.truncated / texts.length : 0 },
    },
    labels: labels && labelColumn !== null ? labelProfile(labelColumn, labels) : null,
    terms: stats.terms,
    placeholders: stats.placeholders,
    normalization: stats.normalization,
    personalData: stats.personalData,
    dates: dateColumn === null ? null : dateProfile(dateColumn, table.records.map((r) => ({ row: r.row, line: r.line, value: r.fields[dateColumn] })), table.path),
  };
}

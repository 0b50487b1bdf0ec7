/**
 * Everything decided before a request is sent, the same for a dry run and a real one: the label set,
 * the CSV's rows, the run to stratify over, the chosen rows, the output folder, what the journal and
 * the cache already answer, and the batches left to send with their cost estimate.
 */
import { join, resolve } from 'node:path';
import { TicketLensError, type LabelSet } from '../../shared/api';
import type { TagEstimate, TagOptions, TagRecord, TagSampleInfo } from '../../shared/tag';
import { resolveLabelSets } from '../classify/labelSets';
import { previewCsv, readCsv } from '../data/csv';
import { sha256File } from '../data/sha256File';
import { priceOf, tokensOf, totalCostUsd } from '../label/estimate';
import { readManifest } from '../run/runJson';
import type { Logger } from '../log';
import { expectedOutputTokens } from './answer';
import { TagCache } from './cache';
import { checkTagDir, checkTagOutputs, defaultTagDir, readJournal } from './output';
import { batchPrompt, redactRow, rowKey, systemPrompt, tagTool, type Redactor, type TagTool } from './prompt';
import { chooseRows, clustersOfRun, latestRunOf } from './sample';

export interface PlannedRow {
  row: number;
  id: string | null;
  text: string;
}

/** One request: texts as sent, and the rows each answers (a text repeated in the file is sent once). */
export interface Batch {
  texts: string[];
  keys: string[];
  prompt: string;
  redactions: Record<string, number>;
}

export interface TagPlan {
  set: LabelSet;
  system: string;
  tool: TagTool;
  outDir: string;
  rows: Map<number, PlannedRow>;
  selected: number[];
  sample: TagSampleInfo;
  /** Tags the journal already holds (every row, chosen or not). */
  known: Map<number, TagRecord>;
  resumed: number;
  /** Chosen rows the tag cache answered (also in `known`; not in the journal yet). */
  cached: TagRecord[];
  /** Rows whose text could not be redacted: never sent. */
  unsendable: { row: number; reason: string }[];
  /** Cache key → the chosen rows it answers. */
  rowsOfKey: Map<string, number[]>;
  batches: Batch[];
  estimate: TagEstimate;
  cache: TagCache;
}

/** Picks the `id` column when the file has one and none was named. */
async function idColumnOf(csvPath: string, asked: string | null): Promise<string | null> {
  if (asked) return asked;
  const { header } = await previewCsv(csvPath, 1);
  return header.find((h) => h.toLowerCase() === 'id') ?? null;
}

async function runOf(o: TagOptions, workspace: string, log: Logger): Promise<string | null> {
  const sha = await sha256File(o.csvPath);
  if (o.runDir) {
    const m = await readManifest(o.runDir).catch(() => null);
    if (!m) throw new TicketLensError('bad_input', `${o.runDir} is not a run folder (no readable run.json).`);
    if (m.input.sha256 !== sha) throw new TicketLensError('bad_input', `The run ${o.runDir} was made from another version of ${o.csvPath} (its rows would not match); cluster the CSV again or tag without --run.`);
    return resolve(o.runDir);
  }
  const latest = await latestRunOf(o.csvPath, sha, workspace);
  if (latest) log.info(`sampling over the clusters of ${latest}`);
  return latest;
}

export async function planTags(o: TagOptions, deps: { log: Logger; cacheDir: string; redactor?: Redactor; signal?: AbortSignal }): Promise<TagPlan> {
  const workspace = resolve(o.workspace ?? process.cwd());
  const [set] = await resolveLabelSets([o.labelSet], workspace);
  const idColumn = await idColumnOf(o.csvPath, o.idColumn);
  const table = await readCsv(o.csvPath, { textColumn: o.textColumn, columns: idColumn ? [idColumn] : [], signal: deps.signal });
  const rows = new Map<number, PlannedRow>(table.records.map((r) => [r.row, { row: r.row, id: idColumn ? r.fields[idColumn] || null : null, text: r.text }]));
  if (table.skipped.length) deps.log.info(`${table.skipped.length} rows with an empty "${o.textColumn}" cell are not tagged`);

  const runDir = await runOf(o, workspace, deps.log);
  const clusterOf = runDir ? await clustersOfRun(runDir) : null;
  const sample = chooseRows({ rows: [...rows.keys()], size: o.sample, all: o.all, seed: o.seed, clusterOf, runDir, clusters: o.clusters });

  const outDir = resolve(o.outDir ?? defaultTagDir({ csvPath: o.csvPath, labelSet: set.name, runDir, workspace }));
  checkTagDir(outDir, o.csvPath);
  await checkTagOutputs(outDir, o.csvPath);
  const journal = await readJournal(outDir, { textOf: (r) => rows.get(r)?.text, labels: new Set(set.labels.map((l) => l.name)) });
  if (journal.dropped) deps.log.warn(`${journal.dropped} earlier tags are dropped: their row's text or the label set changed since`);
  const known = journal.tags;
  const resumed = sample.rows.filter((r) => known.has(r)).length;

  const system = systemPrompt(set);
  const tool = tagTool(set);
  const cache = new TagCache(join(deps.cacheDir, 'tags'));
  const unsendable: TagPlan['unsendable'] = [];
  const rowsOfKey = new Map<string, number[]>();
  const sentOf = new Map<string, string>();
  const redactionsOf = new Map<string, Record<string, number>>();
  const cached: TagRecord[] = [];
  for (const r of sample.rows) {
    if (known.has(r)) continue;
    const counts: Record<string, number> = {};
    let sent: string;
    try {
      sent = redactRow(rows.get(r)!.text, { redact: o.redact, redactor: deps.redactor, counts });
    } catch (err) {
      unsendable.push({ row: r, reason: `redaction failed (${err instanceof Error ? err.message : String(err)}); nothing of it was sent` });
      continue;
    }
    const key = rowKey(o.model, set, sent);
    const same = rowsOfKey.get(key);
    if (same) {
      same.push(r);
      continue;
    }
    rowsOfKey.set(key, [r]);
    sentOf.set(key, sent);
    redactionsOf.set(key, counts);
  }
  const toSend: string[] = [];
  for (const [key, rs] of rowsOfKey) {
    const hit = cache.get(key);
    if (!hit || hit.labels.some((l) => !set.labels.some((x) => x.name === l))) {
      toSend.push(key);
      continue;
    }
    for (const r of rs) {
      const tag = { row: r, id: rows.get(r)!.id, labels: hit.labels, reason: hit.reason };
      known.set(r, tag);
      cached.push(tag);
    }
  }

  const batches: Batch[] = [];
  for (let i = 0; i < toSend.length; i += o.batchSize) {
    const keys = toSend.slice(i, i + o.batchSize);
    const texts = keys.map((k) => sentOf.get(k)!);
    const redactions: Record<string, number> = {};
    for (const k of keys) for (const [kind, n] of Object.entries(redactionsOf.get(k)!)) redactions[kind] = (redactions[kind] ?? 0) + n;
    batches.push({ texts, keys, prompt: batchPrompt(set, texts), redactions });
  }
  const fixed = system.length + JSON.stringify(tool).length;
  const usage = batches.map((b) => ({ inputTokens: tokensOf(fixed + b.prompt.length, o.model) + 20, outputTokens: expectedOutputTokens(b.texts.length) }));
  const estimate: TagEstimate = {
    rows: batches.reduce((s, b) => s + b.keys.reduce((n, k) => n + rowsOfKey.get(k)!.length, 0), 0),
    requests: batches.length,
    inputTokens: usage.reduce((s, u) => s + u.inputTokens, 0),
    outputTokens: usage.reduce((s, u) => s + u.outputTokens, 0),
    costUsd: priceOf(o.model) ? totalCostUsd(o.model, usage) : null,
    model: o.model,
  };
  return { set, system, tool, outDir, rows, selected: sample.rows, sample: sample.info, known, resumed, cached, unsendable, rowsOfKey, batches, estimate, cache };
}

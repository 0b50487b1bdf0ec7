/**
 * "Cluster This CSV", stage by stage in BERTopic's order: read (identical texts once) → embed (cached;
 * optionally into a classifier's adapter space) → reduce and cluster the top level → reassign outliers
 * (by default) → sub-clusters, reduced and clustered again inside each cluster → describe and represent
 * every cluster → evaluate against the label column → run folder. This file only wires the stages and
 * reports progress; the reducer, clusterer and representer are injected (PipelineDeps.stages, today's
 * in defaultStages.ts). Cancelling (the AbortSignal) between or inside stages leaves no run folder.
 *
 * From the ticket store (`stored`), read and embed are replaced by the store's tickets and vectors:
 * nothing is embedded again, and the rest is the same, run folder and all.
 */
import { basename } from 'node:path';
import { childPath, isNoisePath, isTopLevelNoise, ROOT, TicketLensError, topLevelPath, type AssignmentRow, type ClusterParams, type ClusterResult, type Evaluation } from '../../shared/api';
import { readCsv, type CsvRecord } from '../data/csv';
import { runTexts } from '../text/normalize';
import type { Embedder } from '../embed';
import { embeddingFingerprint } from '../embed/identity';
import type { Logger } from '../log';
import type { StoredVectors } from '../store';
import { writeRun } from '../run/folder';
import { saveAssignFiles } from '../assign/calibrationCache';
import { adapterSpace } from './adapterSpace';
import { dedupe } from './dedupe';
import { defaultStages } from './defaultStages';
import { describeClusters } from './describe';
import { DEFAULT_MIN_SAMPLES } from './hdbscanClusterer';
import { evaluate } from './metrics';
import { reassignNoise } from './outliers';
import { clusterLevel, subdivide, type TextSpace } from './recursive';
import type { ClusterStages, StageHooks } from './stages';

export interface PipelineInput {
  /** With `stored`: the CSV the dataset was ingested from, which the run names as its input. */
  csvPath: string;
  textColumn: string;
  labelColumn?: string | null;
  outDir: string;
  params: ClusterParams;
  /**
   * Tickets and vectors from the ticket store, clustered instead of reading and embedding csvPath (no
   * label column: the store keeps none). `source` (store, dataset, dates) is recorded with the parameters.
   */
  stored?: { tickets: StoredVectors; title: string; source: Record<string, string> };
}

export interface PipelineDeps {
  embedder: Embedder;
  signal?: AbortSignal;
  log: Logger;
  progress?: (p: { stage: string; done?: number; total?: number }) => void;
  /** Stages to use instead of today's (defaultStages.ts). */
  stages?: Partial<ClusterStages>;
}

/** The store's tickets as the rows a CSV read gives (an ingest by embeddingsOnly has no source row: 1). */
function storedRecords(t: StoredVectors): CsvRecord[] {
  return t.texts.map((text, i) => ({ row: Math.max(1, t.rows[i]), line: Math.max(1, t.lines[i]), text, fields: {} }));
}

/**
 * The vector of each unique text: its first ticket's (identical texts were embedded alike). When every
 * ticket's text is its own, the store's matrix is used as it is: at a million rows a copy is 1.5 GB.
 */
function firstVectors(t: StoredVectors, rowsOf: readonly number[][]): Float32Array {
  if (rowsOf.length * t.dim === t.vectors.length && rowsOf.every((r, u) => r[0] === u)) return t.vectors;
  const out = new Float32Array(rowsOf.length * t.dim);
  rowsOf.forEach((r, u) => out.set(t.vectors.subarray(r[0] * t.dim, (r[0] + 1) * t.dim), u * t.dim));
  return out;
}

function cancelled(): TicketLensError {
  return new TicketLensError('job_cancelled', 'Clustering was cancelled; no run folder was written.');
}

export async function runClusterPipeline(input: PipelineInput, deps: PipelineDeps): Promise<ClusterResult> {
  const { params } = input;
  const stages: ClusterStages = { ...defaultStages, ...deps.stages };
  const e = deps.embedder;
  const timings: Record<string, number> = {};
  const started = Date.now();
  const hooks: StageHooks = {
    signal: deps.signal,
    stage: (stage, done, total) => {
      if (deps.signal?.aborted) throw cancelled();
      deps.progress?.({ stage, done, total });
    },
    time: (name, ms) => (timings[name] = (timings[name] ?? 0) + ms / 1000),
  };

  // ---- read
  const stored = input.stored;
  if (stored && input.labelColumn) throw new TicketLensError('bad_input', 'The ticket store keeps no label column; cluster the CSV itself to evaluate against labels.');
  hooks.stage(stored ? 'reading stored tickets' : 'reading CSV');
  let t = Date.now();
  const table = stored
    ? { records: storedRecords(stored.tickets), skipped: [] }
    : await readCsv(input.csvPath, { textColumn: input.textColumn, columns: input.labelColumn ? [input.labelColumn] : [], signal: deps.signal });
  for (const s of table.skipped) deps.log.warn(`${input.csvPath}: row ${s.row} (line ${s.line}) skipped: ${s.reason}`);
  const rows = table.records;
  if (stored && rows.length === 0) throw new TicketLensError('bad_input', `Dataset "${stored.tickets.dataset}" has no embedded tickets${stored.source.startDate || stored.source.endDate ? ' in the dates asked for' : ''}; nothing to cluster.`);
  // Boilerplate (handles, links, numbers, signatures, quoted replies) out of what is embedded and
  // counted, so texts differing only in it are one unique text; rows keep and show their own text.
  // Stored tickets' vectors were embedded from their original text at ingest: no normalising those.
  const normalized = params.normalize && !stored;
  if (params.normalize && stored) deps.log.info('text normalisation: off for stored tickets, whose vectors were embedded from the original text');
  const forms = normalized ? runTexts(rows.map((r) => r.text)) : null;
  const texts = dedupe(forms ? forms.embed : rows.map((r) => r.text));
  const shownTexts = forms ? texts.rowsOf.map((rs) => rows[rs[0]].text) : texts.unique;
  const labelOfRow = input.labelColumn ? rows.map((r) => r.fields[input.labelColumn!]) : null;
  hooks.time('read', Date.now() - t);

  // ---- embed (the store's vectors instead, when clustering stored tickets)
  t = Date.now();
  const hitsBefore = e.cacheStats?.hits ?? 0;
  if (stored) hooks.stage('stored vectors');
  else hooks.stage('embedding', 0, texts.unique.length);
  const raw = stored
    ? firstVectors(stored.tickets, texts.rowsOf)
    : await e.embed(texts.unique, { signal: deps.signal, priority: 'background', onProgress: (done, total) => deps.progress?.({ stage: 'embedding', done, total }) });
  const adapter = params.adapterModel ? await adapterSpace(params.adapterModel, e) : null;
  const space: TextSpace = { vectors: adapter ? adapter.map(raw) : raw, dim: e.info.dim, rowsPerText: texts.rowsOf.map((r) => r.length) };
  const cacheHits = (e.cacheStats?.hits ?? 0) - hitsBefore;
  hooks.time('embed', Date.now() - t);

  // ---- reduce and cluster the top level
  const allTexts = texts.unique.map((_, u) => u);
  const top = await clusterLevel(space, allTexts, params, { top: true, minClusterSize: params.minClusterSize }, stages, hooks);
  if (top.sweep) deps.log.info(`min cluster size: swept ${top.sweep.map((s) => s.minClusterSize).join(', ')}; chose ${top.minClusterSize}`);

  // ---- outliers
  let topLabels = top.labels;
  if (params.reassignOutliers !== null && top.nClusters > 0) {
    const r = await reassignNoise(topLabels, top.nClusters, space.vectors, space.dim, params.reassignOutliers, deps.signal);
    topLabels = r.labels;
    deps.log.info(`outliers: reassigned ${r.reassigned} of ${top.labels.filter((l) => l < 0).length} noise texts (${params.reassignOutliers === 'auto' ? "as similar as each cluster's members" : `similarity ≥ ${params.reassignOutliers}`})`);
  }

  // ---- sub-clusters
  t = Date.now();
  const leafOf = await subdivide(space, Array.from(topLabels, (l) => childPath(ROOT, l)), params, stages, hooks, top.knn);
  hooks.time('subclusters', Date.now() - t);

  // ---- describe and represent
  hooks.stage('keywords and examples');
  t = Date.now();
  // The names' candidate phrases go into the texts' space (the adapter's, when clustering in one).
  const embed = async (phrases: readonly string[]) => {
    const v = await e.embed(phrases, { signal: deps.signal, priority: 'background', persist: false });
    return adapter ? adapter.map(v) : v;
  };
  const clusters = await describeClusters({ leafOf, vectors: space.vectors, dim: space.dim, uniqueTexts: shownTexts, keywordTexts: forms ? texts.rowsOf.map((rs) => forms.keywords[rs[0]]) : undefined, rowsOf: texts.rowsOf, rows, labelOfRow, embed }, stages, hooks);
  hooks.time('keywords', Date.now() - t);

  // ---- evaluate
  const leafOfRow = rows.map((_, r) => leafOf[texts.rowToUnique[r]]);
  const evaluation: { top: Evaluation; leaf: Evaluation } | null = labelOfRow
    ? { top: evaluate(labelOfRow, leafOfRow.map(topLevelPath), isNoisePath), leaf: evaluate(labelOfRow, leafOfRow, isNoisePath) }
    : null;

  // ---- run folder
  hooks.stage('writing the run folder');
  t = Date.now();
  const assignments: AssignmentRow[] = rows.map((rec, r) => {
    const u = texts.rowToUnique[r];
    return {
      row: rec.row,
      line: rec.line,
      text: rec.text,
      cluster: leafOf[u],
      probability: top.probabilities[u],
      outlierScore: top.outlierScores[u],
      wasNoise: top.labels[u] < 0,
      x: top.map![u * 2],
      y: top.map![u * 2 + 1],
      label: labelOfRow ? labelOfRow[r] : undefined,
    };
  });
  if (deps.signal?.aborted) throw cancelled();
  timings.total = (Date.now() - started) / 1000;
  await writeRun(input.outDir, {
    input: { path: input.csvPath, rows: rows.length, textColumn: input.textColumn, labelColumn: input.labelColumn ?? null, skipped: table.skipped.length },
    model: { id: e.info.modelId, hash: e.info.modelHash, fingerprint: await embeddingFingerprint(e) },
    params: { ...params, normalize: normalized, minClusterSize: top.minClusterSize, minSamples: params.minSamples ?? DEFAULT_MIN_SAMPLES, adapterModel: adapter?.path ?? null, ...stored?.source },
    timings,
    clusters,
    assignments,
    evaluation,
    sweep: top.sweep,
    title: stored?.title ?? basename(input.csvPath),
    signal: deps.signal,
  });
  timings.write = (Date.now() - t) / 1000;
  // A run of stored tickets is what new tickets are assigned to after each ingest: its members (in the
  // run's space) and assign calibration are kept now rather than made by the first assign (calibrationCache.ts).
  if (stored) {
    deps.progress?.({ stage: 'calibrating assign thresholds' }); // not hooks.stage: the run is written, a cancel now only skips this
    await saveAssignFiles(input.outDir, { texts: texts.unique, paths: leafOf, vectors: space.vectors, dim: space.dim }, { modelHash: e.info.modelHash, adapter: adapter?.path ?? null }, deps.log, deps.signal);
  }

  return {
    runDir: input.outDir,
    rows: rows.length,
    uniqueTexts: texts.unique.length,
    skippedRows: table.skipped.length,
    topClusters: top.nClusters,
    totalClusters: clusters.filter((c) => !c.isNoise).length,
    noiseFraction: leafOfRow.filter(isTopLevelNoise).length / Math.max(1, rows.length),
    minClusterSize: top.minClusterSize,
    sweep: top.sweep,
    metrics: evaluation
      ? {
          label: input.labelColumn!,
          ari: evaluation.top.withNoise.ari,
          nmi: evaluation.top.withNoise.nmi,
          ariNoNoise: evaluation.top.withoutNoise.ari,
          nmiNoNoise: evaluation.top.withoutNoise.nmi,
        }
      : null,
    timings,
    cacheHits,
  };
}

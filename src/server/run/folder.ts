/**
 * The run folder as a whole (format in src/shared/run.ts; one module per file beside this one). A new
 * run is built in a staging folder and renamed into place (data/atomic.ts), so a crash or a cancel
 * leaves no half-written run. Later updates (labels, renames, merges) are read-modify-write under the
 * run's lock (lock.ts) and commit all their files in one step (commit.ts); every read under the same
 * lock first finishes or discards an update a crash interrupted.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { ASSIGN_CALIBRATION_JSON, ASSIGN_MEMBERS_BIN, RUN_FORMAT_VERSION, TicketLensError, type AssignmentRow, type ClusterRecord, type EmbeddingFingerprint, type Evaluation, type LoadedRun, type MetricsFile, type RunManifest, type SweepRow } from '../../shared/api';
import { removeLeftovers, writeDirAtomic } from '../data/atomic';
import { sha256File } from '../data/sha256File';
import { ASSIGNMENTS_CSV, assignmentsCsv, writeAssignments } from './assignmentsCsv';
import { CLUSTERS_JSON, clustersText, readClusters, writeClusters } from './clustersJson';
import { commitRunFiles, recoverRun, type RunFile } from './commit';
import { withRunLock } from './lock';
import { writeMaps } from './mapPng';
import { sizeChartSvg, SIZES_SVG, writeSizeChart } from './sizeChart';
import { METRICS_JSON, readMetrics, writeMetrics } from './metricsJson';
import { pauseAt } from './pausePoint';
import { manifestText, readManifest, RUN_JSON, writeManifest } from './runJson';
import { renderSummary, SUMMARY_MD, summaryOfRun, writeSummary } from './summaryMd';
import { readTrends } from '../trends/trendsJson';

/** The files a run is made of and a user's export must never replace (the assign files: once an assign or a run of stored tickets made them). */
export const RUN_FILES = [RUN_JSON, CLUSTERS_JSON, ASSIGNMENTS_CSV, METRICS_JSON, SUMMARY_MD, ASSIGN_CALIBRATION_JSON, ASSIGN_MEMBERS_BIN] as const;

export interface RunContent {
  input: { path: string; rows: number; textColumn: string; labelColumn: string | null; skipped: number };
  model: { id: string; hash: string; fingerprint?: EmbeddingFingerprint };
  params: Record<string, unknown>;
  timings: Record<string, number>;
  clusters: ClusterRecord[];
  assignments: AssignmentRow[];
  evaluation: { top: Evaluation; leaf: Evaluation } | null;
  sweep: SweepRow[] | null;
  title: string;
  signal?: AbortSignal;
}

export function defaultRunDir(csvPath: string, cwd = process.cwd(), now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const name = basename(csvPath).replace(/\.[^.]+$/, '');
  return join(resolve(cwd), '.ticket-lens', 'runs', `${name}-${stamp}`);
}

/** A run folder must not be the input's own folder nor the input file. */
export function checkOutDir(outDir: string, csvPath: string): void {
  const out = resolve(outDir);
  const input = resolve(csvPath);
  if (out === input || out === dirname(input)) {
    throw new TicketLensError('bad_input', `The run folder ${out} would be the input file or its folder; choose a new folder (runs are never written beside or over the input).`);
  }
}

export async function writeRun(outDir: string, c: RunContent): Promise<void> {
  checkOutDir(outDir, c.input.path);
  const manifest: RunManifest = {
    version: RUN_FORMAT_VERSION,
    id: basename(outDir),
    createdAt: new Date().toISOString(),
    input: { path: resolve(c.input.path), sha256: await sha256File(c.input.path), rows: c.input.rows, textColumn: c.input.textColumn, labelColumn: c.input.labelColumn },
    model: c.model,
    params: c.params,
    timings: c.timings,
    labelling: { state: 'none', model: null, usage: null },
  };
  const labelled = !!c.input.labelColumn;
  const metrics: MetricsFile =
    c.evaluation && c.input.labelColumn
      ? { labelColumn: c.input.labelColumn, topLevel: c.evaluation.top, leafLevel: c.evaluation.leaf, sweep: c.sweep }
      : { labelColumn: null, sweep: c.sweep };
  await writeDirAtomic(outDir, async (tmp) => {
    await writeManifest(tmp, manifest);
    await writeClusters(tmp, c.clusters);
    await pauseAt('run-write');
    await writeAssignments(tmp, c.assignments, labelled);
    await writeMetrics(tmp, metrics);
    await writeSummary(tmp, { ...c, manifest, metrics });
    await writeMaps(tmp, c.assignments, labelled, c.signal);
    await writeSizeChart(tmp, c.clusters, c.input.rows);
    if (c.signal?.aborted) throw new TicketLensError('job_cancelled', 'Clustering was cancelled; no run folder was written.');
  });
}

async function readRunFiles(dir: string): Promise<LoadedRun> {
  const runDir = resolve(dir);
  await recoverRun(runDir);
  // A new run's build that a killed process left in the staging folder beside this one.
  await removeLeftovers(dirname(runDir));
  for (const f of [RUN_JSON, CLUSTERS_JSON]) {
    if (!existsSync(join(runDir, f))) throw new TicketLensError('bad_input', `${runDir} is not a Ticket Lens run folder: ${f} is missing.`);
  }
  return { runDir, manifest: await readManifest(runDir), clusters: await readClusters(runDir) };
}

/**
 * Reads a run under its lock and runs `use` inside it, so what `use` reads besides (assignments.csv)
 * belongs to the same state of the run, and what it writes (an export) is not interleaved with an update.
 */
export function withRunRead<T>(dir: string, use: (run: LoadedRun) => Promise<T>): Promise<T> {
  return withRunLock(dir, async () => use(await readRunFiles(dir)));
}

/** The manifest and clusters of a run folder, validated against the contract. */
export function loadRun(dir: string): Promise<LoadedRun> {
  return withRunRead(dir, (run) => Promise.resolve(run));
}

/** What an update replaces; summary.md is always rebuilt from the result, sizes.svg with the clusters. */
export interface RunChanges {
  clusters?: ClusterRecord[];
  manifest?: RunManifest;
  assignments?: readonly AssignmentRow[];
}

/**
 * Reads the run as it is now, lets `change` decide what to replace, and commits that and the rebuilt
 * summary in one step, all under the run's lock. Returns the run as committed.
 */
export function updateRun(dir: string, change: (run: LoadedRun) => Promise<RunChanges> | RunChanges): Promise<LoadedRun> {
  return withRunLock(dir, async () => {
    const run = await readRunFiles(dir);
    const c = await change(run);
    const after: LoadedRun = { runDir: run.runDir, manifest: c.manifest ?? run.manifest, clusters: c.clusters ?? run.clusters };
    const files: RunFile[] = [];
    if (c.clusters) files.push({ name: CLUSTERS_JSON, data: await clustersText(after.clusters) });
    // The size chart names the clusters: a rename or a label changes it.
    if (c.clusters) files.push({ name: SIZES_SVG, data: sizeChartSvg(after.clusters, after.manifest.input.rows) });
    if (c.assignments) files.push({ name: ASSIGNMENTS_CSV, data: await assignmentsCsv(c.assignments, !!after.manifest.input.labelColumn) });
    if (c.manifest) files.push({ name: RUN_JSON, data: manifestText(after.manifest) });
    files.push({ name: SUMMARY_MD, data: renderSummary(summaryOfRun(after.manifest, after.clusters, await readMetrics(run.runDir), await readTrends(run.runDir))) });
    await commitRunFiles(run.runDir, files);
    return after;
  });
}

/**
 * The run folder as a whole (format in src/shared/run.ts; one module per file beside this one). A new
 * run is built under a temporary name and renamed into place (data/atomic.ts), so a crash or a cancel
 * leaves no half-written run; later edits (labels, renames, merges) replace single files atomically.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { RUN_FORMAT_VERSION, TicketLensError, type AssignmentRow, type ClusterRecord, type EmbeddingFingerprint, type Evaluation, type LoadedRun, type MetricsFile, type RunManifest, type SweepRow } from '../../shared/api';
import { writeDirAtomic } from '../data/atomic';
import { ASSIGNMENTS_CSV, writeAssignments } from './assignmentsCsv';
import { CLUSTERS_JSON, readClusters, writeClusters } from './clustersJson';
import { writeMaps } from './mapPng';
import { METRICS_JSON, readMetrics, writeMetrics } from './metricsJson';
import { readManifest, RUN_JSON, writeManifest } from './runJson';
import { SUMMARY_MD, writeSummary } from './summaryMd';

/** The files a run is made of and a user's export must never replace. */
export const RUN_FILES = [RUN_JSON, CLUSTERS_JSON, ASSIGNMENTS_CSV, METRICS_JSON, SUMMARY_MD] as const;

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

function sha256File(path: string): Promise<string> {
  return new Promise((res, rej) => {
    const h = createHash('sha256');
    createReadStream(path)
      .on('data', (d) => h.update(d))
      .on('end', () => res(h.digest('hex')))
      .on('error', rej);
  });
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
    await writeAssignments(tmp, c.assignments, labelled);
    await writeMetrics(tmp, metrics);
    await writeSummary(tmp, { ...c, manifest, metrics });
    await writeMaps(tmp, c.assignments, labelled);
    if (c.signal?.aborted) throw new TicketLensError('job_cancelled', 'Clustering was cancelled; no run folder was written.');
  });
}

/** The manifest and clusters of a run folder, validated against the contract. */
export async function loadRun(dir: string): Promise<LoadedRun> {
  const runDir = resolve(dir);
  for (const f of [RUN_JSON, CLUSTERS_JSON]) {
    if (!existsSync(join(runDir, f))) throw new TicketLensError('bad_input', `${runDir} is not a Ticket Lens run folder: ${f} is missing.`);
  }
  return { runDir, manifest: await readManifest(runDir), clusters: await readClusters(runDir) };
}

/** Replaces clusters.json (and, with the manifest, run.json and summary.md) atomically after an edit. */
export async function saveClusters(dir: string, clusters: ClusterRecord[], manifest?: RunManifest): Promise<void> {
  await writeClusters(dir, clusters);
  if (!manifest) return;
  await writeManifest(dir, manifest);
  await writeSummary(dir, {
    manifest,
    title: basename(manifest.input.path),
    input: { rows: manifest.input.rows, textColumn: manifest.input.textColumn, labelColumn: manifest.input.labelColumn, skipped: 0 },
    params: manifest.params,
    timings: manifest.timings,
    clusters,
    metrics: await readMetrics(dir),
  });
}

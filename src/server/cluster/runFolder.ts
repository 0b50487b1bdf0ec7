/**
 * Writes and reads the run folder (format in src/shared/run.ts). The whole folder is built under a
 * temporary name and renamed into place (data/atomic.ts), so a crash or a cancel leaves no
 * half-written run; later edits (labels, renames, merges) replace single files atomically.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { ClustersFile, RunManifest, RUN_FORMAT_VERSION, TicketLensError, type ClusterRecord, type EmbeddingFingerprint } from '../../shared/api';
import { writeDirAtomic, writeFileAtomic } from '../data/atomic';
import type { SweepRow } from './autoSize';
import { renderMap } from './mapImage';
import type { Evaluation } from './metrics';
import { renderSummary } from './report';

export interface AssignmentRow {
  row: number;
  line: number;
  text: string;
  cluster: string;
  probability: number;
  outlierScore: number;
  wasNoise: boolean;
  x: number;
  y: number;
  label?: string;
}

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
  const header = ['row', 'line', 'text', 'cluster', 'probability', 'outlier_score', 'was_noise', 'x', 'y', ...(c.input.labelColumn ? ['label'] : [])];
  const csv = stringify(
    c.assignments.map((a) => [a.row, a.line, a.text, a.cluster, a.probability.toFixed(4), a.outlierScore.toFixed(4), a.wasNoise ? 1 : 0, a.x.toFixed(4), a.y.toFixed(4), ...(c.input.labelColumn ? [a.label ?? ''] : [])]),
    { header: true, columns: header },
  );
  const metrics = c.evaluation
    ? { labelColumn: c.input.labelColumn, topLevel: c.evaluation.top, leafLevel: c.evaluation.leaf, sweep: c.sweep }
    : { labelColumn: null, sweep: c.sweep };
  const maps = renderMap(c.assignments, c.clusters, !!c.input.labelColumn);
  await writeDirAtomic(outDir, async (tmp) => {
    const w = (name: string, data: string | Uint8Array) => writeFileAtomic(join(tmp, name), data);
    await w('run.json', JSON.stringify(manifest, null, 2) + '\n');
    await w('clusters.json', JSON.stringify({ version: RUN_FORMAT_VERSION, clusters: c.clusters } satisfies ClustersFile) + '\n');
    await w('assignments.csv', csv);
    await w('metrics.json', JSON.stringify(metrics, null, 2) + '\n');
    await w('summary.md', renderSummary({ ...c, manifest }));
    await w('map.png', maps.byCluster);
    if (maps.byLabel) await w('map-labels.png', maps.byLabel);
    if (c.signal?.aborted) throw new TicketLensError('job_cancelled', 'Clustering was cancelled; no run folder was written.');
  });
}

export interface LoadedRun {
  dir: string;
  manifest: RunManifest;
  clusters: ClusterRecord[];
}

export async function loadRun(dir: string): Promise<LoadedRun> {
  const abs = resolve(dir);
  for (const f of ['run.json', 'clusters.json']) {
    if (!existsSync(join(abs, f))) throw new TicketLensError('bad_input', `${abs} is not a Ticket Lens run folder: ${f} is missing.`);
  }
  const parse = async <T>(file: string, schema: { safeParse(x: unknown): { success: true; data: T } | { success: false; error: { message: string } } }) => {
    let raw: unknown;
    try {
      raw = JSON.parse(await readFile(join(abs, file), 'utf8'));
    } catch (err) {
      throw new TicketLensError('bad_input', `${join(abs, file)} is not valid JSON: ${(err as Error).message}`);
    }
    const r = schema.safeParse(raw);
    if (!r.success) throw new TicketLensError('bad_input', `${join(abs, file)} does not match the run format: ${r.error.message}`);
    return r.data;
  };
  const manifest = await parse('run.json', RunManifest);
  const clusters = (await parse('clusters.json', ClustersFile)).clusters;
  return { dir: abs, manifest, clusters };
}

/** Replaces clusters.json (and, with the manifest, run.json and summary.md) atomically after an edit. */
export async function saveClusters(dir: string, clusters: ClusterRecord[], manifest?: RunManifest): Promise<void> {
  await writeFileAtomic(join(dir, 'clusters.json'), JSON.stringify({ version: RUN_FORMAT_VERSION, clusters } satisfies ClustersFile) + '\n');
  if (!manifest) return;
  await writeFileAtomic(join(dir, 'run.json'), JSON.stringify(manifest, null, 2) + '\n');
  const metrics = existsSync(join(dir, 'metrics.json')) ? (JSON.parse(await readFile(join(dir, 'metrics.json'), 'utf8')) as { topLevel?: Evaluation; sweep?: SweepRow[] | null }) : {};
  const summary = renderSummary({
    manifest,
    title: basename(manifest.input.path),
    input: { rows: manifest.input.rows, textColumn: manifest.input.textColumn, labelColumn: manifest.input.labelColumn, skipped: 0 },
    params: manifest.params,
    timings: manifest.timings,
    clusters,
    evaluation: metrics.topLevel ? { top: metrics.topLevel } : null,
    sweep: metrics.sweep ?? null,
  });
  await writeFileAtomic(join(dir, 'summary.md'), summary);
}

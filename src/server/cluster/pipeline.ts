/**
 * "Cluster This CSV", stage by stage: read → dedupe → embed (cached) → kNN → UMAP (5-d + 2-d) →
 * HDBSCAN (auto size) → outliers → sub-clusters → keywords & examples → evaluation → run folder.
 * Every stage takes plain arrays and returns plain data; this file only wires them and reports
 * progress. Cancelling (the AbortSignal) between or inside stages leaves no run folder behind.
 */
import { basename } from 'node:path';
import type { ClusterParams, ClusterRecord, ClusterResult } from '../../shared/api';
import { TicketLensError } from '../../shared/api';
import { readCsv } from '../data/csv';
import type { Embedder } from '../embed';
import { adapterSpace } from './adapterSpace';
import { embeddingFingerprint } from '../classify/embeddingIdentity';
import type { Logger } from '../log';
import { dedupe } from './dedupe';
import { centroid, representatives } from './examples';
import { ctfidf } from './keywords';
import { evaluate, type Evaluation } from './metrics';
import { reassignOutliers } from './outliers';
import { clusterLevel, type StageHooks } from './recursive';
import { writeRun, type AssignmentRow } from './runFolder';

export interface PipelineInput {
  csvPath: string;
  textColumn: string;
  labelColumn?: string | null;
  outDir: string;
  params: ClusterParams;
}

export interface PipelineDeps {
  embedder: Embedder;
  signal?: AbortSignal;
  log: Logger;
  progress?: (p: { stage: string; done?: number; total?: number }) => void;
}

const MIN_SUBCLUSTER_INPUT = 30;

export async function runClusterPipeline(input: PipelineInput, deps: PipelineDeps): Promise<ClusterResult> {
  const { params } = input;
  const timings: Record<string, number> = {};
  const started = Date.now();
  const checkCancel = () => {
    if (deps.signal?.aborted) throw new TicketLensError('job_cancelled', 'Clustering was cancelled; no run folder was written.');
  };
  const hooks: StageHooks = {
    signal: deps.signal,
    stage: (stage, done, total) => {
      checkCancel();
      deps.progress?.({ stage, done, total });
    },
    time: (name, ms) => (timings[name] = (timings[name] ?? 0) + ms / 1000),
  };

  hooks.stage('reading CSV');
  let t = Date.now();
  const table = await readCsv(input.csvPath, { textColumn: input.textColumn, columns: input.labelColumn ? [input.labelColumn] : [], signal: deps.signal });
  for (const s of table.skipped) deps.log.warn(`${input.csvPath}: row ${s.row} (line ${s.line}) skipped: ${s.reason}`);
  const rows = table.records;
  const d = dedupe(rows.map((r) => r.text));
  hooks.time('read', Date.now() - t);

  t = Date.now();
  const e = deps.embedder;
  const before = (e as { cacheStats?: { hits: number } | null }).cacheStats?.hits ?? 0;
  hooks.stage('embedding', 0, d.unique.length);
  const raw = await e.embed(d.unique, { signal: deps.signal, onProgress: (done, total) => deps.progress?.({ stage: 'embedding', done, total }) });
  const space = params.adapterModel ? await adapterSpace(params.adapterModel, e) : null;
  const vectors = space ? space.map(raw) : raw;
  const cacheHits = ((e as { cacheStats?: { hits: number } | null }).cacheStats?.hits ?? 0) - before;
  hooks.time('embed', Date.now() - t);
  const dim = e.info.dim;
  const nu = d.unique.length;

  // ---- top level
  const all = Array.from({ length: nu }, (_, i) => i);
  const top = await clusterLevel(vectors, dim, all, params, { top: true, minClusterSize: params.minClusterSize, hooks });
  if (top.sweep) deps.log.info(`min cluster size: swept ${top.sweep.map((s) => s.minClusterSize).join(', ')}; chose ${top.minClusterSize}`);
  const wasNoise = top.labels.map((l) => (l < 0 ? 1 : 0));
  let topLabels = top.labels;
  if (params.reassignOutliers !== null && top.nClusters > 0) {
    const members: number[][] = Array.from({ length: top.nClusters }, () => []);
    topLabels.forEach((l, i) => l >= 0 && members[l].push(i));
    const r = reassignOutliers(topLabels, vectors, dim, members.map((m) => centroid(vectors, dim, m)), params.reassignOutliers);
    topLabels = r.labels;
    deps.log.info(`outliers: reassigned ${r.reassigned} of ${wasNoise.reduce((s, x) => s + x, 0)} noise texts (similarity ≥ ${params.reassignOutliers})`);
  }

  // ---- paths, recursively
  t = Date.now();
  const pathOf: string[] = Array.from(topLabels, (l) => (l >= 0 ? `root.${l}` : 'root.noise'));
  const rowsIn = (members: readonly number[]) => members.reduce((s, u) => s + d.rowsOf[u].length, 0);
  const groups = (members: readonly number[], level: number) => {
    const m = new Map<string, number[]>();
    for (const u of members) {
      const p = pathOf[u].split('.').slice(0, level + 1).join('.');
      let list = m.get(p);
      if (!list) m.set(p, (list = []));
      list.push(u);
    }
    return m;
  };
  const queue: { path: string; members: number[]; depth: number }[] = [...groups(all, 1)]
    .filter(([p]) => !p.endsWith('.noise'))
    .map(([path, members]) => ({ path, members, depth: 1 }));
  const totalRows = rows.length;
  while (queue.length) {
    const { path, members, depth } = queue.shift()!;
    if (depth >= params.depth || members.length < MIN_SUBCLUSTER_INPUT) continue;
    const parentRows = depth === 1 ? totalRows : rowsIn(members.length ? members : []);
    if ((rowsIn(members) / Math.max(1, depth === 1 ? totalRows : parentRows)) * 100 < params.minClusterPct) continue;
    const mcs = Math.max(5, Math.round(members.length / 10));
    const sub = await clusterLevel(vectors, dim, members, params, { top: false, minClusterSize: mcs, hooks });
    if (sub.nClusters < 2) continue;
    members.forEach((u, i) => (pathOf[u] = sub.labels[i] >= 0 ? `${path}.${sub.labels[i]}` : `${path}.noise`));
    for (const [p, m] of groups(members, depth + 1)) if (!p.endsWith('.noise')) queue.push({ path: p, members: m, depth: depth + 1 });
  }
  hooks.time('subclusters', Date.now() - t);

  // ---- describe every cluster: keywords among siblings, centroid, examples, purity
  hooks.stage('keywords and examples');
  t = Date.now();
  const labelOfRow = input.labelColumn ? rows.map((r) => r.fields[input.labelColumn!]) : null;
  const byPath = new Map<string, number[]>();
  for (let u = 0; u < nu; u++) {
    const parts = pathOf[u].split('.');
    for (let k = 2; k <= parts.length; k++) {
      const p = parts.slice(0, k).join('.');
      let list = byPath.get(p);
      if (!list) byPath.set(p, (list = []));
      list.push(u);
    }
  }
  const parentOf = (p: string) => (p.split('.').length > 2 ? p.split('.').slice(0, -1).join('.') : null);
  const siblings = new Map<string | null, string[]>();
  for (const p of byPath.keys()) {
    const par = parentOf(p);
    siblings.set(par, [...(siblings.get(par) ?? []), p]);
  }
  const keywords = new Map<string, ClusterRecord['keywords']>();
  for (const [, paths] of siblings) {
    const texts: string[] = [];
    const cls: number[] = [];
    paths.forEach((p, ci) => {
      for (const u of byPath.get(p)!) for (const r of d.rowsOf[u]) {
        texts.push(rows[r].text);
        cls.push(ci);
      }
    });
    const kw = ctfidf(texts, cls, 10);
    paths.forEach((p, ci) => keywords.set(p, kw.get(ci) ?? []));
  }
  const records: ClusterRecord[] = [];
  const sortPaths = (a: string, b: string) => {
    const pa = a.split('.');
    const pb = b.split('.');
    for (let i = 1; i < Math.min(pa.length, pb.length); i++) {
      if (pa[i] === pb[i]) continue;
      if (pa[i] === 'noise') return 1;
      if (pb[i] === 'noise') return -1;
      return Number(pa[i]) - Number(pb[i]);
    }
    return pa.length - pb.length;
  };
  for (const p of [...byPath.keys()].sort(sortPaths)) {
    const members = byPath.get(p)!;
    const c = centroid(vectors, dim, members);
    const reps = representatives(vectors, dim, members, c, 5);
    let purity: ClusterRecord['purity'] = null;
    if (labelOfRow) {
      const counts = new Map<string, number>();
      for (const u of members) for (const r of d.rowsOf[u]) counts.set(labelOfRow[r], (counts.get(labelOfRow[r]) ?? 0) + 1);
      const [label, count] = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0];
      purity = { label, share: Number((count / rowsIn(members)).toFixed(4)) };
    }
    records.push({
      id: p,
      parent: parentOf(p),
      depth: p.split('.').length - 1,
      size: rowsIn(members),
      isNoise: p.endsWith('.noise'),
      keywords: keywords.get(p) ?? [],
      examples: reps.map((u) => ({ row: rows[d.rowsOf[u][0]].row, line: rows[d.rowsOf[u][0]].line, text: d.unique[u] })),
      centroid: Array.from(c, (x) => Number(x.toFixed(5))),
      purity,
      label: null,
      description: null,
      labelSource: null,
      reviewed: false,
    });
  }
  hooks.time('keywords', Date.now() - t);

  // ---- evaluation
  let evaluation: { top: Evaluation; leaf: Evaluation } | null = null;
  if (labelOfRow) {
    const leaf = rows.map((_, r) => pathOf[d.rowToUnique[r]]);
    const topPaths = leaf.map((p) => p.split('.').slice(0, 2).join('.'));
    const noise = (p: string) => p.endsWith('.noise');
    evaluation = { top: evaluate(labelOfRow, topPaths, noise), leaf: evaluate(labelOfRow, leaf, noise) };
  }

  // ---- run folder
  hooks.stage('writing the run folder');
  t = Date.now();
  const assignments: AssignmentRow[] = rows.map((rec, r) => {
    const u = d.rowToUnique[r];
    return {
      row: rec.row,
      line: rec.line,
      text: rec.text,
      cluster: pathOf[u],
      probability: top.probabilities[u],
      outlierScore: top.outlierScores[u],
      wasNoise: wasNoise[u] === 1,
      x: top.map![u * 2],
      y: top.map![u * 2 + 1],
      label: labelOfRow ? labelOfRow[r] : undefined,
    };
  });
  checkCancel();
  const noiseRows = assignments.filter((a) => a.cluster.split('.')[1] === 'noise').length;
  timings.total = (Date.now() - started) / 1000;
  const resolvedParams = { ...params, minClusterSize: top.minClusterSize, minSamples: params.minSamples ?? 10, adapterModel: space?.path ?? null };
  await writeRun(input.outDir, {
    input: { path: input.csvPath, rows: rows.length, textColumn: input.textColumn, labelColumn: input.labelColumn ?? null, skipped: table.skipped.length },
    model: { id: e.info.modelId, hash: e.info.modelHash, fingerprint: await embeddingFingerprint(e) },
    params: resolvedParams,
    timings,
    clusters: records,
    assignments,
    evaluation,
    sweep: top.sweep,
    title: basename(input.csvPath),
    signal: deps.signal,
  });
  timings.write = (Date.now() - t) / 1000;

  return {
    runDir: input.outDir,
    rows: rows.length,
    uniqueTexts: nu,
    skippedRows: table.skipped.length,
    topClusters: top.nClusters,
    totalClusters: records.filter((r) => !r.isNoise).length,
    noiseFraction: noiseRows / Math.max(1, rows.length),
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

import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { ClusterRequest, ClustersFile, CsvPreview, CsvPreviewRequest, ExportLabelsRequest, ExportLabelsResult, JobInfo, PredictRequest, PredictResponse, RunEditRequest, RunManifest, RunPoints, TicketLensError } from '../../../shared/api';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { previewCsv } from '../../data/csv';
import { applyEdits } from '../../cluster/edits';
import { exportReviewedLabels } from '../../cluster/exportLabels';
import { adapterSpace } from '../../cluster/adapterSpace';
import { compareEmbedding } from '../../classify/embeddingIdentity';
import { runClusterPipeline } from '../../cluster/pipeline';
import { predictClusters } from '../../cluster/predict';
import { checkOutDir, defaultRunDir, loadRun } from '../../cluster/runFolder';
import { defineRoute } from '../route';

export const clusterRoutes = [
  defineRoute({
    method: 'POST',
    path: '/cluster',
    tag: 'clusters',
    summary: 'Start clustering a CSV into a new run folder (a job: follow it with /jobs/:id/events)',
    body: ClusterRequest,
    response: JobInfo,
    status: 202,
    async handler({ body }, ctx) {
      const outDir = resolve(body.outDir ?? defaultRunDir(body.csvPath, dirname(resolve(body.csvPath))));
      checkOutDir(outDir, body.csvPath);
      return ctx.jobs.submit('cluster', async (job) => {
        const embedder = await ctx.getEmbedder();
        return runClusterPipeline(
          { csvPath: body.csvPath, textColumn: body.textColumn, labelColumn: body.labelColumn ?? null, outDir, params: body.params },
          { embedder, signal: job.signal, log: job.log, progress: job.progress },
        );
      });
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/runs/load',
    tag: 'clusters',
    summary: "A run folder's manifest and clusters, validated",
    body: z.object({ runDir: z.string().min(1) }),
    response: z.object({ runDir: z.string(), manifest: RunManifest, clusters: ClustersFile.shape.clusters }),
    async handler({ body }) {
      const run = await loadRun(body.runDir);
      return { runDir: run.dir, manifest: run.manifest, clusters: run.clusters };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/runs/predict',
    tag: 'clusters',
    summary: "Nearest cluster of an existing run for each text (cluster path, similarity, probability)",
    body: PredictRequest,
    response: PredictResponse,
    async handler({ body, signal }, ctx) {
      const run = await loadRun(body.runDir);
      if (!run.clusters.some((c) => c.centroid)) throw new TicketLensError('bad_input', `${run.dir} has no cluster centroids to compare with.`);
      const e = await ctx.getEmbedder();
      const made = run.manifest.model;
      const match = await compareEmbedding({ hashes: [made.hash], dim: e.info.dim, fingerprint: made.fingerprint }, e);
      if (!match.same) {
        throw new TicketLensError('bad_input', `${run.dir} was made with another embedding model (${made.id}, ONNX sha256 ${made.hash.slice(0, 12)}…; the server uses ${e.info.modelId}, ${e.info.modelHash.slice(0, 12)}…): ${match.evidence}; re-cluster the file to compare texts with it.`);
      }
      const raw = await e.embed(body.texts, { signal });
      const adapter = run.manifest.params.adapterModel;
      const v = typeof adapter === 'string' ? (await adapterSpace(adapter, e)).map(raw) : raw;
      return { predictions: predictClusters(v, e.info.dim, run.clusters) };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/csv/preview',
    tag: 'clusters',
    summary: 'The header and first rows of a CSV, for column pickers',
    body: CsvPreviewRequest,
    response: CsvPreview,
    async handler({ body }) {
      return previewCsv(body.path, body.rows);
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/runs/edit',
    tag: 'clusters',
    summary: 'Rename, mark reviewed or merge clusters of a run (one atomic write)',
    body: RunEditRequest,
    response: z.object({ clusters: ClustersFile.shape.clusters }),
    async handler({ body }) {
      return { clusters: await applyEdits(body.runDir, body.edits) };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/runs/points',
    tag: 'clusters',
    summary: "Every row's map position, cluster path and text, for the 2-D map",
    body: z.object({ runDir: z.string().min(1) }),
    response: RunPoints,
    async handler({ body }) {
      const run = await loadRun(body.runDir);
      const rows = parse(await readFile(join(run.dir, 'assignments.csv')), { columns: true }) as Record<string, string>[];
      return {
        x: rows.map((r) => Number(r.x)),
        y: rows.map((r) => Number(r.y)),
        cluster: rows.map((r) => r.cluster),
        text: rows.map((r) => r.text),
        row: rows.map((r) => Number(r.row)),
        line: rows.map((r) => Number(r.line)),
      };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/runs/export-labels',
    tag: 'clusters',
    summary: "The rows of a run's reviewed clusters as a labelled CSV (text,label), for training a classifier",
    body: ExportLabelsRequest,
    response: ExportLabelsResult,
    async handler({ body }) {
      return exportReviewedLabels(ExportLabelsRequest.parse(body));
    },
  }),
];

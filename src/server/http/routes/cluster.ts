/**
 * Cluster routes: start a run (a job), and load, edit, predict with and export an existing run folder.
 * Run files are read and written only through server/run/, which validates them against the contract.
 */
import { dirname, resolve } from 'node:path';
import { ClusterRequest, CsvPreview, CsvPreviewRequest, ExportLabelsRequest, ExportLabelsResult, JobInfo, LoadedRun, PredictRequest, PredictResponse, RunDirRequest, RunEditRequest, RunEditResult, RunPoints, RunPointsRequest, TicketLensError } from '../../../shared/api';
import { clipText } from '../../data/clipText';
import { embedderText, runNormalized } from '../../text/normalize';
import { previewCsv } from '../../data/csv';
import { applyEdits } from '../../cluster/edits';
import { exportReviewedLabels } from '../../cluster/exportLabels';
import { adapterSpace } from '../../cluster/adapterSpace';
import { compareEmbedding } from '../../embed/identity';
import { runClusterPipeline } from '../../cluster/pipeline';
import { predictClusters } from '../../cluster/predict';
import { checkOutDir, defaultRunDir, loadRun } from '../../run/folder';
import { runPoints } from '../../run/runPoints';
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
      await ctx.paths.inputFile(body.csvPath);
      if (body.params.adapterModel) await ctx.paths.modelRef(body.params.adapterModel);
      await ctx.paths.output(outDir);
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
    body: RunDirRequest,
    response: LoadedRun,
    async handler({ body }, ctx) {
      await ctx.paths.runFolder(body.runDir);
      return loadRun(body.runDir);
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
      await ctx.paths.runFolder(body.runDir);
      const run = await loadRun(body.runDir);
      if (!run.clusters.some((c) => c.centroid)) throw new TicketLensError('bad_input', `${run.runDir} has no cluster centroids to compare with.`);
      const e = await ctx.getEmbedder();
      const made = run.manifest.model;
      const match = await compareEmbedding({ hashes: [made.hash], dim: e.info.dim, fingerprint: made.fingerprint }, e);
      if (!match.same) {
        throw new TicketLensError('bad_input', `${run.runDir} was made with another embedding model (${made.id}, ONNX sha256 ${made.hash.slice(0, 12)}…; the server uses ${e.info.modelId}, ${e.info.modelHash.slice(0, 12)}…): ${match.evidence}; re-cluster the file to compare texts with it.`);
      }
      // The run's centroids are of the texts it embedded: normalised ones when the run normalised.
      const normalizeOn = runNormalized(run.manifest.params);
      const raw = await e.embed(body.texts.map((t) => clipText(embedderText(t, normalizeOn))), { signal, persist: false, priority: 'interactive' });
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
    async handler({ body }, ctx) {
      await ctx.paths.inputFile(body.path);
      return previewCsv(body.path, body.rows);
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/runs/edit',
    tag: 'clusters',
    summary: 'Rename, mark reviewed or merge clusters of a run (one atomic write)',
    body: RunEditRequest,
    response: RunEditResult,
    async handler({ body }, ctx) {
      await ctx.paths.runFolder(body.runDir);
      return { clusters: await applyEdits(body.runDir, body.edits) };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/runs/points',
    tag: 'clusters',
    summary: "Every row's map position, cluster path and text, for the 2-D map (and its date, from a date column asked for)",
    body: RunPointsRequest,
    response: RunPoints,
    async handler({ body }, ctx) {
      await ctx.paths.runFolder(body.runDir);
      return runPoints(body.runDir, body.dateColumn);
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/runs/export-labels',
    tag: 'clusters',
    summary: "The rows of a run's reviewed clusters as a labelled CSV (text,label), for training a classifier",
    body: ExportLabelsRequest,
    response: ExportLabelsResult,
    async handler({ body }, ctx) {
      await ctx.paths.runFolder(body.runDir);
      // exportReviewedLabels applies the output rule itself (input and run files by device and inode).
      if (body.outPath) await ctx.paths.output(body.outPath);
      return exportReviewedLabels(body);
    },
  }),
];

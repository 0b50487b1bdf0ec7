import { z } from 'zod';
import { JobInfo, LabelCheckRequest, LabelCheckResult, LabelEstimate, LabelOptions, LabelPreview, LabelRequest } from '../../../shared/api';
import { estimateLabels, labelRun, previewLabels } from '../../label/labelRun';
import { checkKeyAndModel } from '../../label/models';
import { defineRoute } from '../route';

const RunAndOptions = z.object({ runDir: z.string().min(1), options: LabelOptions.default(LabelOptions.parse({})) });

export const labelRoutes = [
  defineRoute({
    method: 'POST',
    path: '/label',
    tag: 'labels',
    summary: "Label a run's clusters with Claude (a job). The API key travels in the request and is never stored or logged.",
    body: LabelRequest,
    response: JobInfo,
    status: 202,
    async handler({ body }, ctx) {
      await ctx.paths.runFolder(body.runDir);
      return ctx.jobs.submit('label', (job) =>
        labelRun(body.runDir, body.options, { apiKey: body.apiKey ?? null, cacheDir: ctx.config.cacheDir, log: job.log, signal: job.signal, progress: job.progress }),
      );
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/label/check',
    tag: 'labels',
    summary:
      'Check an API key and a model against the Claude Models API: the models the key can use (newest first), whether the chosen model is served, and why not. A refused key is an answer (ok: false), not an HTTP error. The key is used for this check only and never stored, logged or echoed.',
    body: LabelCheckRequest,
    response: LabelCheckResult,
    async handler({ body, signal }) {
      return checkKeyAndModel(body, { signal });
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/label/estimate',
    tag: 'labels',
    summary: 'Tokens and cost that labelling the run would take',
    body: RunAndOptions,
    response: LabelEstimate,
    async handler({ body }, ctx) {
      await ctx.paths.runFolder(body.runDir);
      return estimateLabels(body.runDir, body.options);
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/label/preview',
    tag: 'labels',
    summary: 'Dry run: exactly what would be sent for each cluster, after redaction',
    body: RunAndOptions,
    response: LabelPreview,
    async handler({ body }, ctx) {
      await ctx.paths.runFolder(body.runDir);
      return previewLabels(body.runDir, body.options);
    },
  }),
];

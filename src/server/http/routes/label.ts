import { z } from 'zod';
import { JobInfo, LabelEstimate, LabelOptions, LabelPreview, LabelRequest } from '../../../shared/api';
import { estimateLabels, labelRun, previewLabels } from '../../label/labelRun';
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
    handler({ body }, ctx) {
      return ctx.jobs.submit('label', (job) =>
        labelRun(body.runDir, body.options, { apiKey: body.apiKey ?? null, cacheDir: ctx.config.cacheDir, log: job.log, signal: job.signal, progress: job.progress }),
      );
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/label/estimate',
    tag: 'labels',
    summary: 'Tokens and cost that labelling the run would take',
    body: RunAndOptions,
    response: LabelEstimate,
    async handler({ body }) {
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
    async handler({ body }) {
      return previewLabels(body.runDir, body.options);
    },
  }),
];

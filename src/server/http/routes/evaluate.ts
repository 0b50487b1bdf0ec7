/**
 * POST /evaluate: one head of a classifier judged on a labelled CSV, as a job (follow it with
 * /jobs/:id/events). Embedding runs on the inference threads, the figures and the k-fold training
 * behind the likely mislabelled rows in worker threads, so the HTTP thread stays free. The result is
 * the Evaluation itself; nothing is written (`ticket-lens eval --out DIR` writes the files).
 */
import { JobInfo } from '../../../shared/api';
import { EvaluateRequest } from '../../../shared/evaluation';
import { evaluateClassifier } from '../../evaluation/evaluateClassifier';
import { defineRoute } from '../route';
import { classifyService } from './classify';

export const evaluateRoutes = [
  defineRoute({
    method: 'POST',
    path: '/evaluate',
    tag: 'classify',
    summary: 'Evaluate a classifier on a labelled CSV: confusion matrix, per-class P/R/F1, ROC curves, reliability, confused pairs, likely mislabelled rows (a job)',
    body: EvaluateRequest,
    response: JobInfo,
    status: 202,
    async handler({ body }, ctx) {
      await ctx.paths.inputFile(body.csvPath);
      await ctx.paths.modelRef(body.model);
      const service = classifyService(ctx);
      return ctx.jobs.submit('evaluate', (job) => evaluateClassifier(body, { classifier: (ref) => service.model(ref), embedder: () => ctx.getEmbedder(), signal: job.signal, progress: job.progress }));
    },
  }),
];

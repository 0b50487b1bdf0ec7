/**
 * POST /classify: texts → per text, one prediction per task of the requested trained models and
 * zero-shot label sets. Models and label-set prototypes stay loaded per server (keyed by the context),
 * so a warm request costs one embedding plus a few small matrix products.
 * POST /classify/train: trains a classifier from a labelled CSV as a job.
 */
import { resolve } from 'node:path';
import { ClassifyRequest, ClassifyResponse, JobInfo, TrainRequest } from '../../../shared/api';
import type { ServerContext } from '../../context';
import { clipText } from '../../data/clipText';
import { checkOutputFile, CLASSIFIER_OUTPUT } from '../../data/outputs';
import { ClassifyService } from '../../classify/service';
import { trainModel } from '../../classify/trainModel';
import { defineRoute } from '../route';

const services = new WeakMap<ServerContext, ClassifyService>();
export function classifyService(ctx: ServerContext): ClassifyService {
  let s = services.get(ctx);
  if (!s) services.set(ctx, (s = new ClassifyService(() => ctx.getEmbedder())));
  return s;
}

export const classifyRoutes = [
  defineRoute({
    method: 'POST',
    path: '/classify',
    tag: 'classify',
    summary: 'Classify texts with trained models and/or zero-shot label sets (label, confidence, top-k, unknown + reason, optional explanation)',
    body: ClassifyRequest,
    response: ClassifyResponse,
    async handler({ body, signal }, ctx) {
      const req = ClassifyRequest.parse(body);
      for (const m of req.models) await ctx.paths.modelRef(m);
      if (req.workspace !== undefined) await ctx.paths.workspace(req.workspace);
      return classifyService(ctx).classify({ ...req, texts: req.texts.map((t) => clipText(t)) }, signal);
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/classify/train',
    tag: 'classify',
    summary: 'Train a classifier from a labelled CSV (a job: follow it with /jobs/:id/events)',
    body: TrainRequest,
    response: JobInfo,
    status: 202,
    async handler({ body }, ctx) {
      await ctx.paths.inputFile(body.csvPath);
      await ctx.paths.output(body.outPath);
      await checkOutputFile(resolve(body.outPath), [{ path: body.csvPath, what: 'the training CSV' }], { replaces: CLASSIFIER_OUTPUT });
      return ctx.jobs.submit('train', async (job) => {
        const embedder = await ctx.getEmbedder();
        return trainModel(
          {
            csvPath: body.csvPath,
            textColumn: body.textColumn,
            columns: [...body.labelColumns.map((column) => ({ column, multiLabel: false })), ...body.multiLabelColumns.map((column) => ({ column, multiLabel: true, sep: body.sep }))],
            outPath: resolve(body.outPath),
            params: body.params,
          },
          { embedder, log: job.log, signal: job.signal, progress: job.progress },
        );
      });
    },
  }),
];

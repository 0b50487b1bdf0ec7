/**
 * POST /tag: tag rows of a CSV into a label set with Claude, as a job (tag/tagRows.ts). A dry run is
 * the same job with `dryRun`: it answers the estimate and the first request, sending nothing. With
 * `train`, the same job then distils the tags into a local classifier (tag/distil.ts) beside
 * tags.csv, so the extension follows one job from the first request to the predictions. The API
 * key travels in the request and is never stored or logged. Without a workspace, the CSV's folder is
 * the workspace (its labels file, its runs, and the default output under its .ticket-lens/).
 */
import { dirname } from 'node:path';
import { JobInfo } from '../../../shared/api';
import { TagRequest, type TagSummary, type TagTrainResult } from '../../../shared/tag';
import { distilFromTags } from '../../tag/distil';
import { tagRows } from '../../tag/tagRows';
import { defineRoute } from '../route';

export const tagRoutes = [
  defineRoute({
    method: 'POST',
    path: '/tag',
    tag: 'labels',
    summary:
      'Tag rows of a CSV into a label set with Claude (a job; its result is a TagSummary, or with `train` a TagTrainResult: the tags distilled into a local classifier that classifies every row). The API key travels in the request and is never stored or logged.',
    body: TagRequest,
    response: JobInfo,
    status: 202,
    async handler({ body }, ctx) {
      const o = { ...body.options, workspace: body.options.workspace ?? dirname(body.options.csvPath) };
      await ctx.paths.inputFile(o.csvPath);
      await ctx.paths.workspace(o.workspace);
      if (o.runDir) await ctx.paths.runFolder(o.runDir);
      // The default output lies in the run folder or under the workspace, both checked above; the classifier goes beside tags.csv.
      if (o.outDir) await ctx.paths.output(o.outDir);
      const train = body.train && !o.dryRun;
      return ctx.jobs.submit('tag', async (job): Promise<TagSummary | TagTrainResult> => {
        const tag = await tagRows(o, job.log, job.signal, { apiKey: body.apiKey ?? null, cacheDir: ctx.config.cacheDir, progress: job.progress });
        if (!train) return tag;
        const distil = await distilFromTags(
          { csvPath: o.csvPath, tagsCsv: tag.tagsCsv, textColumn: o.textColumn, idColumn: o.idColumn, labelSet: o.labelSet, workspace: o.workspace, seed: o.seed },
          job.log,
          job.signal,
          { embedder: await ctx.getEmbedder(), progress: job.progress },
        );
        return { tag, distil };
      });
    },
  }),
];

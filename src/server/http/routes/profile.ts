/**
 * The data profile of a CSV as a job (follow it with /jobs/:id/events): the texts' statistics run in
 * a worker thread (profile/textStats.ts), embedding and kNN on the inference threads, so the HTTP
 * thread stays free. The result is the Profile itself; nothing is written.
 */
import { JobInfo } from '../../../shared/api';
import { ProfileRequest } from '../../../shared/profile';
import { profileCsv } from '../../profile/profileCsv';
import { defineRoute } from '../route';

export const profileRoutes = [
  defineRoute({
    method: 'POST',
    path: '/profile',
    tag: 'profile',
    summary: 'Profile a CSV before clustering: rows, duplicates, lengths in characters and tokens, labels, top words, placeholders, personal data (counts), dates (a job)',
    body: ProfileRequest,
    response: JobInfo,
    status: 202,
    async handler({ body }, ctx) {
      await ctx.paths.inputFile(body.csvPath);
      return ctx.jobs.submit('profile', (job) =>
        profileCsv(body, { modelDir: ctx.config.modelDir, dtype: ctx.config.dtype, embedder: () => ctx.getEmbedder(), signal: job.signal, progress: job.progress }),
      );
    },
  }),
];

import { z } from 'zod';
import { JobInfo, TicketLensError } from '../../../shared/api';
import { defineRoute } from '../route';

const notFound = (id: string) => new TicketLensError('not_found', `No job ${id} (jobs are kept for an hour after they end).`);

export const jobRoutes = [
  defineRoute({
    method: 'GET',
    path: '/jobs',
    tag: 'jobs',
    summary: 'All jobs, running and recently finished',
    response: z.object({ jobs: z.array(JobInfo) }),
    handler(_i, ctx) {
      return { jobs: ctx.jobs.list() };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/jobs/:id',
    tag: 'jobs',
    summary: "A job's state, progress, and result or error",
    response: JobInfo,
    handler({ params }, ctx) {
      const job = ctx.jobs.get(params.id);
      if (!job) throw notFound(params.id);
      return job;
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/jobs/:id/cancel',
    tag: 'jobs',
    summary: 'Cancel a queued or running job (it ends as cancelled and writes nothing)',
    response: JobInfo,
    handler({ params }, ctx) {
      if (!ctx.jobs.get(params.id)) throw notFound(params.id);
      ctx.jobs.cancel(params.id);
      return ctx.jobs.get(params.id)!;
    },
  }),
];

/** GET /jobs/:id/events: a job's state and progress as server-sent events, ending with its final state. */
import type { FastifyInstance } from 'fastify';
import type { JobInfo } from '../../shared/api';
import type { ServerContext } from '../context';
import { errorBody } from './errors';

export const jobEventsPath = '/jobs/:id/events';

export function registerJobEvents(app: FastifyInstance, ctx: ServerContext): void {
  app.get<{ Params: { id: string } }>(jobEventsPath, (req, reply) => {
    const first = ctx.jobs.get(req.params.id);
    if (!first) {
      void reply.code(404).send(errorBody('not_found', `No job ${req.params.id}.`));
      return;
    }
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const send = (job: JobInfo) => res.write(`event: job\ndata: ${JSON.stringify(job)}\n\n`);
    const ended = (job: JobInfo) => job.state !== 'queued' && job.state !== 'running';
    send(first);
    if (ended(first)) {
      res.end();
      return;
    }
    const unsubscribe = ctx.jobs.subscribe((job) => {
      if (job.id !== first.id) return;
      send(job);
      if (ended(job)) {
        unsubscribe();
        res.end();
      }
    });
    req.raw.on('close', unsubscribe);
  });
}

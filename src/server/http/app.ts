/**
 * The HTTP face of the server: fastify (body limits, a well-tested JSON parser), every route from
 * routes/index.ts validated with its zod schema, bearer-token auth on every request, JSON errors.
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { TicketLensError } from '../../shared/api';
import type { ServerContext } from '../context';
import { tokenMatches } from './auth';
import { STATUS, errorBody, fromZod } from './errors';
import { buildOpenApi } from './openapi';
import type { RouteSpec } from './route';
import { allRoutes } from './routes';
import { registerJobEvents, jobEventsPath } from './sse';

export const BODY_LIMIT_BYTES = 16 * 1024 * 1024;

function sendError(reply: FastifyReply, err: unknown, ctx: ServerContext): FastifyReply {
  if (err instanceof TicketLensError) {
    return reply.code(STATUS[err.code]).send(errorBody(err.code, err.message, err.details));
  }
  const fe = err as { code?: string; statusCode?: number; message?: string };
  if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return reply.code(413).send(errorBody('payload_too_large', `The request body is larger than ${BODY_LIMIT_BYTES} bytes.`));
  }
  if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return reply.code(415).send(errorBody('bad_request', 'Send the request body as application/json.'));
  }
  if (fe.statusCode === 400 || fe.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || fe instanceof SyntaxError) {
    return reply.code(400).send(errorBody('bad_request', `The request body is not valid JSON: ${fe.message ?? 'parse error'}`));
  }
  ctx.log.error(`internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  return reply.code(500).send(errorBody('internal', 'Internal server error; see the server log.'));
}

function register(app: FastifyInstance, spec: RouteSpec, ctx: ServerContext): void {
  app.route({
    method: spec.method,
    url: spec.path,
    handler: async (req: FastifyRequest, reply: FastifyReply) => {
      let body: unknown = undefined;
      if (spec.body) {
        const parsed = spec.body.safeParse(req.body ?? {});
        if (!parsed.success) throw fromZod(parsed.error, `${spec.method} ${spec.path} body`);
        body = parsed.data;
      }
      // The response's 'close' before it ended means the client went away (the request's own 'close'
      // fires as soon as its body has been read, so it cannot tell).
      const ac = new AbortController();
      const onClose = () => {
        if (!reply.raw.writableEnded) ac.abort();
      };
      reply.raw.on('close', onClose);
      try {
        const result = await spec.handler(
          { body, params: (req.params ?? {}) as Record<string, string>, query: (req.query ?? {}) as Record<string, string | undefined>, signal: ac.signal },
          ctx,
        );
        return reply.code(spec.status ?? 200).send(result);
      } finally {
        reply.raw.off('close', onClose);
      }
    },
  });
}

export async function buildApp(ctx: ServerContext, token: string): Promise<FastifyInstance> {
  const app = Fastify({ bodyLimit: BODY_LIMIT_BYTES, logger: false, forceCloseConnections: true });
  app.addHook('onRequest', async (req, reply) => {
    if (!tokenMatches(req.headers.authorization, token)) {
      return reply.code(401).send(errorBody('unauthorized', 'Missing or wrong bearer token (Authorization: Bearer <token> from the ready line or TICKET_LENS_TOKEN).'));
    }
  });
  app.setErrorHandler((err, _req, reply) => sendError(reply, err, ctx));
  app.setNotFoundHandler((req, reply) => reply.code(404).send(errorBody('not_found', `No route ${req.method} ${req.url}.`)));

  for (const spec of allRoutes) register(app, spec, ctx);
  registerJobEvents(app, ctx);
  const openapi = buildOpenApi(
    allRoutes,
    [{ method: 'GET', path: jobEventsPath, summary: "Server-sent events of a job's state and progress until it ends", tag: 'jobs', contentType: 'text/event-stream' }],
    ctx.version,
  );
  app.get('/openapi.json', () => Promise.resolve(openapi));
  return app;
}

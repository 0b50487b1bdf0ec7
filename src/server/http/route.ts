/**
 * One declaration per HTTP route: the zod schemas it validates, the handler, and the text of its
 * OpenAPI entry. The app registers every declared route and the OpenAPI document is generated from
 * the same list, so the documented API cannot drift from the served one.
 */
import type { z } from 'zod';
import type { ServerContext } from '../context';

export interface RouteInput<B> {
  body: B;
  params: Record<string, string>;
  query: Record<string, string | undefined>;
  /** Aborted when the client disconnects. */
  signal: AbortSignal;
}

export interface RouteSpec<B extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  method: 'GET' | 'POST' | 'DELETE' | 'PATCH';
  /** Fastify-style path, e.g. `/jobs/:id`. */
  path: string;
  summary: string;
  tag: string;
  body?: B;
  response: R;
  /** Status for a successful response (default 200; 202 for job submissions). */
  status?: number;
  /** May return at once: only handlers that wait on something are async. */
  handler(input: RouteInput<z.infer<B>>, ctx: ServerContext): z.infer<R> | Promise<z.infer<R>>;
}

/** Keeps the schema types of a route literal while collecting routes of different shapes in one array. */
export function defineRoute<B extends z.ZodType, R extends z.ZodType>(spec: RouteSpec<B, R>): RouteSpec {
  return spec;
}

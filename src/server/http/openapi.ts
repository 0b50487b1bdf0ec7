/** The OpenAPI 3.1 document, generated from the same RouteSpecs (and zod schemas) the app serves. */
import { z } from 'zod';
import { ErrorBody } from '../../shared/api';
import type { RouteSpec } from './route';

export interface ExtraPath {
  method: string;
  path: string;
  summary: string;
  tag: string;
  contentType: string;
}

const toOpenApiPath = (p: string) => p.replace(/:([A-Za-z_]+)/g, '{$1}');
const schema = (s: z.ZodType) => z.toJSONSchema(s, { unrepresentable: 'any', io: 'output' });

export function buildOpenApi(routes: readonly RouteSpec[], extra: readonly ExtraPath[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const errorResponse = { description: 'Error', content: { 'application/json': { schema: schema(ErrorBody) } } };
  for (const r of routes) {
    const p = toOpenApiPath(r.path);
    const params = [...r.path.matchAll(/:([A-Za-z_]+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    (paths[p] ??= {})[r.method.toLowerCase()] = {
      summary: r.summary,
      tags: [r.tag],
      ...(params.length ? { parameters: params } : {}),
      ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: schema(r.body) } } } } : {}),
      responses: {
        [String(r.status ?? 200)]: { description: 'OK', content: { 'application/json': { schema: schema(r.response) } } },
        '400': errorResponse,
        '401': errorResponse,
        default: errorResponse,
      },
    };
  }
  for (const x of extra) {
    (paths[toOpenApiPath(x.path)] ??= {})[x.method.toLowerCase()] = {
      summary: x.summary,
      tags: [x.tag],
      responses: { '200': { description: 'OK', content: { [x.contentType]: {} } }, default: errorResponse },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Ticket Lens model server', version },
    servers: [{ url: 'http://127.0.0.1' }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    security: [{ bearer: [] }],
    paths,
  };
}

/** Reading server responses in tests through the contract's schemas, so a wrong shape fails loudly. */
import { ErrorBody } from '../../src/shared/api';

/** The `error` of an error response, validated against the contract. */
export async function errorOf(res: Response): Promise<ErrorBody['error']> {
  return ErrorBody.parse(await res.json()).error;
}

/** A call to a running server with its token, the body (when given) as JSON. */
export function callServer(server: { url: string; token: string }, method: 'GET' | 'POST', path: string, body?: unknown): Promise<Response> {
  return fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${server.token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
}

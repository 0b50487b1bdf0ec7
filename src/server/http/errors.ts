/** Maps every failure to the shared JSON error body and its HTTP status; never leaks stack traces. */
import type { ZodError } from 'zod';
import { TicketLensError, type ErrorBody, type ErrorCode } from '../../shared/api';

export const STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  payload_too_large: 413,
  batch_too_large: 400,
  bad_input: 422,
  model_unavailable: 503,
  device_unavailable: 503,
  job_cancelled: 409,
  job_failed: 500,
  llm_unavailable: 502,
  // Upstream refusals, not our own auth: 502 keeps them apart from the bearer-token 401.
  llm_auth_failed: 502,
  llm_forbidden: 502,
  llm_model_not_found: 502,
  internal: 500,
};

export function errorBody(code: ErrorCode, message: string, details?: Record<string, unknown>): ErrorBody {
  return { error: { code, message, ...(details ? { details } : {}) } };
}

/** A request that fails its schema: name the first problem by its path, e.g. `texts[3]: expected string`. */
export function fromZod(err: ZodError, where: string): TicketLensError {
  const issues = err.issues.map((i) => ({ path: i.path.join('.'), message: i.message, code: i.code }));
  const first = err.issues[0];
  const path = first.path.length ? first.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') : '(body)';
  const tooBigArray = first.code === 'too_big' && first.origin === 'array';
  return new TicketLensError(tooBigArray ? 'batch_too_large' : 'bad_request', `Invalid ${where}: ${path}: ${first.message}`, { issues });
}

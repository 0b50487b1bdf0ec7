/**
 * Error codes shared by the server, the CLI and the extension client. One code per failure a user
 * can act on; the message says what happened and where (file, row, column).
 */
import * as z from 'zod';

export const ErrorCode = z.enum([
  'bad_request', // malformed JSON or a request that fails its schema
  'unauthorized', // missing or wrong bearer token
  'forbidden', // a path outside the server's allowed roots, or a file route on a server listening on the network
  'not_found',
  'payload_too_large',
  'batch_too_large',
  'bad_input', // a user file that cannot be read as asked (CSV, model directory, ...)
  'model_unavailable', // the model is not provisioned or cannot be loaded
  'device_unavailable', // e.g. cuda forced on a machine without a GPU
  'job_cancelled',
  'job_failed',
  'llm_unavailable',
  'llm_auth_failed', // the Claude API rejected the API key (401)
  'llm_forbidden', // the key has no access to the model or the API (403)
  'llm_model_not_found', // the Claude API does not serve the model id (404)
  'internal',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ErrorBody = z.object({
  error: z.object({
    code: ErrorCode,
    message: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

/** An error whose message is safe and useful to show a user as it is. */
export class TicketLensError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'TicketLensError';
  }
}

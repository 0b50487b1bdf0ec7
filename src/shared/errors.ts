/**
 * Error codes shared by the server, the CLI and the extension client. One code per failure a user
 * can act on; the message says what happened and where (file, row, column).
 */
import { z } from 'zod';

export const ErrorCode = z.enum([
  'bad_request', // malformed JSON or a request that fails its schema
  'unauthorized', // missing or wrong bearer token
  'not_found',
  'payload_too_large',
  'batch_too_large',
  'bad_input', // a user file that cannot be read as asked (CSV, model directory, ...)
  'model_unavailable', // the model is not provisioned or cannot be loaded
  'device_unavailable', // e.g. cuda forced on a machine without a GPU
  'job_cancelled',
  'job_failed',
  'llm_unavailable',
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

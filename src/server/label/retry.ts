/**
 * Retries for the LLM calls, ours rather than the SDK's (maxRetries: 0) so that attempts and delays
 * are observable, bounded by an overall deadline, and abortable: exponential backoff with jitter on
 * 429, 408, 5xx (529 = overloaded), timeouts and connection errors, honouring retry-after.
 */
import Anthropic from '@anthropic-ai/sdk';
import { TicketLensError } from '../../shared/api';

export interface RetryOptions {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs?: number;
  signal?: AbortSignal;
  /** Epoch ms after which no new attempt starts. */
  deadline?: number | null;
  onRetry?: (info: { attempt: number; delayMs: number; reason: string }) => void;
  random?: () => number;
}

export function retryable(err: unknown): boolean {
  if (err instanceof Anthropic.APIConnectionError) return true; // includes timeouts
  if (err instanceof Anthropic.APIError) return err.status === 408 || err.status === 429 || (err.status !== undefined && err.status >= 500);
  return false;
}

function retryAfterMs(err: unknown): number | null {
  if (!(err instanceof Anthropic.APIError) || !err.headers) return null;
  const h = err.headers as Headers;
  const ms = Number(h.get('retry-after-ms'));
  if (Number.isFinite(ms) && ms > 0) return ms;
  const ra = h.get('retry-after');
  if (!ra) return null;
  const secs = Number(ra);
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const date = Date.parse(ra);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : null;
}

/**
 * A refusal every further request would get too — a bad key (401), no access (403), a model id the
 * API does not serve (404) — as the error that stops the job, naming the cause and what to do.
 */
export function refusal(err: unknown, where: { model: string; baseURL: string | null }): TicketLensError | null {
  if (!(err instanceof Anthropic.APIError) || err.status === undefined) return null;
  const why = `${err.status} ${err.type ?? 'error'}`;
  if (err.status === 401) return new TicketLensError('llm_auth_failed', `Claude rejected the API key (${why}) — set a valid key.`);
  if (err.status === 403) return new TicketLensError('llm_forbidden', `The API key has no access to the model '${where.model}' (${why}) — check the key's permissions or choose another model.`);
  if (err.status === 404) {
    const url = where.baseURL ? `, or the base URL ${where.baseURL} is wrong` : '';
    return new TicketLensError('llm_model_not_found', `Claude rejected the model id '${where.model}' (${why}) — choose another model${url}.`);
  }
  return null;
}

export function describe(err: unknown): string {
  if (err instanceof Anthropic.APIConnectionTimeoutError) return 'request timed out';
  if (err instanceof Anthropic.APIConnectionError) return 'connection failed';
  if (err instanceof Anthropic.APIError) return `HTTP ${err.status ?? '?'}${err.status === 529 ? ' (overloaded)' : ''}`;
  return err instanceof Error ? err.message : String(err);
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(new TicketLensError('job_cancelled', 'Labelling was cancelled.'));
    const t = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        reject(new TicketLensError('job_cancelled', 'Labelling was cancelled.'));
      },
      { once: true },
    );
  });

export async function withRetry<T>(fn: (attempt: number) => Promise<T>, o: RetryOptions): Promise<T> {
  const random = o.random ?? Math.random;
  const cap = o.maxDelayMs ?? 30_000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (o.signal?.aborted) throw new TicketLensError('job_cancelled', 'Labelling was cancelled.');
      if (!retryable(err) || attempt >= o.maxAttempts) throw err;
      const backoff = Math.min(cap, o.baseDelayMs * 2 ** (attempt - 1)) * (0.75 + 0.5 * random());
      const delayMs = Math.min(60_000, retryAfterMs(err) ?? backoff);
      if (o.deadline && Date.now() + delayMs > o.deadline) throw err;
      o.onRetry?.({ attempt, delayMs, reason: describe(err) });
      await sleep(delayMs, o.signal);
    }
  }
}

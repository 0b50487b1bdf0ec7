/**
 * Following one server job from submission to its end, without the editor: progress as short
 * messages (reported only when they change), cancellation asked of the server once the user
 * cancels, and the end as a value. commands/followJob.ts shows it as a progress notification.
 */
import type { JobInfo } from '../shared/api';
import type { ServerClient } from './client';
import { errorMessage } from './errorMessage';

/** `job` is there when the job ran to an end other than success (failed or cancelled). */
export type JobOutcome = { ok: true; job: JobInfo } | { ok: false; cancelled: boolean; message: string; job?: JobInfo };

/** VS Code's CancellationToken has this shape. */
export interface Cancellation {
  readonly isCancellationRequested: boolean;
}

/** "embedding 128/300", "HDBSCAN", or the state before the first progress ("queued"). */
export function progressMessage(j: JobInfo): string {
  const p = j.progress;
  return p ? `${p.stage}${p.total ? ` ${p.done ?? 0}/${p.total}` : ''}` : j.state;
}

export function outcomeOf(final: JobInfo): JobOutcome {
  if (final.state === 'succeeded') return { ok: true, job: final };
  if (final.state === 'cancelled') return { ok: false, cancelled: true, message: 'cancelled; nothing was written.', job: final };
  return { ok: false, cancelled: false, message: final.error?.message ?? final.state, job: final };
}

/** An error before the job could end (refused, or the server unreachable) as an outcome. */
export function failedOutcome(err: unknown): JobOutcome {
  return { ok: false, cancelled: false, message: errorMessage(err) };
}

export async function runJob(client: ServerClient, submit: (c: ServerClient) => Promise<JobInfo>, report: (message: string) => void, cancel: Cancellation): Promise<JobOutcome> {
  try {
    const job = await submit(client);
    let last = '';
    const final = await client.waitForJob(
      job.id,
      (j) => {
        const message = progressMessage(j);
        if (message !== last) report(message);
        last = message;
      },
      () => cancel.isCancellationRequested,
    );
    return outcomeOf(final);
  } catch (err) {
    return failedOutcome(err);
  }
}

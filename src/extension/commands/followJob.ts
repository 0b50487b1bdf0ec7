/**
 * One way to run a server job from a command: a cancellable progress notification that shows the
 * job's stage, a clear error if the server dies meanwhile (Ctx.track), and the final JobInfo.
 */
import * as vscode from 'vscode';
import type { JobInfo } from '../../shared/api';
import type { ServerClient } from '../client';
import type { Ctx } from '../ctx';

export type JobOutcome = { ok: true; job: JobInfo } | { ok: false; cancelled: boolean; message: string };

export function followJob(ctx: Ctx, title: string, submit: (c: ServerClient) => Promise<JobInfo>): Promise<JobOutcome> {
  return Promise.resolve(
    vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token): Promise<JobOutcome> => {
      try {
        const final = await ctx.track(async (c) => {
          const job = await submit(c);
          let last = '';
          return c.waitForJob(
            job.id,
            (j) => {
              const p = j.progress;
              const msg = p ? `${p.stage}${p.total ? ` ${p.done ?? 0}/${p.total}` : ''}` : j.state;
              if (msg !== last) progress.report({ message: msg });
              last = msg;
            },
            () => token.isCancellationRequested,
          );
        });
        if (final.state === 'succeeded') return { ok: true, job: final };
        if (final.state === 'cancelled') return { ok: false, cancelled: true, message: 'cancelled; nothing was written.' };
        return { ok: false, cancelled: false, message: final.error?.message ?? `${final.state}` };
      } catch (err) {
        return { ok: false, cancelled: false, message: err instanceof Error ? err.message : String(err) };
      }
    }),
  );
}

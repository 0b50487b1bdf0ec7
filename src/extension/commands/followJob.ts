/**
 * One way to run a server job from a command: a cancellable progress notification that shows the
 * job's stage (runJob.ts), a clear error if the server dies meanwhile (Ctx.track), and the outcome.
 */
import * as vscode from 'vscode';
import type { JobInfo } from '../../shared/api';
import type { ServerClient } from '../client';
import type { Ctx } from '../ctx';
import { failedOutcome, runJob, type JobOutcome } from '../runJob';

export async function followJob(ctx: Ctx, title: string, submit: (c: ServerClient) => Promise<JobInfo>): Promise<JobOutcome> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
    try {
      return await ctx.track((c) => runJob(c, submit, (message) => progress.report({ message }), token));
    } catch (err) {
      return failedOutcome(err);
    }
  });
}

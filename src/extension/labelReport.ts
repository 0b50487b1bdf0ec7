/**
 * What to tell the user when a labelling job ends: how many clusters Claude labelled, why sending
 * stopped early (a cap or the time limit), and when Claude refused the key or the model, the
 * server's reason with the action that fixes it. Without the editor, so it can be tested.
 */
import { LabelResult } from '../shared/api';
import type { JobOutcome } from './runJob';

export const SET_API_KEY = 'Set API Key';
export const CHOOSE_MODEL = 'Choose a Model';

export interface LabelReport {
  severity: 'info' | 'warning' | 'error';
  message: string;
  /** A button on the message; the command runs it when picked. */
  action: typeof SET_API_KEY | typeof CHOOSE_MODEL | null;
}

/** The refusals that stop a job (every later request would get them too), and what fixes each. */
const REFUSALS = new Map<string, LabelReport['action']>([
  ['llm_auth_failed', SET_API_KEY],
  ['llm_forbidden', CHOOSE_MODEL],
  ['llm_model_not_found', CHOOSE_MODEL],
]);

export function labelReport(outcome: JobOutcome): LabelReport {
  if (outcome.ok) {
    const r = LabelResult.safeParse(outcome.job.result);
    if (!r.success) return { severity: 'error', message: `unexpected result from the server: ${r.error.message}`, action: null };
    const counts = `${r.data.labelled} clusters labelled by Claude, ${r.data.keywordFallback} with keywords (${r.data.costUsd === null ? 'no price known for this model' : `$${r.data.costUsd.toFixed(3)}`})`;
    if (r.data.stopped) return { severity: 'warning', message: `labelling stopped early: ${r.data.stopped.message}. ${counts}; run it again to continue.`, action: null };
    return { severity: 'info', message: `${counts}.`, action: null };
  }
  const final = outcome.job;
  if (!final) return { severity: 'error', message: outcome.message, action: null };
  const action = final.error ? REFUSALS.get(final.error.code) : undefined;
  if (final.error && action) return { severity: 'error', message: `labelling stopped: ${final.error.message} Finished labels are kept.`, action };
  return { severity: 'warning', message: `labelling ${final.state}${final.error ? `: ${final.error.message}` : ''}. Finished labels are kept; run it again to resume.`, action: null };
}

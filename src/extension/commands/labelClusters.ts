/**
 * Ticket Lens: Label Clusters with Claude — shows the token and cost estimate and offers the exact
 * (redacted) text that would be sent before anything leaves the machine. The API key comes from
 * SecretStorage and travels to the local server in the request only.
 */
import * as vscode from 'vscode';
import { LabelResult, type LabelEstimate, type LoadedRun } from '../../shared/api';
import type { ServerClient } from '../client';
import { readConfig } from '../config';
import type { Ctx } from '../ctx';
import type { RunsTree } from '../views/runsTree';
import { followJob } from './followJob';
import { API_KEY_SECRET } from './setApiKey';
import { showError } from './showError';

export async function labelClusters(ctx: Ctx, tree: RunsTree, node?: { run: LoadedRun }): Promise<void> {
  let run: LoadedRun | undefined;
  try {
    run = node?.run ?? (await tree.latestRun());
  } catch (err) {
    showError(ctx.log, 'finding the latest run', err);
    return;
  }
  if (!run) {
    void vscode.window.showInformationMessage('Ticket Lens: cluster a CSV first.');
    return;
  }
  const runDir = run.runDir;
  const config = readConfig(ctx.log);
  const options = { model: config.claudeModel, concurrency: config.concurrency, redact: config.redactPii };
  let client: ServerClient;
  let est: LabelEstimate;
  let key: string | null;
  try {
    client = await ctx.client();
    key = (await ctx.extension.secrets.get(API_KEY_SECRET)) ?? null;
    est = await client.labelEstimate(runDir, options);
  } catch (err) {
    showError(ctx.log, `estimating the labelling of ${runDir}`, err);
    return;
  }
  if (est.clusters === 0) {
    void vscode.window.showInformationMessage('Ticket Lens: every cluster of this run is already labelled.');
    return;
  }
  const what = key
    ? `Label ${est.clusters} clusters with ${est.model}: about ${est.inputTokens.toLocaleString()} input and ${est.outputTokens.toLocaleString()} output tokens (~$${est.costUsd.toFixed(3)}). ${config.redactPii ? 'Personal data is redacted first.' : 'PII redaction is OFF.'}`
    : 'No Anthropic API key is set: clusters get keyword labels. Set one with "Ticket Lens: Set Anthropic API Key".';
  for (;;) {
    const pick = await vscode.window.showInformationMessage(what, { modal: true }, key ? 'Label' : 'Use Keyword Labels', 'Preview What Is Sent');
    if (pick === 'Preview What Is Sent') {
      try {
        const preview = await client.labelPreview(runDir, options);
        const body = preview.requests.map((r) => `--- ${r.cluster} (redacted: ${JSON.stringify(r.redactions)})\n${r.prompt}`).join('\n\n');
        const doc = await vscode.workspace.openTextDocument({ content: `System prompt:\n${preview.requests[0]?.system ?? ''}\n\n${body}`, language: 'markdown' });
        await vscode.window.showTextDocument(doc, { preview: true });
      } catch (err) {
        showError(ctx.log, `previewing the labelling of ${runDir}`, err);
        return;
      }
      continue;
    }
    if (!pick) return;
    break;
  }
  const outcome = await followJob(ctx, 'Labelling clusters', (c) => c.label(runDir, key, options));
  if (outcome.ok) {
    const r = LabelResult.safeParse(outcome.job.result);
    if (r.success) void vscode.window.showInformationMessage(`Ticket Lens: ${r.data.labelled} clusters labelled by Claude, ${r.data.keywordFallback} with keywords ($${r.data.costUsd.toFixed(3)}).`);
    else showError(ctx.log, `labelling ${runDir}`, `unexpected result from the server: ${r.error.message}`);
  } else if (outcome.job) {
    const final = outcome.job;
    ctx.log.warn(`labelling ${runDir} ${final.state}${final.error ? `: ${final.error.message}` : ''}`);
    void vscode.window.showWarningMessage(`Ticket Lens: labelling ${final.state}${final.error ? `: ${final.error.message}` : ''}. Finished labels are kept; run it again to resume.`);
  } else {
    showError(ctx.log, `labelling ${runDir}`, outcome.message);
  }
  tree.refresh();
}

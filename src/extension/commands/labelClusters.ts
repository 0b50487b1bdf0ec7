/**
 * Ticket Lens: Label Clusters with Claude — shows the token and cost estimate and offers the exact
 * (redacted) text that would be sent before anything leaves the machine. The API key comes from
 * SecretStorage and travels to the local server in the request only.
 */
import * as vscode from 'vscode';
import { LabelResult } from '../../shared/api';
import { readConfig } from '../config';
import type { Ctx } from '../ctx';
import type { LoadedRunView, RunsTree } from '../views/runsTree';
import { API_KEY_SECRET } from './setApiKey';

export async function labelClusters(ctx: Ctx, tree: RunsTree, node?: { run: LoadedRunView }): Promise<void> {
  const run = node?.run ?? (await tree.latestRun());
  if (!run) {
    void vscode.window.showInformationMessage('Ticket Lens: cluster a CSV first.');
    return;
  }
  const config = readConfig();
  const options = { model: config.claudeModel, concurrency: config.concurrency, redact: config.redactPii };
  const client = await ctx.client();
  const key = (await ctx.extension.secrets.get(API_KEY_SECRET)) ?? null;
  const est = await client.labelEstimate(run.runDir, options);
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
      const preview = await client.labelPreview(run.runDir, options);
      const body = preview.requests.map((r) => `--- ${r.cluster} (redacted: ${JSON.stringify(r.redactions)})\n${r.prompt}`).join('\n\n');
      const doc = await vscode.workspace.openTextDocument({ content: `System prompt:\n${preview.requests[0]?.system ?? ''}\n\n${body}`, language: 'markdown' });
      await vscode.window.showTextDocument(doc, { preview: true });
      continue;
    }
    if (!pick) return;
    break;
  }
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Labelling clusters', cancellable: true }, async (progress, token) => {
    try {
      const final = await ctx.track(async (c) => {
        const job = await c.label(run.runDir, key, options);
        return c.waitForJob(job.id, (j) => j.progress && progress.report({ message: `${j.progress.stage} ${j.progress.done ?? ''}/${j.progress.total ?? ''}` }), () => token.isCancellationRequested);
      });
      if (final.state !== 'succeeded') {
        void vscode.window.showWarningMessage(`Ticket Lens: labelling ${final.state}${final.error ? `: ${final.error.message}` : ''}. Finished labels are kept; run it again to resume.`);
      } else {
        const r = LabelResult.parse(final.result);
        void vscode.window.showInformationMessage(`Ticket Lens: ${r.labelled} clusters labelled by Claude, ${r.keywordFallback} with keywords ($${r.costUsd.toFixed(3)}).`);
      }
    } catch (err) {
      void vscode.window.showErrorMessage(`Ticket Lens: ${(err as Error).message}`);
    }
    tree.refresh();
  });
}

/**
 * Ticket Lens: Label Clusters with Claude — shows the token and cost estimate and offers the exact
 * (redacted) text that would be sent before anything leaves the machine. The API key comes from
 * SecretStorage and travels to the local server in the request only.
 */
import * as vscode from 'vscode';
import type { LabelEstimate, LoadedRun } from '../../shared/api';
import { storedKey } from '../apiKey';
import type { ServerClient } from '../client';
import { readConfig } from '../config';
import type { Ctx } from '../ctx';
import { CHOOSE_MODEL, labelReport, SET_API_KEY } from '../labelReport';
import { labelOptions, type Config } from '../settings';
import type { RunsTree } from '../views/runsTree';
import { chooseClaudeModel } from './claudeModel';
import { followJob } from './followJob';
import { showError } from './showError';

/** "Stops at 200,000 tokens, $1.00 or 10 minutes." for the caps that are set, else "". */
function limits(config: Config): string {
  const caps = [
    config.maxTokens > 0 ? `${config.maxTokens.toLocaleString()} tokens` : '',
    config.budgetUsd > 0 ? `$${config.budgetUsd.toFixed(2)}` : '',
    config.deadlineMinutes > 0 ? `${config.deadlineMinutes} minutes` : '',
  ].filter(Boolean);
  return caps.length ? ` Stops at ${caps.length > 1 ? `${caps.slice(0, -1).join(', ')} or ${caps[caps.length - 1]}` : caps[0]}.` : '';
}

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
  const options = labelOptions(config);
  let client: ServerClient;
  let est: LabelEstimate;
  let key: string | null;
  try {
    client = await ctx.client();
    key = await storedKey(ctx.extension);
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
    ? `Label ${est.clusters} clusters with ${est.model}: about ${est.inputTokens.toLocaleString()} input and ${est.outputTokens.toLocaleString()} output tokens (${est.costUsd === null ? 'no price known for this model' : `~$${est.costUsd.toFixed(3)}`}).${limits(config)} ${config.redactPii ? 'Personal data is redacted first.' : 'PII redaction is OFF.'}`
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
  tree.refresh();
  const report = labelReport(outcome);
  if (report.severity === 'error') ctx.log.error(`labelling ${runDir}: ${report.message}`);
  else if (report.severity === 'warning') ctx.log.warn(`labelling ${runDir}: ${report.message}`);
  const message = `Ticket Lens: ${report.message}`;
  if (!report.action) {
    if (report.severity === 'error') void vscode.window.showErrorMessage(message);
    else if (report.severity === 'warning') void vscode.window.showWarningMessage(message);
    else void vscode.window.showInformationMessage(message);
    return;
  }
  const pick = await vscode.window.showErrorMessage(message, report.action);
  if (pick === SET_API_KEY) await vscode.commands.executeCommand('ticketLens.setApiKey');
  else if (pick === CHOOSE_MODEL) await chooseClaudeModel(ctx);
}

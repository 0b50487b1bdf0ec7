/**
 * Ticket Lens: Tag Rows with Claude — on a CSV in the explorer, or on a run or a cluster in the
 * cluster browser (then only that run's rows, or that cluster's). Asks for the label set and the
 * sample size, shows the cost estimate of the exact (redacted) requests before anything leaves the
 * machine — with the first request a click away — then follows the job with Cancel; the answered rows
 * are kept and a rerun resumes. On request the same job then trains a local classifier from the tags
 * that classifies every row (predictions.csv), offered for Classify Selection. The API key comes from
 * SecretStorage and travels to the local server in the request only.
 */
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LabelsFile, type LoadedRun } from '../../shared/api';
import { DEFAULT_TAG_SAMPLE, TagSummary, TagTrainResult, type TagOptionsInput } from '../../shared/tag';
import { storedKey } from '../apiKey';
import { readConfig } from '../config';
import type { Ctx } from '../ctx';
import { SET_API_KEY } from '../labelReport';
import { distilReport, tagReport } from '../tagReport';
import { USE_FOR_CLASSIFY_SELECTION, useForClassifySelection } from '../useForClassifySelection';
import type { Node } from '../views/runsTree';
import { pickTextColumn, previewForPicks } from './columnPicks';
import { followJob } from './followJob';
import { showError } from './showError';

/** The built-in sets the server ships (server/classify/labelSets/); the server checks the name. */
const BUILTIN_SETS = ['category', 'priority', 'sentiment', 'department'];
const SAMPLE_SIZES = [100, 250, DEFAULT_TAG_SAMPLE, 1000];

type Target = { csvPath: string; textColumn: string | null; workspace: string; run: LoadedRun | null; clusters: string[] | null };

function workspaceOf(file: string): string {
  return vscode.workspace.getWorkspaceFolder(vscode.Uri.file(file))?.uri.fsPath ?? path.dirname(file);
}

function targetOf(arg: vscode.Uri | Node | undefined): Target | undefined {
  if (arg instanceof vscode.Uri) return { csvPath: arg.fsPath, textColumn: null, workspace: workspaceOf(arg.fsPath), run: null, clusters: null };
  if (arg && (arg.kind === 'run' || arg.kind === 'cluster')) {
    const input = arg.run.manifest.input;
    return { csvPath: input.path, textColumn: input.textColumn, workspace: workspaceOf(input.path), run: arg.run, clusters: arg.kind === 'cluster' ? [arg.cluster.id] : null };
  }
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active?.scheme === 'file' && active.fsPath.toLowerCase().endsWith('.csv')) return { csvPath: active.fsPath, textColumn: null, workspace: workspaceOf(active.fsPath), run: null, clusters: null };
  return undefined;
}

/** The workspace's own sets (read through the contract's schema); none when the file is absent or invalid — the server names the problem. */
async function workspaceSets(workspace: string): Promise<{ name: string; description: string }[]> {
  try {
    const file = LabelsFile.safeParse(JSON.parse(await readFile(path.join(workspace, '.ticket-lens', 'labels.json'), 'utf8')));
    return file.success ? file.data.sets.map((s) => ({ name: s.name, description: `${s.multiLabel ? 'multi-label: ' : ''}${s.labels.map((l) => l.name).join(', ')}` })) : [];
  } catch {
    return [];
  }
}

async function pickLabelSet(workspace: string): Promise<string | undefined> {
  const own = await workspaceSets(workspace);
  const picks: vscode.QuickPickItem[] = [
    ...own.map((s) => ({ label: s.name, description: '.ticket-lens/labels.json', detail: s.description })),
    ...BUILTIN_SETS.filter((b) => !own.some((s) => s.name === b)).map((b) => ({ label: b, description: 'built-in' })),
  ];
  return (await vscode.window.showQuickPick(picks, { title: 'Tag Rows with Claude: the label set', ignoreFocusOut: true }))?.label;
}

async function pickSample(scope: string): Promise<{ sample: number; all: boolean } | undefined> {
  const picks = [
    ...SAMPLE_SIZES.map((n) => ({ label: `${n.toLocaleString()} rows`, description: n === DEFAULT_TAG_SAMPLE ? 'a diverse sample (default)' : 'a diverse sample', n })),
    { label: 'All rows', description: `every row of ${scope}`, n: 0 },
  ];
  const ordered = [picks[SAMPLE_SIZES.indexOf(DEFAULT_TAG_SAMPLE)], ...picks.filter((p) => p.n !== DEFAULT_TAG_SAMPLE)];
  const p = await vscode.window.showQuickPick(ordered, { title: 'Tag Rows with Claude: how many rows', ignoreFocusOut: true });
  return p ? { sample: p.n || DEFAULT_TAG_SAMPLE, all: p.n === 0 } : undefined;
}

/** Whether the job goes on to train a local classifier from the tags. */
async function pickTrain(): Promise<boolean | undefined> {
  const picks = [
    { label: 'Tag only', detail: 'Claude tags the chosen rows into tags.csv.', train: false },
    {
      label: 'Tag and train a classifier',
      detail: 'Then a local classifier learns from the tags and classifies every row on this machine (predictions.csv), its agreement with Claude measured on tags it did not learn from.',
      train: true,
    },
  ];
  return (await vscode.window.showQuickPick(picks, { title: 'Tag Rows with Claude: train a local classifier from the tags?', ignoreFocusOut: true }))?.train;
}

const OPEN_TAGS = 'Open tags.csv';
const OPEN_PREDICTIONS = 'Open Predictions';

const usd = (x: number | null) => (x === null ? 'no price known for this model' : `~$${x.toFixed(3)}`);

export async function tagRows(ctx: Ctx, arg?: vscode.Uri | Node): Promise<void> {
  const target = targetOf(arg);
  if (!target) {
    void vscode.window.showInformationMessage('Ticket Lens: right-click a CSV, or a run or cluster in the cluster browser, to tag its rows.');
    return;
  }
  let textColumn = target.textColumn;
  if (!textColumn) {
    const preview = await previewForPicks(ctx, vscode.Uri.file(target.csvPath));
    if (!preview) return;
    textColumn = (await pickTextColumn(preview, undefined, 'Tag Rows with Claude: the text column'))?.picked.label ?? null;
    if (!textColumn) return;
  }
  const labelSet = await pickLabelSet(target.workspace);
  if (!labelSet) return;
  const scope = target.clusters ? `cluster ${target.clusters.join(', ')}` : path.basename(target.csvPath);
  const size = await pickSample(scope);
  if (!size) return;
  const train = await pickTrain();
  if (train === undefined) return;
  const key = await storedKey(ctx.extension);
  if (!key) {
    const pick = await vscode.window.showWarningMessage('Ticket Lens: tagging needs an Anthropic API key.', SET_API_KEY);
    if (pick === SET_API_KEY) await vscode.commands.executeCommand('ticketLens.setApiKey');
    return;
  }
  const config = readConfig(ctx.log);
  const options: TagOptionsInput = {
    csvPath: target.csvPath,
    textColumn,
    labelSet,
    workspace: target.workspace,
    sample: size.sample,
    all: size.all,
    runDir: target.run?.runDir ?? null,
    clusters: target.clusters,
    model: config.claudeModel,
    concurrency: config.concurrency,
    redact: config.redactPii,
    budgetUsd: config.budgetUsd > 0 ? config.budgetUsd : null,
    maxTokens: config.maxTokens > 0 ? config.maxTokens : null,
  };

  // The estimate of the very requests the job would send; nothing leaves the machine for it.
  const planned = await followJob(ctx, 'Ticket Lens: estimating the tagging', (c) => c.tag({ options: { ...options, dryRun: true } }));
  if (!planned.ok) {
    if (!planned.cancelled) showError(ctx.log, `estimating the tagging of ${target.csvPath}`, planned.message);
    return;
  }
  const plan = TagSummary.parse(planned.job.result);
  const e = plan.estimate;
  if (e.requests === 0 && !train) {
    void vscode.window.showInformationMessage(`Ticket Lens: all ${plan.selected} chosen rows are already tagged into "${labelSet}" (${plan.tagsCsv}).`);
    return;
  }
  const then = train ? ' Then a local classifier is trained on the tags and classifies every row.' : '';
  const what = `Tag ${e.rows.toLocaleString()} rows of ${scope} into "${labelSet}" with ${e.model} (${plan.sample.method === 'stratified' ? 'stratified over the clusters' : plan.sample.method === 'random' ? 'a random sample' : 'every row'}${plan.resumed ? `; ${plan.resumed} already tagged` : ''}): ${e.requests} requests, about ${e.inputTokens.toLocaleString()} input and ${e.outputTokens.toLocaleString()} output tokens (${usd(e.costUsd)}). ${config.redactPii ? 'Personal data is redacted first.' : 'PII redaction is OFF.'}${then}`;
  // With every chosen row tagged already, training sends nothing: no cost to confirm.
  while (e.requests > 0) {
    const pick = await vscode.window.showInformationMessage(what, { modal: true }, 'Tag', 'Preview What Is Sent');
    if (!pick) return;
    if (pick === 'Tag') break;
    const p = plan.preview;
    const doc = await vscode.workspace.openTextDocument({ content: `System prompt:\n${p?.system ?? ''}\n\nFirst request (${p?.rows ?? 0} rows; redacted: ${JSON.stringify(p?.redactions ?? {})}):\n${p?.prompt ?? ''}`, language: 'markdown' });
    await vscode.window.showTextDocument(doc, { preview: true });
  }

  const title = train ? `Tagging rows into "${labelSet}" with Claude, then training a classifier` : `Tagging rows into "${labelSet}" with Claude`;
  const outcome = await followJob(ctx, title, (c) => c.tag({ options, apiKey: key, train }));
  if (!outcome.ok) {
    if (outcome.cancelled) void vscode.window.showInformationMessage(`Ticket Lens: tagging cancelled; the rows answered so far are kept in ${plan.tagsCsv}, and tagging again resumes.`);
    else showError(ctx.log, `${train ? 'tagging and training on' : 'tagging'} ${target.csvPath}`, outcome.message);
    return;
  }
  const result = train ? TagTrainResult.parse(outcome.job.result) : { tag: TagSummary.parse(outcome.job.result), distil: null };
  const s = result.tag;
  for (const f of s.failed.slice(0, 20)) ctx.log.warn(`tagging ${target.csvPath}: row ${f.row}: ${f.reason}`);
  const report = tagReport(s);
  const d = result.distil;
  const message = `Ticket Lens: ${report.message}${d ? ` ${distilReport(d)}` : ''}`;
  const actions = d ? [USE_FOR_CLASSIFY_SELECTION, OPEN_PREDICTIONS, OPEN_TAGS] : [OPEN_TAGS];
  const pick = report.severity === 'info' ? await vscode.window.showInformationMessage(message, ...actions) : await vscode.window.showWarningMessage(message, ...actions);
  if (pick === OPEN_TAGS) await vscode.window.showTextDocument(vscode.Uri.file(s.tagsCsv));
  else if (d && pick === OPEN_PREDICTIONS) await vscode.window.showTextDocument(vscode.Uri.file(d.predictionsCsv));
  else if (d && pick === USE_FOR_CLASSIFY_SELECTION) await useForClassifySelection(ctx.log, d.modelPath);
}

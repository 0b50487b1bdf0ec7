/**
 * Ticket Lens: Evaluate Classifier — on a labelled CSV, pick the text column, the label column and the
 * classifier (the configured one, the shipped ones, the .tlc files in the workspace), and, when the
 * classifier has several tasks and none is named like the column, the task to judge; then a
 * cancellable progress notification that follows the server job, and the evaluation webview.
 * The answers are remembered per file.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Evaluation } from '../../shared/evaluation';
import { readConfig } from '../config';
import type { Ctx } from '../ctx';
import { EvaluationPanel } from '../panels/evaluationPanel';
import { modelRef } from './classifySelection';
import { columnPicks, pickTextColumn, previewForPicks } from './columnPicks';
import { followJob } from './followJob';
import { showError } from './showError';

interface Remembered {
  textColumn: string;
  labelColumn: string;
  model: string;
  task?: string;
}

/** Scripts and tests pass the answers; `quiet` leaves the webview closed. */
export type EvaluateArgs = Remembered & { folds?: number; quiet?: boolean };

/** `args` skips the questions; the evaluation is returned either way. */
export async function evaluateClassifier(ctx: Ctx, uri?: vscode.Uri, args?: EvaluateArgs): Promise<Evaluation | undefined> {
  const target = uri ?? vscode.window.activeTextEditor?.document.uri;
  if (!target || path.extname(target.fsPath).toLowerCase() !== '.csv') {
    void vscode.window.showErrorMessage('Ticket Lens: open or select a .csv file with a text column and a label column to evaluate a classifier on.');
    return undefined;
  }
  const choice = args ?? (await ask(ctx, target));
  if (!choice) return undefined;
  const outcome = await followJob(ctx, `Evaluating ${path.basename(choice.model)} on ${path.basename(target.fsPath)}`, (c) =>
    c.evaluate({ csvPath: target.fsPath, textColumn: choice.textColumn, labelColumn: choice.labelColumn, model: choice.model, task: choice.task, folds: args?.folds }),
  );
  if (!outcome.ok) {
    if (outcome.cancelled) void vscode.window.showInformationMessage('Ticket Lens: evaluation cancelled.');
    else showError(ctx.log, `evaluating ${choice.model} on ${target.fsPath}`, outcome.message);
    return undefined;
  }
  const evaluation = Evaluation.parse(outcome.job.result);
  if (!args?.quiet) EvaluationPanel.show(ctx, evaluation);
  return evaluation;
}

interface ModelPick extends vscode.QuickPickItem {
  ref: string;
}

/** The configured classifier first, then the shipped ones, then the workspace's .tlc files. */
async function modelPicks(ctx: Ctx, remembered: string | undefined): Promise<ModelPick[]> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const configured = readConfig(ctx.log).classifierModel;
  const picks: ModelPick[] = [];
  const add = (ref: string, description: string) => {
    if (ref && !picks.some((p) => p.ref === ref)) picks.push({ label: path.basename(ref, '.tlc'), description, detail: /[\\/]/.test(ref) ? ref : undefined, ref });
  };
  if (configured) add(modelRef(configured, folder), 'the Classify Selection classifier');
  const shipped = vscode.Uri.joinPath(ctx.extension.extensionUri, 'models', 'classifiers');
  const entries = await vscode.workspace.fs.readDirectory(shipped).then(
    (e) => e,
    () => [] as [string, vscode.FileType][],
  );
  for (const [name] of entries.filter(([n]) => n.endsWith('.tlc')).sort()) add(name.replace(/\.tlc$/, ''), 'shipped');
  for (const f of await vscode.workspace.findFiles('**/*.tlc', '**/node_modules/**', 200)) add(f.fsPath, 'in the workspace');
  const first = remembered ? picks.find((p) => p.ref === remembered) : undefined;
  return first ? [first, ...picks.filter((p) => p !== first)] : picks;
}

/** The classifier's tasks, from one prediction through the typed client (the extension reads no model file). */
async function tasksOf(ctx: Ctx, model: string): Promise<string[]> {
  const r = await (await ctx.client()).classify({ texts: ['task names'], models: [model], reject: false });
  return r.results[0]?.tasks.map((t) => t.task) ?? [];
}

async function ask(ctx: Ctx, target: vscode.Uri): Promise<Remembered | undefined> {
  const preview = await previewForPicks(ctx, target);
  if (!preview) return undefined;
  const key = `evaluate:${target.fsPath}`;
  const saved = ctx.extension.workspaceState.get<Remembered>(key);
  const asked = await pickTextColumn(preview, saved?.textColumn, 'Evaluate Classifier (1/3): the text column');
  if (!asked) return undefined;
  const others = columnPicks(preview, -1).filter((c) => c.index !== asked.picked.index);
  const rememberedLabel = others.find((c) => c.label === saved?.labelColumn);
  const label = await vscode.window.showQuickPick(rememberedLabel ? [rememberedLabel, ...others.filter((c) => c !== rememberedLabel)] : others, {
    title: 'Evaluate Classifier (2/3): the label column (the labels to judge the classifier against)',
    ignoreFocusOut: true,
  });
  if (!label) return undefined;
  const model = await vscode.window.showQuickPick(modelPicks(ctx, saved?.model), { title: 'Evaluate Classifier (3/3): the classifier', ignoreFocusOut: true });
  if (!model) return undefined;
  let task: string | undefined;
  try {
    const tasks = await tasksOf(ctx, model.ref);
    if (tasks.length > 1 && !tasks.includes(label.label)) {
      const ordered = saved?.task && tasks.includes(saved.task) ? [saved.task, ...tasks.filter((t) => t !== saved.task)] : tasks;
      task = await vscode.window.showQuickPick(ordered, { title: `Evaluate Classifier: which of ${model.label}'s tasks do the labels in “${label.label}” judge?`, ignoreFocusOut: true });
      if (!task) return undefined;
    }
  } catch (err) {
    showError(ctx.log, `loading the classifier ${model.ref}`, err);
    return undefined;
  }
  const choice: Remembered = { textColumn: asked.picked.label, labelColumn: label.label, model: model.ref, ...(task ? { task } : {}) };
  await ctx.extension.workspaceState.update(key, choice);
  return choice;
}

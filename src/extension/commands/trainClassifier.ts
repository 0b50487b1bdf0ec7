/**
 * Ticket Lens: Train Classifier from CSV, and the end of the review loop, "Use Reviewed Clusters as
 * Labels": the server writes the reviewed clusters' rows as a labelled CSV, then trains on it. Both
 * end with the option to make the new model the one Classify Selection uses.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { TrainResult, type CsvPreview, type ExportLabelsResult, type LoadedRun } from '../../shared/api';
import type { Ctx } from '../ctx';
import { USE_FOR_CLASSIFY_SELECTION, useForClassifySelection } from '../useForClassifySelection';
import type { RunsTree } from '../views/runsTree';
import { guessTextColumn } from './clusterCsv';
import { followJob } from './followJob';
import { showError } from './showError';

export interface TrainArgs {
  textColumn: string;
  labelColumns: string[];
  multiLabelColumns?: string[];
  outPath?: string;
  /** Make it the Classify Selection model without asking. */
  use?: boolean;
}

const slug = (s: string) => s.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'model';

function modelsDir(anchor: vscode.Uri): string {
  const folder = vscode.workspace.getWorkspaceFolder(anchor)?.uri.fsPath ?? path.dirname(anchor.fsPath);
  return path.join(folder, '.ticket-lens', 'models');
}

/** Asks for the columns (text auto-detected, label columns multi-select) and the model's name. */
async function pickColumns(preview: CsvPreview, csv: vscode.Uri): Promise<TrainArgs | undefined> {
  const guess = guessTextColumn(preview);
  const sample = (i: number) => preview.rows.slice(0, 4).map((r) => (r[i] ?? '').replace(/\s+/g, ' ').slice(0, 40)).join(' · ');
  const cols = preview.header.map((h, i) => ({ label: h, description: i === guess ? '(detected)' : undefined, detail: sample(i), index: i }));
  const text = await vscode.window.showQuickPick([cols[guess], ...cols.filter((_, i) => i !== guess)], { title: 'Train Classifier (1/3): the text column', ignoreFocusOut: true });
  if (!text) return undefined;
  const labels = await vscode.window.showQuickPick(
    cols.filter((c) => c.index !== text.index),
    { title: 'Train Classifier (2/3): label columns — one head per column', canPickMany: true, ignoreFocusOut: true },
  );
  if (!labels?.length) return undefined;
  const name = await vscode.window.showInputBox({
    title: 'Train Classifier (3/3): model name',
    value: `${path.basename(csv.fsPath, path.extname(csv.fsPath))}-${labels.map((l) => l.label).join('-')}`,
    prompt: `Saved as <name>.tlc in ${modelsDir(csv)}`,
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() ? null : 'A name is needed'),
  });
  if (!name) return undefined;
  return { textColumn: text.label, labelColumns: labels.map((l) => l.label), outPath: path.join(modelsDir(csv), `${slug(name)}.tlc`) };
}

async function train(ctx: Ctx, csvPath: string, args: TrainArgs & { outPath: string }): Promise<TrainResult | undefined> {
  const outcome = await followJob(ctx, `Training ${path.basename(args.outPath)}`, (c) =>
    c.train({ csvPath, textColumn: args.textColumn, labelColumns: args.labelColumns, multiLabelColumns: args.multiLabelColumns ?? [], outPath: args.outPath }),
  );
  if (!outcome.ok) {
    if (outcome.cancelled) void vscode.window.showInformationMessage(`Ticket Lens: training ${outcome.message}`);
    else showError(ctx.log, `training ${args.outPath}`, outcome.message);
    return undefined;
  }
  const r = TrainResult.parse(outcome.job.result);
  const summary = r.tasks.map((t) => `${t.task} ${t.classes} classes, validation accuracy ${(t.valAccuracy * 100).toFixed(1)}%`).join('; ');
  const use = args.use ?? (await vscode.window.showInformationMessage(`Ticket Lens: trained on ${r.rows} rows — ${summary}.`, USE_FOR_CLASSIFY_SELECTION)) === USE_FOR_CLASSIFY_SELECTION;
  if (use) await useForClassifySelection(ctx.log, r.modelPath);
  return r;
}

export async function trainClassifier(ctx: Ctx, uri?: vscode.Uri, args?: TrainArgs): Promise<TrainResult | undefined> {
  const csv = uri ?? vscode.window.activeTextEditor?.document.uri;
  if (!csv || path.extname(csv.fsPath).toLowerCase() !== '.csv') {
    void vscode.window.showErrorMessage('Ticket Lens: open or select a .csv file with a text column and a label column.');
    return undefined;
  }
  let chosen = args;
  if (!chosen) {
    try {
      chosen = await pickColumns(await (await ctx.client()).csvPreview(csv.fsPath, 20), csv);
    } catch (err) {
      showError(ctx.log, `previewing ${csv.fsPath}`, err);
      return undefined;
    }
    if (!chosen) return undefined;
  }
  const outPath = chosen.outPath ?? path.join(modelsDir(csv), `${slug(`${path.basename(csv.fsPath, '.csv')}-${chosen.labelColumns.join('-')}`)}.tlc`);
  return train(ctx, csv.fsPath, { ...chosen, outPath });
}

export async function useReviewedAsLabels(ctx: Ctx, tree: RunsTree, node?: { run: LoadedRun }, opts?: { use?: boolean }): Promise<TrainResult | undefined> {
  let run: LoadedRun | undefined;
  let exported: ExportLabelsResult;
  try {
    run = node?.run ?? (await tree.latestRun());
    if (!run) {
      void vscode.window.showInformationMessage('Ticket Lens: cluster a CSV first.');
      return undefined;
    }
    exported = await (await ctx.client()).exportLabels({ runDir: run.runDir });
  } catch (err) {
    showError(ctx.log, `exporting the reviewed clusters${run ? ` of ${run.runDir}` : ''}`, err);
    return undefined;
  }
  ctx.log.info(`reviewed labels: ${exported.rows} rows, ${exported.labels.length} labels → ${exported.csvPath}`);
  const input = vscode.Uri.file(run.manifest.input.path);
  return train(ctx, exported.csvPath, {
    textColumn: 'text',
    labelColumns: ['label'],
    outPath: path.join(modelsDir(input), `${slug(path.basename(run.runDir))}-reviewed.tlc`),
    use: opts?.use,
  });
}

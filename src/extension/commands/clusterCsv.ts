/**
 * Ticket Lens: Cluster This CSV — pick the text column (auto-detected, previews shown), an optional
 * label column, depth and minimum cluster size (remembered per file), then a cancellable progress
 * notification that follows the server job stage by stage; opens the cluster browser when done.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ClusterResult } from '../../shared/api';
import { readConfig } from '../config';
import type { Ctx } from '../ctx';
import type { RunsTree } from '../views/runsTree';
import { pickOptionalColumn, pickTextColumn, previewForPicks } from './columnPicks';
import { followJob } from './followJob';
import { showError } from './showError';

interface Remembered {
  textColumn: string;
  labelColumn: string | null;
  depth: number;
  minClusterSize: number | 'auto';
}

export type ClusterArgs = Remembered & { quiet?: boolean };

export { guessTextColumn } from './columnPicks';

/** `args` skips the questions (scripts, tests); the result is returned either way. */
export async function clusterCsv(ctx: Ctx, tree: RunsTree, uri?: vscode.Uri, args?: ClusterArgs): Promise<ClusterResult | undefined> {
  const target = uri ?? vscode.window.activeTextEditor?.document.uri;
  if (!target || path.extname(target.fsPath).toLowerCase() !== '.csv') {
    void vscode.window.showErrorMessage('Ticket Lens: open or select a .csv file to cluster.');
    return undefined;
  }
  const choice = args ?? (await ask(ctx, target));
  if (!choice) return undefined;
  return run(ctx, tree, target, choice, args?.quiet === true);
}

async function ask(ctx: Ctx, target: vscode.Uri): Promise<Remembered | undefined> {
  const preview = await previewForPicks(ctx, target);
  if (!preview) return undefined;
  const key = `cluster:${target.fsPath}`;
  const saved = ctx.extension.workspaceState.get<Remembered>(key);
  const config = readConfig(ctx.log);
  const asked = await pickTextColumn(preview, saved?.textColumn, 'Cluster This CSV (1/4): the text column');
  if (!asked) return undefined;
  const text = asked.picked;
  const label = await pickOptionalColumn(
    asked.columns.filter((c) => c.index !== text.index),
    saved?.labelColumn,
    'no evaluation',
    'Cluster This CSV (2/4): a label column to evaluate against (ARI, NMI, purity)',
  );
  if (!label) return undefined;
  const depthDefault = saved?.depth ?? config.depth;
  const depth = await vscode.window.showQuickPick(
    [1, 2, 3].sort((a, b) => (a === depthDefault ? -1 : b === depthDefault ? 1 : a - b)).map((d) => ({ label: String(d), description: d === 1 ? 'clusters only' : d === 2 ? 'clusters and sub-clusters' : 'three levels', d })),
    { title: 'Cluster This CSV (3/4): depth', ignoreFocusOut: true },
  );
  if (!depth) return undefined;
  const mcsDefault = String(saved?.minClusterSize ?? config.minClusterSize);
  const mcs = await vscode.window.showInputBox({
    title: 'Cluster This CSV (4/4): minimum cluster size',
    prompt: '"auto" sweeps sizes and keeps the most valid one; or a number of rows',
    value: mcsDefault,
    ignoreFocusOut: true,
    validateInput: (v) => (v === 'auto' || (Number.isInteger(Number(v)) && Number(v) >= 2) ? null : 'Enter "auto" or a whole number ≥ 2'),
  });
  if (!mcs) return undefined;
  const choice: Remembered = { textColumn: text.label, labelColumn: label.index >= 0 ? label.label : null, depth: depth.d, minClusterSize: mcs === 'auto' ? 'auto' : Number(mcs) };
  await ctx.extension.workspaceState.update(key, choice);

  return choice;
}

async function run(ctx: Ctx, tree: RunsTree, target: vscode.Uri, choice: Remembered, quiet: boolean): Promise<ClusterResult | undefined> {
  const folder = vscode.workspace.getWorkspaceFolder(target)?.uri.fsPath ?? path.dirname(target.fsPath);
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const outDir = path.join(folder, '.ticket-lens', 'runs', `${path.basename(target.fsPath, '.csv')}-${stamp}`);
  const config = readConfig(ctx.log);
  const outcome = await followJob(ctx, `Clustering ${path.basename(target.fsPath)}`, (c) =>
    c.cluster({
      csvPath: target.fsPath,
      textColumn: choice.textColumn,
      labelColumn: choice.labelColumn,
      outDir,
      params: { depth: choice.depth, minClusterSize: choice.minClusterSize, normalize: config.normalizeText, reassignOutliers: config.reassignOutliers ? 'auto' : null },
    }),
  );
  if (!outcome.ok) {
    if (outcome.cancelled) void vscode.window.showInformationMessage(`Ticket Lens: clustering ${outcome.message}`);
    else showError(ctx.log, `clustering ${target.fsPath}`, outcome.message);
    return undefined;
  }
  const r = ClusterResult.parse(outcome.job.result);
  tree.refresh();
  if (quiet) return r;
  await vscode.commands.executeCommand('ticketLens.clusters.focus');
  const m = r.metrics ? `; against ${r.metrics.label}: ARI ${r.metrics.ari.toFixed(2)}, NMI ${r.metrics.nmi.toFixed(2)}` : '';
  // Not awaited: the command ends when the run is made, whether or not the message is answered.
  void offerNext(ctx, `Ticket Lens: ${r.topClusters} clusters, ${(r.noiseFraction * 100).toFixed(0)}% noise${m}.`);
  return r;
}

async function offerNext(ctx: Ctx, message: string): Promise<void> {
  let open: string | undefined;
  try {
    open = await vscode.window.showInformationMessage(message, 'Open Summary', 'Label with Claude');
    if (open === 'Open Summary') await vscode.commands.executeCommand('ticketLens.openSummary');
    if (open === 'Label with Claude') await vscode.commands.executeCommand('ticketLens.labelClusters');
  } catch (err) {
    showError(ctx.log, open ?? 'the next step', err);
  }
}

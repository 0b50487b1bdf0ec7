/**
 * Ticket Lens: Cluster This CSV — pick the text column (auto-detected, previews shown), an optional
 * label column, depth and minimum cluster size (remembered per file), then a cancellable progress
 * notification that follows the server job stage by stage; opens the cluster browser when done.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ClusterResult, type CsvPreview } from '../../shared/api';
import { readConfig } from '../config';
import type { Ctx } from '../ctx';
import type { RunsTree } from '../views/runsTree';

interface Remembered {
  textColumn: string;
  labelColumn: string | null;
  depth: number;
  minClusterSize: number | 'auto';
}

/** The column with the longest average text is usually the ticket body. */
export function guessTextColumn(p: CsvPreview): number {
  let best = 0;
  let bestLen = -1;
  p.header.forEach((_, i) => {
    const vals = p.rows.map((r) => r[i] ?? '');
    const avg = vals.reduce((s, v) => s + v.length, 0) / Math.max(1, vals.length);
    if (avg > bestLen) {
      bestLen = avg;
      best = i;
    }
  });
  return best;
}

export async function clusterCsv(ctx: Ctx, tree: RunsTree, uri?: vscode.Uri): Promise<void> {
  const target = uri ?? vscode.window.activeTextEditor?.document.uri;
  if (!target || path.extname(target.fsPath).toLowerCase() !== '.csv') {
    void vscode.window.showErrorMessage('Ticket Lens: open or select a .csv file to cluster.');
    return;
  }
  const client = await ctx.client();
  let preview: CsvPreview;
  try {
    preview = await client.csvPreview(target.fsPath, 20);
  } catch (err) {
    void vscode.window.showErrorMessage(`Ticket Lens: ${(err as Error).message}`);
    return;
  }
  const key = `cluster:${target.fsPath}`;
  const saved = ctx.extension.workspaceState.get<Remembered>(key);
  const config = readConfig();
  const guess = saved && preview.header.includes(saved.textColumn) ? preview.header.indexOf(saved.textColumn) : guessTextColumn(preview);
  const sample = (i: number) => preview.rows.slice(0, 3).map((r) => (r[i] ?? '').replace(/\s+/g, ' ').slice(0, 60)).join(' · ');
  const columns = preview.header.map((h, i) => ({ label: h, description: i === guess ? '(detected)' : undefined, detail: sample(i), index: i }));
  const text = await vscode.window.showQuickPick([columns[guess], ...columns.filter((_, i) => i !== guess)], { title: 'Cluster This CSV (1/4): the text column', ignoreFocusOut: true });
  if (!text) return;
  const none = { label: 'None', description: 'no evaluation', index: -1 };
  const labelPicks = [none, ...columns.filter((c) => c.index !== text.index)];
  const savedLabel = saved?.labelColumn ? labelPicks.find((p) => p.label === saved.labelColumn) : undefined;
  const label = await vscode.window.showQuickPick(savedLabel ? [savedLabel, ...labelPicks.filter((p) => p !== savedLabel)] : labelPicks, {
    title: 'Cluster This CSV (2/4): a label column to evaluate against (ARI, NMI, purity)',
    ignoreFocusOut: true,
  });
  if (!label) return;
  const depthDefault = saved?.depth ?? config.depth;
  const depth = await vscode.window.showQuickPick(
    [1, 2, 3].sort((a, b) => (a === depthDefault ? -1 : b === depthDefault ? 1 : a - b)).map((d) => ({ label: String(d), description: d === 1 ? 'clusters only' : d === 2 ? 'clusters and sub-clusters' : 'three levels', d })),
    { title: 'Cluster This CSV (3/4): depth', ignoreFocusOut: true },
  );
  if (!depth) return;
  const mcsDefault = String(saved?.minClusterSize ?? config.minClusterSize);
  const mcs = await vscode.window.showInputBox({
    title: 'Cluster This CSV (4/4): minimum cluster size',
    prompt: '"auto" sweeps sizes and keeps the most valid one; or a number of rows',
    value: mcsDefault,
    ignoreFocusOut: true,
    validateInput: (v) => (v === 'auto' || (Number.isInteger(Number(v)) && Number(v) >= 2) ? null : 'Enter "auto" or a whole number ≥ 2'),
  });
  if (!mcs) return;
  const choice: Remembered = { textColumn: text.label, labelColumn: label.index >= 0 ? label.label : null, depth: depth.d, minClusterSize: mcs === 'auto' ? 'auto' : Number(mcs) };
  await ctx.extension.workspaceState.update(key, choice);

  const folder = vscode.workspace.getWorkspaceFolder(target)?.uri.fsPath ?? path.dirname(target.fsPath);
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const outDir = path.join(folder, '.ticket-lens', 'runs', `${path.basename(target.fsPath, '.csv')}-${stamp}`);
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Clustering ${path.basename(target.fsPath)}`, cancellable: true },
    async (progress, token) => {
      try {
        const final = await ctx.track(async (c) => {
          const job = await c.cluster({
            csvPath: target.fsPath,
            textColumn: choice.textColumn,
            labelColumn: choice.labelColumn,
            outDir,
            params: { depth: choice.depth, minClusterSize: choice.minClusterSize },
          });
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
        if (final.state === 'cancelled') {
          void vscode.window.showInformationMessage('Ticket Lens: clustering cancelled; nothing was written.');
          return;
        }
        if (final.state !== 'succeeded') {
          void vscode.window.showErrorMessage(`Ticket Lens: ${final.error?.message ?? 'clustering failed'}`);
          return;
        }
        const r = ClusterResult.parse(final.result);
        tree.refresh();
        await vscode.commands.executeCommand('ticketLens.clusters.focus');
        const m = r.metrics ? `; against ${r.metrics.label}: ARI ${r.metrics.ari.toFixed(2)}, NMI ${r.metrics.nmi.toFixed(2)}` : '';
        const open = await vscode.window.showInformationMessage(`Ticket Lens: ${r.topClusters} clusters, ${(r.noiseFraction * 100).toFixed(0)}% noise${m}.`, 'Open Summary', 'Label with Claude');
        if (open === 'Open Summary') await vscode.commands.executeCommand('ticketLens.openSummary');
        if (open === 'Label with Claude') await vscode.commands.executeCommand('ticketLens.labelClusters');
      } catch (err) {
        void vscode.window.showErrorMessage(`Ticket Lens: ${(err as Error).message}`);
      }
    },
  );
}

/** Tree actions: rename, mark reviewed, merge, reveal an example row, open the report or the summary. */
import * as vscode from 'vscode';
import type { LoadedRun, RunEdit } from '../../shared/api';
import type { Ctx } from '../ctx';
import { SummaryPanel } from '../panels/summaryPanel';
import type { Node, RunsTree } from '../views/runsTree';
import { showError } from './showError';

type ClusterNode = Extract<Node, { kind: 'cluster' }>;

async function edit(ctx: Ctx, tree: RunsTree, runDir: string, edits: RunEdit[]): Promise<void> {
  try {
    await (await ctx.client()).editRun(runDir, edits);
    tree.refresh();
  } catch (err) {
    showError(ctx.log, `editing ${runDir}`, err);
  }
}

/** The node's run, else the newest; undefined (with the reason shown) when there is none. */
async function runOf(ctx: Ctx, tree: RunsTree, n?: { run: LoadedRun }): Promise<LoadedRun | undefined> {
  try {
    const run = n?.run ?? (await tree.latestRun());
    if (!run) void vscode.window.showInformationMessage('Ticket Lens: cluster a CSV first.');
    return run;
  } catch (err) {
    showError(ctx.log, 'finding the latest run', err);
    return undefined;
  }
}

export async function renameCluster(ctx: Ctx, tree: RunsTree, n: ClusterNode): Promise<void> {
  const label = await vscode.window.showInputBox({ title: `Rename ${n.cluster.id}`, value: n.cluster.label ?? '', validateInput: (v) => (v.trim() ? null : 'A label cannot be empty') });
  if (label) await edit(ctx, tree, n.run.runDir, [{ op: 'rename', id: n.cluster.id, label }]);
}

export async function markReviewed(ctx: Ctx, tree: RunsTree, n: ClusterNode, reviewed: boolean): Promise<void> {
  await edit(ctx, tree, n.run.runDir, [{ op: 'review', id: n.cluster.id, reviewed }]);
}

export async function mergeClusters(ctx: Ctx, tree: RunsTree, n: ClusterNode, selection?: Node[]): Promise<void> {
  const picked = (selection ?? [n]).filter((s): s is ClusterNode => s.kind === 'cluster');
  if (picked.length < 2) {
    void vscode.window.showInformationMessage('Ticket Lens: select two or more sibling clusters (Ctrl/Cmd+click) to merge.');
    return;
  }
  await edit(ctx, tree, n.run.runDir, [{ op: 'merge', ids: picked.map((p) => p.cluster.id) }]);
}

export async function revealRow(ctx: Ctx, n: { run: { manifest: { input: { path: string } } }; row: number; line?: number }): Promise<void> {
  try {
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(n.run.manifest.input.path));
    const line = Math.max(0, (n.line ?? n.row + 1) - 1);
    const range = doc.lineAt(Math.min(line, doc.lineCount - 1)).range;
    await vscode.window.showTextDocument(doc, { selection: range, preview: true });
  } catch (err) {
    showError(ctx.log, `revealing row ${n.row} of ${n.run.manifest.input.path}`, err);
  }
}

export async function openReport(ctx: Ctx, tree: RunsTree, n?: { run: LoadedRun }): Promise<void> {
  const run = await runOf(ctx, tree, n);
  if (!run) return;
  try {
    await vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.file(`${run.runDir}/summary.md`));
  } catch (err) {
    showError(ctx.log, `opening the report of ${run.runDir}`, err);
  }
}

export async function openSummary(ctx: Ctx, tree: RunsTree, n?: { run: LoadedRun }): Promise<void> {
  const run = await runOf(ctx, tree, n);
  if (run) SummaryPanel.show(ctx, run, () => tree.refresh());
}

/** Tree actions: rename, mark reviewed, merge, reveal an example row, open the report or the summary. */
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { SummaryPanel } from '../panels/summaryPanel';
import type { Node, RunsTree } from '../views/runsTree';

type ClusterNode = Extract<Node, { kind: 'cluster' }>;

async function edit(ctx: Ctx, tree: RunsTree, runDir: string, edits: Parameters<Awaited<ReturnType<Ctx['client']>>['editRun']>[1]): Promise<void> {
  try {
    await (await ctx.client()).editRun(runDir, edits);
    tree.refresh();
  } catch (err) {
    void vscode.window.showErrorMessage(`Ticket Lens: ${(err as Error).message}`);
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

export async function revealRow(n: { run: { manifest: { input: { path: string } } }; row: number; line?: number }): Promise<void> {
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(n.run.manifest.input.path));
  const line = Math.max(0, (n.line ?? n.row + 1) - 1);
  const range = doc.lineAt(Math.min(line, doc.lineCount - 1)).range;
  await vscode.window.showTextDocument(doc, { selection: range, preview: true });
}

export async function openReport(tree: RunsTree, n?: { run: { runDir: string } }): Promise<void> {
  const run = n?.run ?? (await tree.latestRun());
  if (!run) return void vscode.window.showInformationMessage('Ticket Lens: cluster a CSV first.');
  await vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.file(`${run.runDir}/summary.md`));
}

export async function openSummary(ctx: Ctx, tree: RunsTree, n?: { run: Parameters<typeof SummaryPanel.show>[1] }): Promise<void> {
  const run = n?.run ?? (await tree.latestRun());
  if (!run) return void vscode.window.showInformationMessage('Ticket Lens: cluster a CSV first.');
  SummaryPanel.show(ctx, run, () => tree.refresh());
}

/**
 * The cluster browser: runs → clusters (label or keywords, size, purity) → sub-clusters → example
 * rows (see runTreeModel.ts). Runs are found under `.ticket-lens/runs/` in the workspace and read
 * through the server (which validates them); edits go back through the server, the one writer of run files.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LoadedRun } from '../../shared/api';
import type { Ctx } from '../ctx';
import { childNodes, loadRuns, rootNodes, treeItem, type Node } from './runTreeModel';

export type { Node } from './runTreeModel';

const collapsible = {
  none: vscode.TreeItemCollapsibleState.None,
  collapsed: vscode.TreeItemCollapsibleState.Collapsed,
  expanded: vscode.TreeItemCollapsibleState.Expanded,
} as const;

export class RunsTree implements vscode.TreeDataProvider<Node> {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private runs: LoadedRun[] | null = null;

  constructor(private readonly ctx: Ctx) {}

  refresh(): void {
    this.runs = null;
    this.changed.fire(undefined);
  }

  async allRuns(): Promise<LoadedRun[]> {
    if (this.runs) return this.runs;
    const files = await vscode.workspace.findFiles('**/.ticket-lens/runs/*/run.json', '**/node_modules/**', 200);
    if (files.length === 0) return (this.runs = []);
    const client = await this.ctx.client();
    this.runs = await loadRuns(
      files.map((f) => path.dirname(f.fsPath)),
      (dir) => client.loadRun(dir),
      (message) => this.ctx.log.warn(message),
    );
    return this.runs;
  }

  async latestRun(): Promise<LoadedRun | undefined> {
    return (await this.allRuns())[0];
  }

  getTreeItem(n: Node): vscode.TreeItem {
    const m = treeItem(n);
    const item = new vscode.TreeItem(m.label, collapsible[m.collapsible]);
    item.description = m.description;
    item.tooltip = m.markdownTooltip ? new vscode.MarkdownString().appendText(m.tooltip) : m.tooltip;
    item.contextValue = m.contextValue;
    item.iconPath = new vscode.ThemeIcon(m.icon);
    if (m.id !== undefined) item.id = m.id;
    if (m.command) item.command = m.command;
    return item;
  }

  async getChildren(n?: Node): Promise<Node[]> {
    return n ? childNodes(n) : rootNodes(await this.allRuns());
  }
}

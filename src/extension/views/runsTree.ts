/**
 * The cluster browser: runs → clusters (label or keywords, size, purity) → sub-clusters → example
 * rows. Runs are found under `.ticket-lens/runs/` in the workspace and read through the server
 * (which validates them); edits go back through the server, the one writer of run files.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ClusterRecord, RunManifest } from '../../shared/api';
import type { Ctx } from '../ctx';

export interface LoadedRunView {
  runDir: string;
  manifest: RunManifest;
  clusters: ClusterRecord[];
}

export type Node =
  | { kind: 'run'; run: LoadedRunView }
  | { kind: 'cluster'; run: LoadedRunView; cluster: ClusterRecord }
  | { kind: 'example'; run: LoadedRunView; cluster: ClusterRecord; row: number; line: number | undefined; text: string };

export const clusterName = (c: ClusterRecord) => (c.isNoise ? `Noise (${c.id})` : (c.label ?? c.keywords.slice(0, 4).map((k) => k.term).join(', ')) || c.id);

export class RunsTree implements vscode.TreeDataProvider<Node> {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private runs: LoadedRunView[] | null = null;

  constructor(private readonly ctx: Ctx) {}

  refresh(): void {
    this.runs = null;
    this.changed.fire(undefined);
  }

  async allRuns(): Promise<LoadedRunView[]> {
    if (this.runs) return this.runs;
    const files = await vscode.workspace.findFiles('**/.ticket-lens/runs/*/run.json', '**/node_modules/**', 200);
    if (files.length === 0) return (this.runs = []);
    const client = await this.ctx.client();
    const loaded = await Promise.all(
      files.map(async (f) => {
        try {
          const r = await client.loadRun(path.dirname(f.fsPath));
          return { runDir: r.runDir, manifest: r.manifest, clusters: r.clusters };
        } catch (err) {
          this.ctx.log.warn(`skipping ${f.fsPath}: ${(err as Error).message}`);
          return null;
        }
      }),
    );
    this.runs = loaded.filter((r): r is LoadedRunView => r !== null).sort((a, b) => b.manifest.createdAt.localeCompare(a.manifest.createdAt));
    return this.runs;
  }

  async latestRun(): Promise<LoadedRunView | undefined> {
    return (await this.allRuns())[0];
  }

  getTreeItem(n: Node): vscode.TreeItem {
    if (n.kind === 'run') {
      const top = n.run.clusters.filter((c) => c.depth === 1 && !c.isNoise).length;
      const item = new vscode.TreeItem(path.basename(n.run.manifest.input.path), vscode.TreeItemCollapsibleState.Expanded);
      item.description = `${top} clusters · ${n.run.manifest.input.rows} rows · ${new Date(n.run.manifest.createdAt).toLocaleString()}`;
      item.tooltip = `${n.run.runDir}\nlabels: ${n.run.manifest.labelling.state}`;
      item.contextValue = 'run';
      item.iconPath = new vscode.ThemeIcon('graph-scatter');
      return item;
    }
    if (n.kind === 'cluster') {
      const c = n.cluster;
      const hasKids = n.run.clusters.some((k) => k.parent === c.id) || c.examples.length > 0;
      const item = new vscode.TreeItem(clusterName(c), hasKids ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
      const share = ((c.size / n.run.manifest.input.rows) * 100).toFixed(1);
      item.description = `${c.size} rows (${share}%)${c.purity ? ` · ${c.purity.label} ${(c.purity.share * 100).toFixed(0)}%` : ''}${c.reviewed ? ' · reviewed' : ''}`;
      const md = new vscode.MarkdownString();
      md.appendText(`${c.id}${c.description ? `\n${c.description}` : ''}\nkeywords: ${c.keywords.map((k) => k.term).join(', ')}`);
      item.tooltip = md;
      item.contextValue = c.isNoise ? 'noise' : c.reviewed ? 'cluster.reviewed' : 'cluster';
      item.iconPath = new vscode.ThemeIcon(c.isNoise ? 'circle-slash' : c.reviewed ? 'pass-filled' : c.labelSource === 'llm' ? 'sparkle' : 'symbol-namespace');
      item.id = `${n.run.runDir}#${c.id}`;
      return item;
    }
    const item = new vscode.TreeItem(n.text.replace(/\s+/g, ' ').slice(0, 100), vscode.TreeItemCollapsibleState.None);
    item.description = `row ${n.row}`;
    item.tooltip = n.text;
    item.contextValue = 'example';
    item.iconPath = new vscode.ThemeIcon('comment');
    item.command = { command: 'ticketLens.revealRow', title: 'Reveal Row in CSV', arguments: [n] };
    return item;
  }

  async getChildren(n?: Node): Promise<Node[]> {
    if (!n) return (await this.allRuns()).map((run) => ({ kind: 'run' as const, run }));
    if (n.kind === 'run') return n.run.clusters.filter((c) => c.parent === null).map((cluster) => ({ kind: 'cluster' as const, run: n.run, cluster }));
    if (n.kind === 'cluster') {
      const kids: Node[] = n.run.clusters.filter((c) => c.parent === n.cluster.id).map((cluster) => ({ kind: 'cluster' as const, run: n.run, cluster }));
      const examples: Node[] = n.cluster.examples.map((e) => ({ kind: 'example' as const, run: n.run, cluster: n.cluster, row: e.row, line: e.line, text: e.text }));
      return [...kids, ...examples];
    }
    return [];
  }
}

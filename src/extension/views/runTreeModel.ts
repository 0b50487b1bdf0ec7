/**
 * What the cluster browser shows, without the editor: runs (newest first) → top-level clusters →
 * sub-clusters, then example rows. runsTree.ts turns these plain items into VS Code tree items.
 */
import * as path from 'node:path';
import { clusterName, suggestionText, type ClusterRecord, type LoadedRun } from '../../shared/api';
import { errorMessage } from '../errorMessage';

export type Node =
  | { kind: 'run'; run: LoadedRun }
  | { kind: 'cluster'; run: LoadedRun; cluster: ClusterRecord }
  | { kind: 'example'; run: LoadedRun; cluster: ClusterRecord; row: number; line: number | undefined; text: string };

/** Menus in package.json match these (`viewItem == cluster` …). */
export type ContextValue = 'run' | 'cluster' | 'cluster.reviewed' | 'noise' | 'example';

export interface TreeItemModel {
  label: string;
  collapsible: 'none' | 'collapsed' | 'expanded';
  description: string;
  tooltip: string;
  /** Shown as Markdown (of plain text) rather than as a plain string. */
  markdownTooltip: boolean;
  contextValue: ContextValue;
  /** A codicon name. */
  icon: string;
  /** Stable across refreshes, so the tree keeps what is expanded. */
  id?: string;
  command?: { command: string; title: string; arguments: unknown[] };
}

/** Loads every run folder, skipping (and reporting) those that fail; newest first. */
export async function loadRuns(runDirs: string[], load: (runDir: string) => Promise<LoadedRun>, warn: (message: string) => void): Promise<LoadedRun[]> {
  const loaded = await Promise.all(
    runDirs.map(async (dir) => {
      try {
        return await load(dir);
      } catch (err) {
        warn(`skipping ${dir}: ${errorMessage(err)}`);
        return null;
      }
    }),
  );
  return newestFirst(loaded.filter((r): r is LoadedRun => r !== null));
}

export function newestFirst(runs: LoadedRun[]): LoadedRun[] {
  return [...runs].sort((a, b) => b.manifest.createdAt.localeCompare(a.manifest.createdAt));
}

export function rootNodes(runs: LoadedRun[]): Node[] {
  return runs.map((run) => ({ kind: 'run', run }));
}

/** A run's top-level clusters; a cluster's sub-clusters, then its example rows (in the run's order). */
export function childNodes(n: Node): Node[] {
  if (n.kind === 'run') return n.run.clusters.filter((c) => c.parent === null).map((cluster) => ({ kind: 'cluster', run: n.run, cluster }));
  if (n.kind === 'cluster') {
    const kids: Node[] = n.run.clusters.filter((c) => c.parent === n.cluster.id).map((cluster) => ({ kind: 'cluster', run: n.run, cluster }));
    const examples: Node[] = n.cluster.examples.map((e) => ({ kind: 'example', run: n.run, cluster: n.cluster, row: e.row, line: e.line, text: e.text }));
    return [...kids, ...examples];
  }
  return [];
}

export function clusterContextValue(c: ClusterRecord): ContextValue {
  return c.isNoise ? 'noise' : c.reviewed ? 'cluster.reviewed' : 'cluster';
}

export function treeItem(n: Node): TreeItemModel {
  if (n.kind === 'run') {
    const top = n.run.clusters.filter((c) => c.depth === 1 && !c.isNoise).length;
    return {
      label: path.basename(n.run.manifest.input.path),
      collapsible: 'expanded',
      description: `${top} clusters · ${n.run.manifest.input.rows} rows · ${new Date(n.run.manifest.createdAt).toLocaleString()}`,
      tooltip: `${n.run.runDir}\nlabels: ${n.run.manifest.labelling.state}`,
      markdownTooltip: false,
      contextValue: 'run',
      icon: 'graph-scatter',
    };
  }
  if (n.kind === 'cluster') {
    const c = n.cluster;
    const hasKids = n.run.clusters.some((k) => k.parent === c.id) || c.examples.length > 0;
    const share = ((c.size / n.run.manifest.input.rows) * 100).toFixed(1);
    const suggestion = suggestionText(c);
    return {
      label: clusterName(c),
      collapsible: hasKids ? 'collapsed' : 'none',
      description: `${c.size} rows (${share}%)${c.purity ? ` · ${c.purity.label} ${(c.purity.share * 100).toFixed(0)}%` : ''}${suggestion ? ` · ${suggestion}` : ''}${c.reviewed ? ' · reviewed' : ''}`,
      tooltip: `${c.id}${c.description ? `\n${c.description}` : ''}${suggestion ? `\nsuggested: ${suggestion}` : ''}\nkeywords: ${c.keywords.map((k) => k.term).join(', ')}`,
      markdownTooltip: true,
      contextValue: clusterContextValue(c),
      icon: c.isNoise ? 'circle-slash' : c.reviewed ? 'pass-filled' : c.labelSource === 'llm' ? 'sparkle' : 'symbol-namespace',
      id: `${n.run.runDir}#${c.id}`,
    };
  }
  return {
    label: n.text.replace(/\s+/g, ' ').slice(0, 100),
    collapsible: 'none',
    description: `row ${n.row}`,
    tooltip: n.text,
    markdownTooltip: false,
    contextValue: 'example',
    icon: 'comment',
    command: { command: 'ticketLens.revealRow', title: 'Reveal Row in CSV', arguments: [n] },
  };
}

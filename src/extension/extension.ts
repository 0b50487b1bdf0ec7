/** Activation only wires things together; the server starts on first use (see ctx.ts). */
import * as vscode from 'vscode';
import { addToStore, type AddToStoreArgs } from './commands/addToStore';
import { classifySelection, type ClassifyArgs } from './commands/classifySelection';
import { clusterCsv, type ClusterArgs } from './commands/clusterCsv';
import { labelClusters } from './commands/labelClusters';
import { evaluateClassifier, type EvaluateArgs } from './commands/evaluateClassifier';
import { profileCsv, type ProfileArgs } from './commands/profileCsv';
import { markReviewed, mergeClusters, openReport, openSummary, renameCluster, revealRow } from './commands/review';
import { setApiKey } from './commands/setApiKey';
import { setDatabasePassword } from './commands/setDatabasePassword';
import { tagRows } from './commands/tagRows';
import { trainClassifier, useReviewedAsLabels, type TrainArgs } from './commands/trainClassifier';
import type { ServerClient } from './client';
import { Ctx } from './ctx';
import { ServerWatch } from './serverWatch';
import { RunsTree, type Node } from './views/runsTree';
import { StatusBar } from './views/statusBar';
import { StoreTree } from './views/storeTree';

let ctx: Ctx | null = null;

/**
 * Explorer menus call a command with (uri, selectedUris[]): only a plain object with the named field
 * counts as the scripted arguments that skip the questions.
 */
function scripted<T extends object>(arg: unknown, field: keyof T): T | undefined {
  return arg !== null && typeof arg === 'object' && !Array.isArray(arg) && !(arg instanceof vscode.Uri) && field in arg ? (arg as T) : undefined;
}

/** What activate returns: for scripts and the integration tests, which drive the real server through it. */
export interface TicketLensApi {
  client(): Promise<ServerClient>;
  runs: RunsTree;
  /** The Ticket Store view's tree. */
  store: StoreTree;
  /** Fires with each question to restart the model server (a start-time setting or the folders changed). */
  onDidAskToRestart: vscode.Event<string>;
}

export function activate(context: vscode.ExtensionContext): TicketLensApi {
  const log = vscode.window.createOutputChannel('Ticket Lens', { log: true });
  const status = new StatusBar();
  ctx = new Ctx(context, log, status);
  const c = ctx;
  const tree = new RunsTree(c);
  const view = vscode.window.createTreeView('ticketLens.clusters', { treeDataProvider: tree, canSelectMany: true, showCollapseAll: true });
  const store = new StoreTree(c);
  const storeView = vscode.window.createTreeView('ticketLens.store', { treeDataProvider: store, showCollapseAll: true });
  store.attach(storeView);
  const cmd = (id: string, fn: (...args: never[]) => unknown) => context.subscriptions.push(vscode.commands.registerCommand(id, fn as (...args: unknown[]) => unknown));
  type ClusterNode = Extract<Node, { kind: 'cluster' }>;
  cmd('ticketLens.classifySelection', (args?: unknown) => classifySelection(c, tree, scripted<ClassifyArgs>(args, 'show') ?? scripted<ClassifyArgs>(args, 'text')));
  cmd('ticketLens.clusterCsv', (uri?: vscode.Uri, args?: unknown) => clusterCsv(c, tree, uri instanceof vscode.Uri ? uri : undefined, scripted<ClusterArgs>(args, 'textColumn')));
  cmd('ticketLens.profileCsv', (uri?: vscode.Uri, args?: unknown) => profileCsv(c, uri instanceof vscode.Uri ? uri : undefined, scripted<ProfileArgs>(args, 'textColumn')));
  cmd('ticketLens.evaluateClassifier', (uri?: vscode.Uri, args?: unknown) => evaluateClassifier(c, uri instanceof vscode.Uri ? uri : undefined, scripted<EvaluateArgs>(args, 'labelColumn')));
  cmd('ticketLens.trainClassifier', (uri?: vscode.Uri, args?: unknown) => trainClassifier(c, uri instanceof vscode.Uri ? uri : undefined, scripted<TrainArgs>(args, 'textColumn')));
  cmd('ticketLens.useReviewedAsLabels', (n?: ClusterNode | Extract<Node, { kind: 'run' }>, opts?: { use?: boolean }) => useReviewedAsLabels(c, tree, n, opts));
  cmd('ticketLens.labelClusters', (n?: ClusterNode) => labelClusters(c, tree, n));
  cmd('ticketLens.tagRows', (arg?: vscode.Uri | Node) => tagRows(c, arg));
  cmd('ticketLens.setApiKey', () => setApiKey(c));
  cmd('ticketLens.openReport', (n?: ClusterNode) => openReport(c, tree, n));
  cmd('ticketLens.openSummary', (n?: ClusterNode) => openSummary(c, tree, n));
  cmd('ticketLens.renameCluster', (n: ClusterNode) => renameCluster(c, tree, n));
  cmd('ticketLens.markReviewed', (n: ClusterNode) => markReviewed(c, tree, n, true));
  cmd('ticketLens.unmarkReviewed', (n: ClusterNode) => markReviewed(c, tree, n, false));
  cmd('ticketLens.mergeClusters', (n: ClusterNode, sel?: Node[]) => mergeClusters(c, tree, n, sel));
  cmd('ticketLens.revealRow', (n: { run: { manifest: { input: { path: string } } }; row: number; line?: number }) => revealRow(c, n));
  cmd('ticketLens.refreshRuns', () => tree.refresh());
  cmd('ticketLens.addToStore', (uri?: vscode.Uri, args?: unknown) => addToStore(c, store, uri instanceof vscode.Uri ? uri : undefined, scripted<AddToStoreArgs>(args, 'textColumn')));
  cmd('ticketLens.refreshStore', () => store.refresh());
  cmd('ticketLens.setDatabasePassword', () => setDatabasePassword(c, store));
  cmd('ticketLens.showLog', () => log.show());
  cmd('ticketLens.restartServer', () => c.restart());
  const watch = new ServerWatch(c, tree);
  context.subscriptions.push(log, status, view, store, storeView, c, watch);
  return { client: () => c.client(), runs: tree, store, onDidAskToRestart: watch.onDidAskToRestart };
}

export async function deactivate(): Promise<void> {
  await ctx?.stop();
}

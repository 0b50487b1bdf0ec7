/**
 * Ticket Lens: Classify Selection — the selected text through the configured trained model and the
 * zero-shot sets (intent, category, priority, sentiment with confidences; "uncertain" when a zero-shot
 * set's top two labels are too close to call), plus the nearest cluster of
 * the latest run and why (key words, nearest examples). Shown in a quick pick that closes as soon as
 * focus moves, so it never gets in the way; "Copy as JSON" puts the whole result on the clipboard.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TaskPrediction } from '../../shared/api';
import { readConfig } from '../config';
import type { Ctx } from '../ctx';
import { nearestCluster, type NearestLookup } from '../nearestCluster';
import type { RunsTree } from '../views/runsTree';
import { predictionDescription, predictionValue } from './predictionText';
import { showError } from './showError';

export interface SelectionResult extends NearestLookup {
  text: string;
  tasks: TaskPrediction[];
}

export interface ClassifyArgs {
  /** Classify this text instead of the editor's selection. */
  text?: string;
  /** false: return the result without showing it (scripts, tests). */
  show?: boolean;
}

/** Shipped names pass through; a relative path is the workspace's, not the server's working directory. */
export function modelRef(ref: string, folder: string | undefined): string {
  return /[\\/]/.test(ref) && !path.isAbsolute(ref) && folder ? path.join(folder, ref) : ref;
}

function why(t: TaskPrediction): string {
  const e = t.explanation;
  if (!e) return '';
  const seen = new Set<string>();
  const words = e.words
    .filter((w) => w.contribution > 0 && !w.stopWord && !seen.has(w.word.toLowerCase()) && seen.add(w.word.toLowerCase()))
    .sort((a, b) => b.contribution - a.contribution)
    .slice(0, 4)
    .map((w) => `“${w.word}” +${w.contribution.toFixed(2)}`);
  const near = e.nearest[0];
  return [words.length ? `key words ${words.join(', ')}` : '', near ? `nearest: “${near.text.slice(0, 70)}” (${near.similarity.toFixed(2)})` : ''].filter(Boolean).join(' · ');
}

export async function classifySelection(ctx: Ctx, tree: RunsTree, args?: ClassifyArgs): Promise<SelectionResult | undefined> {
  const editor = vscode.window.activeTextEditor;
  const text = (args?.text ?? (editor && !editor.selection.isEmpty ? editor.document.getText(editor.selection) : '')).trim();
  if (!text) {
    void vscode.window.showInformationMessage('Ticket Lens: select the text of a ticket first.');
    return undefined;
  }
  const config = readConfig(ctx.log);
  const workspace = (editor && vscode.workspace.getWorkspaceFolder(editor.document.uri)) ?? vscode.workspace.workspaceFolders?.[0];
  let result: SelectionResult;
  try {
    result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Ticket Lens: classifying' }, async () => {
      const client = await ctx.client();
      const [classified, nearest] = await Promise.all([
        client.classify({
          texts: [text],
          models: config.classifierModel ? [modelRef(config.classifierModel, workspace?.uri.fsPath)] : [],
          labelSets: config.zeroShotSets,
          workspace: workspace?.uri.fsPath,
          explain: true,
        }),
        nearestCluster(client, () => tree.latestRun(), text, (m) => ctx.log.warn(m)),
      ]);
      return { text, tasks: classified.results[0]?.tasks ?? [], ...nearest };
    });
  } catch (err) {
    showError(ctx.log, 'classifying the selection', err);
    return undefined;
  }
  if (args?.show !== false) show(ctx, result);
  return result;
}

type Item = vscode.QuickPickItem & { action?: 'copy' | 'cluster' };

function show(ctx: Ctx, r: SelectionResult): void {
  const seen = new Set<string>();
  const items: Item[] = [{ label: 'Prediction', kind: vscode.QuickPickItemKind.Separator }];
  for (const t of r.tasks) {
    // The same task from a trained model and a zero-shot set: say which is which.
    const name = seen.has(t.task) ? `${t.task} (${t.source})` : t.task;
    seen.add(t.task);
    items.push({
      label: `${name}: ${predictionValue(t)}`,
      description: predictionDescription(t),
      detail: t.unknown ? t.reason : why(t) || undefined,
    });
  }
  items.push({ label: 'Nearest cluster', kind: vscode.QuickPickItemKind.Separator });
  if (r.cluster?.path) {
    items.push({
      label: `$(symbol-namespace) ${r.cluster.name ?? r.cluster.path}`,
      description: `${r.cluster.path} · similarity ${r.cluster.similarity.toFixed(2)} · ${r.cluster.input}`,
      detail: 'Open the cluster summary',
      action: 'cluster',
    });
  } else if (r.clusterError) {
    items.push({ label: '$(warning) the nearest-cluster lookup failed', description: r.clusterError, detail: r.clusterError });
  } else {
    items.push({ label: r.cluster ? '$(circle-slash) no cluster is close enough' : '$(info) no cluster run in this workspace yet', description: r.cluster ? `latest run: ${r.cluster.input}` : 'Cluster This CSV first' });
  }
  items.push({ label: '', kind: vscode.QuickPickItemKind.Separator }, { label: '$(copy) Copy as JSON', action: 'copy' });

  const qp = vscode.window.createQuickPick<Item>();
  qp.title = `Ticket Lens: “${r.text.replace(/\s+/g, ' ').slice(0, 60)}${r.text.length > 60 ? '…' : ''}”`;
  qp.placeholder = 'Classification of the selection — Escape closes';
  qp.matchOnDescription = true;
  qp.items = items;
  qp.onDidAccept(() => {
    const picked = qp.selectedItems[0];
    qp.hide();
    void act(ctx, picked?.action, r);
  });
  qp.onDidHide(() => qp.dispose());
  qp.show();
}

async function act(ctx: Ctx, action: Item['action'], r: SelectionResult): Promise<void> {
  try {
    if (action === 'copy') {
      await vscode.env.clipboard.writeText(JSON.stringify(r, null, 2));
      vscode.window.setStatusBarMessage('Ticket Lens: classification copied as JSON', 3000);
    } else if (action === 'cluster') {
      await vscode.commands.executeCommand('ticketLens.openSummary');
    }
  } catch (err) {
    showError(ctx.log, action === 'copy' ? 'copying the classification' : 'opening the cluster summary', err);
  }
}

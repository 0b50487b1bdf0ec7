/** "Use for Classify Selection", offered when a classifier is trained (Train Classifier, Tag Rows with Claude and train). */
import * as vscode from 'vscode';
import { classifierSetting } from './classifierSetting';
import { showError } from './commands/showError';

export const USE_FOR_CLASSIFY_SELECTION = 'Use for Classify Selection';

/** Makes the model at `modelPath` the one Classify Selection uses. */
export async function useForClassifySelection(log: vscode.LogOutputChannel, modelPath: string): Promise<void> {
  const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(modelPath));
  const s = classifierSetting(modelPath, folder?.uri.fsPath ?? null);
  try {
    await vscode.workspace.getConfiguration('ticketLens').update('classifierModel', s.value, s.target === 'workspace' ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global);
  } catch (err) {
    showError(log, `setting ticketLens.classifierModel to ${s.value}`, err);
  }
}

/**
 * Ticket Lens: Set Database Password — the password of the PostgreSQL server in ticketLens.database,
 * kept in SecretStorage under that connection string (never in settings, never in a log) and put into
 * it only for the requests that carry it to the local server. Empty removes it.
 */
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { readDatabaseSetting, storePassword } from '../storeConfig';
import type { StoreTree } from '../views/storeTree';
import { showError } from './showError';

export async function setDatabasePassword(ctx: Ctx, tree: StoreTree): Promise<void> {
  let url: string;
  try {
    const setting = readDatabaseSetting(ctx.log);
    if (setting.kind === 'embedded') {
      const open = await vscode.window.showInformationMessage('Ticket Lens: ticketLens.database is empty, so the Ticket Store is the embedded one in the workspace, which needs no password.', 'Open Setting');
      if (open) await vscode.commands.executeCommand('workbench.action.openSettings', 'ticketLens.database');
      return;
    }
    url = setting.url;
  } catch (err) {
    showError(ctx.log, 'reading ticketLens.database', err);
    return;
  }
  const input = await vscode.window.showInputBox({
    title: 'Ticket Store database password',
    prompt: `For ${url}. Stored in VS Code SecretStorage and sent only to the local Ticket Lens server with each store request. Leave empty to remove it.`,
    password: true,
    ignoreFocusOut: true,
  });
  if (input === undefined) return;
  await storePassword(ctx.extension, url, input === '' ? null : input);
  void vscode.window.showInformationMessage(input === '' ? 'Ticket Lens: database password removed.' : 'Ticket Lens: database password saved in SecretStorage.');
  tree.refresh();
}

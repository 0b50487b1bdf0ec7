/** Ticket Lens: Set Anthropic API Key — stored in SecretStorage only (never settings, never logs). */
import * as vscode from 'vscode';

export const API_KEY_SECRET = 'ticketLens.anthropicApiKey';

export async function setApiKey(context: vscode.ExtensionContext): Promise<void> {
  const key = await vscode.window.showInputBox({
    title: 'Anthropic API key',
    prompt: 'Stored in VS Code SecretStorage; sent only to the local Ticket Lens server with each labelling request. Leave empty to remove it.',
    password: true,
    ignoreFocusOut: true,
  });
  if (key === undefined) return;
  if (key.trim() === '') {
    await context.secrets.delete(API_KEY_SECRET);
    void vscode.window.showInformationMessage('Ticket Lens: API key removed.');
  } else {
    await context.secrets.store(API_KEY_SECRET, key.trim());
    void vscode.window.showInformationMessage('Ticket Lens: API key saved in SecretStorage.');
  }
}

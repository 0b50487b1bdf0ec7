/** The Anthropic API key lives in VS Code's SecretStorage only: never in settings, never in the log. */
import type * as vscode from 'vscode';

const SECRET = 'ticketLens.anthropicApiKey';

export async function storedKey(extension: vscode.ExtensionContext): Promise<string | null> {
  return (await extension.secrets.get(SECRET)) ?? null;
}

export async function storeKey(extension: vscode.ExtensionContext, key: string | null): Promise<void> {
  if (key) await extension.secrets.store(SECRET, key);
  else await extension.secrets.delete(SECRET);
}

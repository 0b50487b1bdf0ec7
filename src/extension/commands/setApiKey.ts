/**
 * Ticket Lens: Set Anthropic API Key — checked against the Claude Models API first (with the model
 * setting), then stored in SecretStorage only (never settings, never logs). A refused key is not
 * stored unless the user says so; a model the key cannot use gets a choice of those it can.
 */
import * as vscode from 'vscode';
import { storeKey } from '../apiKey';
import { readConfig } from '../config';
import type { Ctx } from '../ctx';
import { checkKey, reportModel } from './claudeModel';

const STORE_ANYWAY = 'Store Anyway';

export async function setApiKey(ctx: Ctx): Promise<void> {
  const input = await vscode.window.showInputBox({
    title: 'Anthropic API key',
    prompt: 'Checked with the Claude Models API, then stored in VS Code SecretStorage; sent only to the local Ticket Lens server with each labelling request. Leave empty to remove it.',
    password: true,
    ignoreFocusOut: true,
  });
  if (input === undefined) return;
  const key = input.trim();
  if (key === '') {
    await storeKey(ctx.extension, null);
    void vscode.window.showInformationMessage('Ticket Lens: API key removed.');
    return;
  }
  const model = readConfig(ctx.log).claudeModel;
  const advice = await checkKey(ctx, key, model);
  if (advice.key !== 'accepted') {
    const why = advice.key === 'refused' ? `Claude refused this key: ${advice.message}` : `The key could not be checked: ${advice.message}`;
    const pick = await vscode.window.showWarningMessage(`Ticket Lens: ${why}`, { modal: true, detail: 'The key was not saved.' }, STORE_ANYWAY);
    if (pick !== STORE_ANYWAY) return;
    await storeKey(ctx.extension, key);
    void vscode.window.showInformationMessage('Ticket Lens: API key saved in SecretStorage, unchecked.');
    return;
  }
  await storeKey(ctx.extension, key);
  await reportModel(ctx, advice, model, 'API key saved in SecretStorage. ');
}

/**
 * Checking the API key and ticketLens.claudeModel against the Claude Models API (POST /label/check,
 * through the server) and offering the models the key can use when the chosen one is not served: on
 * Set API Key, when the setting changes, and from a labelling job Claude stopped.
 */
import * as vscode from 'vscode';
import { storedKey } from '../apiKey';
import { readConfig } from '../config';
import type { Ctx } from '../ctx';
import { errorMessage } from '../errorMessage';
import { adviceOf, modelPicks, uncheckedAdvice, type CheckAdvice } from '../keyCheck';
import { CHOOSE_MODEL, SET_API_KEY } from '../labelReport';
import type { LabelModelInfo } from '../../shared/api';

/** The model the user last picked from the list the key was checked with: its setting change needs no second check. */
let picked: string | null = null;

export async function checkKey(ctx: Ctx, apiKey: string, model: string): Promise<CheckAdvice> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Ticket Lens: checking the key with Claude' }, async () => {
    try {
      return adviceOf(await (await ctx.client()).labelCheck({ apiKey, model }));
    } catch (err) {
      return uncheckedAdvice(errorMessage(err));
    }
  });
}

/** A quick pick of `models`; the choice becomes the user's ticketLens.claudeModel (an application setting). */
export async function pickModel(ctx: Ctx, models: readonly LabelModelInfo[], current: string): Promise<void> {
  if (models.length === 0) {
    void vscode.window.showWarningMessage('Ticket Lens: the Claude Models API listed no models for this key.');
    return;
  }
  const choice = await vscode.window.showQuickPick(modelPicks(models, current), { title: 'Claude model for Label Clusters', placeHolder: 'The models your API key can use, newest first', ignoreFocusOut: true });
  if (!choice) return;
  picked = choice.id;
  try {
    await vscode.workspace.getConfiguration('ticketLens').update('claudeModel', choice.id, vscode.ConfigurationTarget.Global);
  } catch (err) {
    ctx.log.error(`setting ticketLens.claudeModel to ${choice.id}: ${errorMessage(err)}`);
    void vscode.window.showErrorMessage(`Ticket Lens: could not set ticketLens.claudeModel: ${errorMessage(err)}`);
  }
}

/** Tells what the check found about the model; `prefix` says what happened before (the key saved). */
export async function reportModel(ctx: Ctx, advice: CheckAdvice, model: string, prefix: string): Promise<void> {
  if (advice.model === 'available') {
    void vscode.window.showInformationMessage(`Ticket Lens: ${prefix}${advice.message}`);
  } else if (advice.model === 'unknown') {
    ctx.log.warn(`could not check the model ${model}: ${advice.message}`);
    void vscode.window.showWarningMessage(`Ticket Lens: ${prefix}The model ${model} could not be checked: ${advice.message}`);
  } else if ((await vscode.window.showWarningMessage(`Ticket Lens: ${prefix}${advice.message}`, CHOOSE_MODEL)) === CHOOSE_MODEL) {
    await pickModel(ctx, advice.models, model);
  }
}

/** ticketLens.claudeModel changed: with a stored key, check that the key can use the new model. */
export async function claudeModelChanged(ctx: Ctx): Promise<void> {
  const model = readConfig(ctx.log).claudeModel;
  if (model === picked) {
    picked = null;
    return;
  }
  const key = await storedKey(ctx.extension);
  if (!key) return;
  const advice = await checkKey(ctx, key, model);
  if (advice.key === 'refused') {
    if ((await vscode.window.showWarningMessage(`Ticket Lens: the stored API key was refused: ${advice.message}`, SET_API_KEY)) === SET_API_KEY) await vscode.commands.executeCommand('ticketLens.setApiKey');
  } else if (advice.key === 'unknown') {
    // Offline, or the server would not start: nothing the user must act on now; labelling will say.
    ctx.log.warn(`could not check ticketLens.claudeModel ${model}: ${advice.message}`);
  } else if (advice.model === 'available') {
    vscode.window.setStatusBarMessage(`Ticket Lens: ${advice.message}`, 5000);
  } else {
    await reportModel(ctx, advice, model, '');
  }
}

/** "Choose a Model" after Claude refused the model: the models the stored key can use. */
export async function chooseClaudeModel(ctx: Ctx): Promise<void> {
  const key = await storedKey(ctx.extension);
  if (!key) {
    if ((await vscode.window.showWarningMessage('Ticket Lens: set an Anthropic API key first.', SET_API_KEY)) === SET_API_KEY) await vscode.commands.executeCommand('ticketLens.setApiKey');
    return;
  }
  const model = readConfig(ctx.log).claudeModel;
  const advice = await checkKey(ctx, key, model);
  if (advice.key !== 'accepted') {
    void vscode.window.showErrorMessage(`Ticket Lens: could not list the models: ${advice.message}`);
    return;
  }
  await pickModel(ctx, advice.models, model);
}

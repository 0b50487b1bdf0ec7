/**
 * Ticket Lens: Profile This CSV — pick the text column (detected, previews shown), an optional label
 * column and date column, and whether to look for near-duplicates by meaning (remembered per file),
 * then a cancellable progress notification that follows the server job; opens the profile webview.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Profile } from '../../shared/profile';
import type { Ctx } from '../ctx';
import { ProfilePanel } from '../panels/profilePanel';
import { pickOptionalColumn, pickTextColumn, previewForPicks } from './columnPicks';
import { followJob } from './followJob';
import { showError } from './showError';

interface Remembered {
  textColumn: string;
  labelColumn: string | null;
  dateColumn: string | null;
  nearDuplicates: boolean;
}

/** Scripts and tests pass the answers; `quiet` leaves the webview closed. */
export type ProfileArgs = Partial<Omit<Remembered, 'textColumn'>> & { textColumn: string; quiet?: boolean };

/** `args` skips the questions; the profile is returned either way. */
export async function profileCsv(ctx: Ctx, uri?: vscode.Uri, args?: ProfileArgs): Promise<Profile | undefined> {
  const target = uri ?? vscode.window.activeTextEditor?.document.uri;
  if (!target || path.extname(target.fsPath).toLowerCase() !== '.csv') {
    void vscode.window.showErrorMessage('Ticket Lens: open or select a .csv file to profile.');
    return undefined;
  }
  const choice = args ? { labelColumn: null, dateColumn: null, nearDuplicates: false, ...args } : await ask(ctx, target);
  if (!choice) return undefined;
  const outcome = await followJob(ctx, `Profiling ${path.basename(target.fsPath)}`, (c) =>
    c.profile({ csvPath: target.fsPath, textColumn: choice.textColumn, labelColumn: choice.labelColumn, dateColumn: choice.dateColumn, nearDuplicates: choice.nearDuplicates }),
  );
  if (!outcome.ok) {
    if (outcome.cancelled) void vscode.window.showInformationMessage('Ticket Lens: profiling cancelled.');
    else showError(ctx.log, `profiling ${target.fsPath}`, outcome.message);
    return undefined;
  }
  const profile = Profile.parse(outcome.job.result);
  if (!args?.quiet) ProfilePanel.show(ctx, profile);
  return profile;
}

async function ask(ctx: Ctx, target: vscode.Uri): Promise<Remembered | undefined> {
  const preview = await previewForPicks(ctx, target);
  if (!preview) return undefined;
  const key = `profile:${target.fsPath}`;
  const saved = ctx.extension.workspaceState.get<Remembered>(key);
  const asked = await pickTextColumn(preview, saved?.textColumn, 'Profile This CSV (1/4): the text column');
  if (!asked) return undefined;
  const others = asked.columns.filter((c) => c.index !== asked.picked.index);
  const label = await pickOptionalColumn(others, saved?.labelColumn, 'no label column', 'Profile This CSV (2/4): a label column (class sizes, imbalance, top words per class)');
  if (!label) return undefined;
  const date = await pickOptionalColumn(
    others.filter((c) => c.index !== label.index),
    saved?.dateColumn,
    'no date column',
    'Profile This CSV (3/4): a date column (tickets per month, cells that are not dates)',
  );
  if (!date) return undefined;
  const near = [
    { label: 'No', description: 'exact and case/punctuation duplicates only (fast)', on: false },
    { label: 'Yes', description: 'also near-duplicates by meaning: embeds every text (cosine ≥ 0.95)', on: true },
  ];
  const nearPick = await vscode.window.showQuickPick(saved?.nearDuplicates ? [near[1], near[0]] : near, { title: 'Profile This CSV (4/4): look for near-duplicates by meaning?', ignoreFocusOut: true });
  if (!nearPick) return undefined;
  const choice: Remembered = { textColumn: asked.picked.label, labelColumn: label.index >= 0 ? label.label : null, dateColumn: date.index >= 0 ? date.label : null, nearDuplicates: nearPick.on };
  await ctx.extension.workspaceState.update(key, choice);
  return choice;
}

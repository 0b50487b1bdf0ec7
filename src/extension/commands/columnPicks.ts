/**
 * The column questions of the commands that read a CSV (Cluster This CSV, Add to Ticket Store): each
 * column shown with its first values, the detected or remembered one on top.
 */
import * as vscode from 'vscode';
import type { CsvPreview } from '../../shared/api';
import type { Ctx } from '../ctx';
import { showError } from './showError';

/** A column of the preview (`index` −1: the "None" choice of an optional column). */
export interface ColumnPick extends vscode.QuickPickItem {
  index: number;
}

/** The column with the longest average text is usually the ticket body. */
export function guessTextColumn(p: CsvPreview): number {
  let best = 0;
  let bestLen = -1;
  p.header.forEach((_, i) => {
    const vals = p.rows.map((r) => r[i] ?? '');
    const avg = vals.reduce((s, v) => s + v.length, 0) / Math.max(1, vals.length);
    if (avg > bestLen) {
      bestLen = avg;
      best = i;
    }
  });
  return best;
}

/** One pick per column: its name, "(detected)" on `detected`, and its first three values. */
export function columnPicks(preview: CsvPreview, detected: number): ColumnPick[] {
  const sample = (i: number) => preview.rows.slice(0, 3).map((r) => (r[i] ?? '').replace(/\s+/g, ' ').slice(0, 60)).join(' · ');
  return preview.header.map((h, i) => ({ label: h, description: i === detected ? '(detected)' : undefined, detail: sample(i), index: i }));
}

/** The text column: the remembered one when the file still has it, else the detected one, on top. */
export async function pickTextColumn(preview: CsvPreview, remembered: string | undefined, title: string): Promise<{ picked: ColumnPick; columns: ColumnPick[] } | undefined> {
  const guess = remembered && preview.header.includes(remembered) ? preview.header.indexOf(remembered) : guessTextColumn(preview);
  const columns = columnPicks(preview, guess);
  const picked = await vscode.window.showQuickPick([columns[guess], ...columns.filter((_, i) => i !== guess)], { title, ignoreFocusOut: true });
  return picked ? { picked, columns } : undefined;
}

/**
 * An optional column: "None" (`none` says what that means) or one of `columns`, the remembered one on
 * top when there is one, else "None".
 */
export function pickOptionalColumn(columns: readonly ColumnPick[], remembered: string | null | undefined, none: string, title: string): Thenable<ColumnPick | undefined> {
  const picks: ColumnPick[] = [{ label: 'None', description: none, index: -1 }, ...columns];
  const first = remembered ? picks.find((p) => p.index >= 0 && p.label === remembered) : undefined;
  return vscode.window.showQuickPick(first ? [first, ...picks.filter((p) => p !== first)] : picks, { title, ignoreFocusOut: true });
}

/** The file's first rows for the column questions, through the server; undefined (the error shown) when it cannot be read. */
export async function previewForPicks(ctx: Ctx, target: vscode.Uri): Promise<CsvPreview | undefined> {
  try {
    return await (await ctx.client()).csvPreview(target.fsPath, 20);
  } catch (err) {
    showError(ctx.log, `previewing ${target.fsPath}`, err);
    return undefined;
  }
}

/**
 * Ticket Lens: Add to Ticket Store — pick the text column (as Cluster This CSV does), the id and the
 * date columns (each may be "None") and the dataset (remembered per file; a dataset already in the
 * store lends its columns), then a cancellable progress notification follows the server's ingest job
 * batch by batch. A cancel keeps the committed batches; adding the file again resumes.
 *
 * The server then assigns the dataset's new tickets to the latest run made from it; the notification
 * says what was ingested and where the new tickets went, with Show Trends (the run's trends written from
 * the store, as `ticket-lens trends RUN --store` does, then its summary webview, where the chart is) and
 * Open Run (the same webview as it is).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DatasetName, StoreIngestResult, type CsvPreview, type DatasetInfo, type StoreLocation } from '../../shared/api';
import type { Ctx } from '../ctx';
import { currentStore } from '../storeConfig';
import type { StoreTree } from '../views/storeTree';
import { addToStoreNotice, SHOW_TRENDS } from './addToStoreNotice';
import { pickOptionalColumn, pickTextColumn } from './columnPicks';
import { followJob } from './followJob';
import { showError } from './showError';

interface Remembered {
  textColumn: string;
  idColumn: string | null;
  dateColumn: string | null;
  dataset: string;
}

/** Scripted arguments (scripts, tests): skip the questions. `dataset` defaults to the file's name. */
export type AddToStoreArgs = Omit<Remembered, 'dataset'> & { dataset?: string; quiet?: boolean };

/** A header that names when a ticket was made. */
const DATE_HEADER = /date|created|time|opened|submitted|received/i;

export async function addToStore(ctx: Ctx, tree: StoreTree, uri?: vscode.Uri, args?: AddToStoreArgs): Promise<StoreIngestResult | undefined> {
  const isCsv = (u: vscode.Uri | undefined): u is vscode.Uri => u !== undefined && path.extname(u.fsPath).toLowerCase() === '.csv';
  let target = uri ?? vscode.window.activeTextEditor?.document.uri;
  // From the view's button or welcome link, with no CSV at hand: ask for one.
  if (!isCsv(target) && !uri && !args) {
    target = (await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'CSV files': ['csv'] }, openLabel: 'Add to Ticket Store', title: 'Add to Ticket Store' }))?.[0];
    if (!target) return undefined;
  }
  if (!isCsv(target)) {
    void vscode.window.showErrorMessage('Ticket Lens: open or select a .csv file to add to the Ticket Store.');
    return undefined;
  }
  let store: StoreLocation;
  try {
    store = await currentStore(ctx.extension, ctx.log);
  } catch (err) {
    showError(ctx.log, 'finding the Ticket Store', err);
    return undefined;
  }
  const fallbackName = path.basename(target.fsPath, path.extname(target.fsPath));
  const choice = args ? { ...args, dataset: args.dataset ?? fallbackName } : await ask(ctx, target, store, fallbackName);
  if (!choice) return undefined;
  return run(ctx, tree, target, store, choice, args?.quiet === true);
}

async function ask(ctx: Ctx, target: vscode.Uri, store: StoreLocation, fallbackName: string): Promise<Remembered | undefined> {
  let preview: CsvPreview;
  let known: DatasetInfo[] = [];
  try {
    const client = await ctx.client();
    preview = await client.csvPreview(target.fsPath, 20);
    // A dataset already ingested from this file keeps its columns (the store refuses others).
    known = (await client.storeDatasets(store).catch(() => null))?.datasets ?? [];
  } catch (err) {
    showError(ctx.log, `previewing ${target.fsPath}`, err);
    return undefined;
  }
  const key = `store:${target.fsPath}`;
  const ingested = known.find((d) => d.sourcePath === target.fsPath) ?? known.find((d) => d.name === fallbackName);
  const saved: Remembered | undefined =
    ctx.extension.workspaceState.get<Remembered>(key) ??
    (ingested ? { textColumn: ingested.textColumn, idColumn: ingested.idColumn, dateColumn: ingested.dateColumn, dataset: ingested.name } : undefined);

  const asked = await pickTextColumn(preview, saved?.textColumn, 'Add to Ticket Store (1/4): the text column');
  if (!asked) return undefined;
  const others = asked.columns.filter((c) => c.index !== asked.picked.index);
  const id = await pickOptionalColumn(others, saved?.idColumn, "ids from each row's number and text", "Add to Ticket Store (2/4): the tickets' id column (an edited ticket keeps its id)");
  if (!id) return undefined;
  const dateGuess = saved ? saved.dateColumn : (others.find((c) => c.index !== id.index && DATE_HEADER.test(c.label))?.label ?? null);
  const date = await pickOptionalColumn(
    others.filter((c) => c.index !== id.index),
    dateGuess,
    'undated tickets (no date ranges or trends)',
    'Add to Ticket Store (3/4): the column of when each ticket was created',
  );
  if (!date) return undefined;
  const dataset = await vscode.window.showInputBox({
    title: 'Add to Ticket Store (4/4): the dataset',
    prompt: 'The name the store files these tickets under; adding the file again updates the same dataset.',
    value: saved?.dataset ?? fallbackName,
    ignoreFocusOut: true,
    validateInput: (v) => {
      const r = DatasetName.safeParse(v.trim());
      return r.success ? null : (r.error.issues[0]?.message ?? 'not a valid name');
    },
  });
  if (!dataset) return undefined;
  const choice: Remembered = { textColumn: asked.picked.label, idColumn: id.index >= 0 ? id.label : null, dateColumn: date.index >= 0 ? date.label : null, dataset: dataset.trim() };
  await ctx.extension.workspaceState.update(key, choice);
  return choice;
}

async function run(ctx: Ctx, tree: StoreTree, target: vscode.Uri, store: StoreLocation, choice: Remembered, quiet: boolean): Promise<StoreIngestResult | undefined> {
  const name = path.basename(target.fsPath);
  const outcome = await followJob(ctx, `Adding ${name} to the Ticket Store`, (c) =>
    c.storeIngest({ csvPath: target.fsPath, textColumn: choice.textColumn, idColumn: choice.idColumn, dateColumn: choice.dateColumn, dataset: choice.dataset, store }),
  );
  // What a cancel or a failure committed is in the store: the view shows it either way.
  tree.refresh();
  if (!outcome.ok) {
    if (outcome.cancelled) void vscode.window.showInformationMessage(`Ticket Lens: adding ${name} was cancelled; the batches already stored are kept, and adding the file again resumes.`);
    else showError(ctx.log, `adding ${target.fsPath} to the Ticket Store`, withPasswordHint(outcome.message, store));
    return undefined;
  }
  const r = StoreIngestResult.parse(outcome.job.result);
  if (quiet) return r;
  await vscode.commands.executeCommand('ticketLens.store.focus');
  // Not awaited: the command ends with the ingest, whenever the notification is answered.
  void notify(ctx, store, r);
  return r;
}

async function notify(ctx: Ctx, store: StoreLocation, r: StoreIngestResult): Promise<void> {
  const notice = addToStoreNotice(r);
  const picked =
    notice.severity === 'warning' ? await vscode.window.showWarningMessage(notice.text, ...notice.actions) : await vscode.window.showInformationMessage(notice.text, ...notice.actions);
  if (!picked || !notice.runDir) return;
  const runDir = notice.runDir;
  try {
    if (picked === SHOW_TRENDS) {
      const trends = await followJob(ctx, `Trends of dataset "${r.dataset}"`, (c) => c.storeTrends({ store, runDir, dataset: r.dataset }));
      if (!trends.ok) {
        if (!trends.cancelled) showError(ctx.log, `writing the trends of ${runDir}`, withPasswordHint(trends.message, store));
        return;
      }
    }
    const run = await (await ctx.client()).loadRun(runDir);
    // The registered command, so the panel's edits refresh the Clusters view as from there.
    await vscode.commands.executeCommand('ticketLens.openSummary', { run });
  } catch (err) {
    showError(ctx.log, `opening ${runDir}`, err);
  }
}

/** A refused login on a server store: say where its password is set. */
function withPasswordHint(message: string, store: StoreLocation): string {
  return 'url' in store && /refused the login/.test(message) ? `${message} Set it with "Ticket Lens: Set Database Password".` : message;
}

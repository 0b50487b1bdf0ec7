/**
 * The Ticket Store view (see storeTreeModel.ts): the datasets of this window's store, read through the
 * server. An embedded store the workspace does not have yet is shown empty without starting the server;
 * a store that cannot be read (in use by another process, a server that refuses the login) shows why.
 * Refreshed by its title button, after an ingest, and when ticketLens.database or the folders change.
 */
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { errorMessage } from '../errorMessage';
import { currentStore, DATABASE_SETTING, readDatabaseSetting } from '../storeConfig';
import { storeChildNodes, storeDescription, storeRootNodes, storeTreeItem, type StoreNode, type StoreState } from './storeTreeModel';

export type { StoreNode } from './storeTreeModel';

export class StoreTree implements vscode.TreeDataProvider<StoreNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<StoreNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private state: Promise<StoreState> | null = null;
  private readonly subscriptions: vscode.Disposable[] = [];
  private view: vscode.TreeView<StoreNode> | null = null;

  constructor(private readonly ctx: Ctx) {
    this.subscriptions.push(
      this.changed,
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration(DATABASE_SETTING) && this.refresh()),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.refresh()),
    );
  }

  /** The view this tree fills, for its subtitle (which store). */
  attach(view: vscode.TreeView<StoreNode>): void {
    this.view = view;
  }

  refresh(): void {
    this.state = null;
    this.changed.fire(undefined);
  }

  /** What the store holds now (cached until the next refresh). */
  load(): Promise<StoreState> {
    this.state ??= this.read();
    return this.state;
  }

  private async read(): Promise<StoreState> {
    let state: StoreState;
    let kind: 'embedded' | 'server' = 'embedded';
    try {
      kind = readDatabaseSetting(this.ctx.log).kind;
      const store = await currentStore(this.ctx.extension, this.ctx.log);
      // No store folder yet: nothing to list, and no reason to start the server for it.
      if ('dir' in store && !existsSync(store.dir)) state = { ok: true, listing: null };
      else state = { ok: true, listing: await (await this.ctx.client()).storeDatasets(store) };
    } catch (err) {
      const message = errorMessage(err);
      this.ctx.log.warn(`Ticket Store: ${message}`);
      state = { ok: false, message };
    }
    if (this.view) this.view.description = storeDescription(state, kind);
    return state;
  }

  getTreeItem(n: StoreNode): vscode.TreeItem {
    const m = storeTreeItem(n);
    const item = new vscode.TreeItem(m.label, m.collapsible === 'collapsed' ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.description = m.description;
    item.tooltip = m.tooltip;
    item.contextValue = m.contextValue;
    item.iconPath = new vscode.ThemeIcon(m.icon);
    if (m.id !== undefined) item.id = m.id;
    return item;
  }

  async getChildren(n?: StoreNode): Promise<StoreNode[]> {
    return n ? storeChildNodes(n) : storeRootNodes(await this.load());
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}

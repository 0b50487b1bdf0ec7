/**
 * Keeps the running model server in step with the editor (the rules are in restartRules.ts):
 * - a setting it reads only at start (model path, device, dtype) changed: ask to restart it, as
 *   rust-analyzer does;
 * - the folders it may use changed (workspace folders added or removed, or the user's classifier
 *   file moved): restart it, at once when idle, else after the running job unless the user says now;
 * - ticketLens.claudeModel changed: check the stored key can use it (commands/claudeModel.ts).
 */
import * as vscode from 'vscode';
import { claudeModelChanged } from './commands/claudeModel';
import { readConfig, readRoots } from './config';
import type { Ctx } from './ctx';
import { errorMessage } from './errorMessage';
import { RESTART_SETTINGS, restartMessage, sameRoots, settingsNeedingRestart } from './restartRules';
import type { RunsTree } from './views/runsTree';

const RESTART = 'Restart';
const RESTART_NOW = 'Restart Now';

export class ServerWatch implements vscode.Disposable {
  private readonly asked = new vscode.EventEmitter<string>();
  /** Fires with each restart question as it is asked (for scripts and the integration tests). */
  readonly onDidAskToRestart = this.asked.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly ctx: Ctx,
    private readonly tree: RunsTree,
  ) {
    const guard = (what: string, work: () => Promise<void>) => {
      work().catch((err: unknown) => this.ctx.log.error(`${what}: ${errorMessage(err)}`));
    };
    this.subscriptions = [
      this.asked,
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (RESTART_SETTINGS.some((k) => e.affectsConfiguration(`ticketLens.${k}`))) guard('a restart setting changed', () => this.settingsChanged());
        if (e.affectsConfiguration('ticketLens.classifierModel')) guard('the classifier setting changed', () => this.rootsChanged());
        if (e.affectsConfiguration('ticketLens.claudeModel')) guard('checking ticketLens.claudeModel', () => claudeModelChanged(this.ctx));
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() =>
        guard('the workspace folders changed', async () => {
          await this.rootsChanged();
          this.tree.refresh();
        }),
      ),
      // Trust lets the workspace's ticketLens.modelPath count.
      vscode.workspace.onDidGrantWorkspaceTrust(() => guard('the workspace was trusted', () => this.settingsChanged())),
    ];
  }

  private async settingsChanged(): Promise<void> {
    const running = this.ctx.launched;
    if (!running) return; // the next start reads the new values
    const keys = settingsNeedingRestart(running.config, readConfig(this.ctx.log));
    if (keys.length === 0) return;
    const message = restartMessage(keys, this.ctx.busy);
    this.ctx.log.info(message);
    this.asked.fire(message);
    if ((await vscode.window.showInformationMessage(`Ticket Lens: ${message}`, RESTART)) === RESTART) await this.restart();
  }

  private async rootsChanged(): Promise<void> {
    const running = this.ctx.launched;
    if (!running || sameRoots(running.roots, readRoots(this.ctx.extension))) return;
    this.ctx.log.info('the folders the server may use changed: restarting it when it is idle');
    if (!this.ctx.busy) return this.ctx.stopWhenIdle(); // the next use starts it with the new folders
    // Until then the running job goes on; a file in a new folder is refused with a clear error.
    await this.ctx.stopWhenIdle();
    const message = 'The workspace folders changed: the model server restarts to use them once the running job ends.';
    this.asked.fire(message);
    if ((await vscode.window.showInformationMessage(`Ticket Lens: ${message}`, RESTART_NOW)) === RESTART_NOW) await this.restart();
  }

  private async restart(): Promise<void> {
    try {
      await this.ctx.restart();
    } catch (err) {
      this.ctx.log.error(`restarting the server: ${errorMessage(err)}`);
      void vscode.window.showErrorMessage(`Ticket Lens: the model server did not restart: ${errorMessage(err)}`);
    }
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}

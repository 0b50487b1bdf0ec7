/**
 * The profile webview of a CSV (Profile This CSV): the profile the server computed, drawn by
 * webview/src/profile. Strict CSP with a per-panel nonce, as the summary's; the profile reaches the
 * page only as a typed message (src/shared/profile.ts) and its texts are rendered with textContent.
 */
import * as vscode from 'vscode';
import { ProfileWebviewToHost, type Profile, type ProfileHostToWebview } from '../../shared/profile';
import type { Ctx } from '../ctx';
import { openWebviewPage } from './webviewPage';

export class ProfilePanel {
  private static panels = new Map<string, ProfilePanel>();
  private readonly panel: vscode.WebviewPanel;

  /** One panel per CSV: profiling the file again shows the new profile in the same panel. */
  static show(ctx: Ctx, profile: Profile): ProfilePanel {
    const existing = ProfilePanel.panels.get(profile.input.path);
    if (existing) {
      existing.profile = profile;
      existing.panel.reveal();
      existing.post({ type: 'profile', profile });
      return existing;
    }
    const p = new ProfilePanel(ctx, profile);
    ProfilePanel.panels.set(profile.input.path, p);
    return p;
  }

  private constructor(
    private readonly ctx: Ctx,
    private profile: Profile,
  ) {
    this.panel = openWebviewPage(ctx, {
      viewType: 'ticketLens.profile',
      title: `Profile: ${profile.input.path.split(/[\\/]/).pop()}`,
      script: 'profile-webview.js',
      pageTitle: 'Ticket Lens profile',
      incoming: ProfileWebviewToHost,
      what: () => `profile of ${this.profile.input.path}`,
      onMessage: (m) => this.onMessage(m),
    });
    this.panel.onDidDispose(() => ProfilePanel.panels.delete(this.profile.input.path));
  }

  private post(m: ProfileHostToWebview): void {
    void this.panel.webview.postMessage(m);
  }

  private async onMessage(m: ProfileWebviewToHost): Promise<void> {
    if (m.type === 'ready') this.post({ type: 'profile', profile: this.profile });
    else await vscode.commands.executeCommand('ticketLens.revealRow', { run: { manifest: { input: { path: this.profile.input.path } } }, row: m.row, line: m.line });
  }
}

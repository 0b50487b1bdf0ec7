/**
 * The profile webview of a CSV (Profile This CSV): the profile the server computed, drawn by
 * webview/src/profile. Strict CSP with a per-panel nonce, as the summary's; the profile reaches the
 * page only as a typed message (src/shared/profile.ts) and its texts are rendered with textContent.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { ProfileWebviewToHost, type Profile, type ProfileHostToWebview } from '../../shared/profile';
import { showError } from '../commands/showError';
import type { Ctx } from '../ctx';

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
    const media = vscode.Uri.joinPath(ctx.extension.extensionUri, 'dist');
    this.panel = vscode.window.createWebviewPanel('ticketLens.profile', `Profile: ${profile.input.path.split(/[\\/]/).pop()}`, vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [media],
      retainContextWhenHidden: true,
    });
    const nonce = randomBytes(16).toString('base64');
    const script = this.panel.webview.asWebviewUri(vscode.Uri.joinPath(media, 'profile-webview.js'));
    const csp = [`default-src 'none'`, `script-src 'nonce-${nonce}'`, `style-src ${this.panel.webview.cspSource} 'nonce-${nonce}'`, `img-src ${this.panel.webview.cspSource} data:`, `font-src ${this.panel.webview.cspSource}`].join('; ');
    this.panel.webview.html = `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Ticket Lens profile</title></head>
<body><main id="app" data-nonce="${nonce}">Loading…</main><script type="module" nonce="${nonce}" src="${script.toString()}"></script></body></html>`;
    this.panel.webview.onDidReceiveMessage((raw: unknown) => {
      const m = ProfileWebviewToHost.safeParse(raw);
      if (!m.success) {
        this.ctx.log.warn(`profile: ignored a message from the webview: ${m.error.message}`);
        return;
      }
      this.onMessage(m.data).catch((err: unknown) => showError(this.ctx.log, `profile of ${this.profile.input.path}: ${m.data.type}`, err));
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

/**
 * A webview panel for one of our pages (summary, profile, evaluation): the page's bundle from dist/,
 * a strict CSP with a per-panel nonce (scripts and inline styles only with it), and incoming messages
 * parsed with the page's schema before anything acts on them — a webview is a separate page, so
 * nothing it posts is trusted to have the shape its type claims.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type * as z from 'zod';
import { showError } from '../commands/showError';
import type { Ctx } from '../ctx';

export interface PageOptions<M extends { type: string }> {
  viewType: string;
  /** The editor tab's title. */
  title: string;
  /** The bundle in dist/, e.g. `profile-webview.js`. */
  script: string;
  /** The document's <title>. */
  pageTitle: string;
  /** Schema of the messages the page posts. */
  incoming: z.ZodType<M>;
  /** For the log and error messages: "profile of data.csv". */
  what: () => string;
  onMessage: (m: M) => Promise<void>;
}

export function openWebviewPage<M extends { type: string }>(ctx: Ctx, o: PageOptions<M>): vscode.WebviewPanel {
  const media = vscode.Uri.joinPath(ctx.extension.extensionUri, 'dist');
  const panel = vscode.window.createWebviewPanel(o.viewType, o.title, vscode.ViewColumn.Active, {
    enableScripts: true,
    localResourceRoots: [media],
    retainContextWhenHidden: true,
  });
  const nonce = randomBytes(16).toString('base64');
  const script = panel.webview.asWebviewUri(vscode.Uri.joinPath(media, o.script));
  const source = panel.webview.cspSource;
  const csp = [`default-src 'none'`, `script-src 'nonce-${nonce}'`, `style-src ${source} 'nonce-${nonce}'`, `img-src ${source} data:`, `font-src ${source}`].join('; ');
  panel.webview.html = `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${o.pageTitle}</title></head>
<body><main id="app" data-nonce="${nonce}">Loading…</main><script type="module" nonce="${nonce}" src="${script.toString()}"></script></body></html>`;
  panel.webview.onDidReceiveMessage((raw: unknown) => {
    const m = o.incoming.safeParse(raw);
    if (!m.success) {
      ctx.log.warn(`${o.what()}: ignored a message from the webview: ${m.error.message}`);
      return;
    }
    // A failed action (e.g. a label the server refuses) must reach the user, not vanish in a promise.
    o.onMessage(m.data).catch((err: unknown) => showError(ctx.log, `${o.what()}: ${m.data.type}`, err));
  });
  return panel;
}

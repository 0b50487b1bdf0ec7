/**
 * The evaluation webview (Evaluate Classifier): the evaluation the server computed, drawn by
 * webview/src/evaluation. Strict CSP with a per-panel nonce, as the profile's; the evaluation reaches
 * the page only as a typed message (src/shared/evaluation.ts) and its texts are rendered with
 * textContent. A row clicked in the page opens the CSV where that row starts.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { EvaluationWebviewToHost, type Evaluation, type EvaluationHostToWebview } from '../../shared/evaluation';
import { showError } from '../commands/showError';
import type { Ctx } from '../ctx';

const keyOf = (e: Evaluation) => `${e.input.path}\n${e.model.path}\n${e.model.task}`;

export class EvaluationPanel {
  private static panels = new Map<string, EvaluationPanel>();
  private readonly panel: vscode.WebviewPanel;

  /** One panel per CSV, classifier and task: evaluating again shows the new evaluation in the same panel. */
  static show(ctx: Ctx, evaluation: Evaluation): EvaluationPanel {
    const existing = EvaluationPanel.panels.get(keyOf(evaluation));
    if (existing) {
      existing.evaluation = evaluation;
      existing.panel.reveal();
      existing.post({ type: 'evaluation', evaluation });
      return existing;
    }
    const p = new EvaluationPanel(ctx, evaluation);
    EvaluationPanel.panels.set(keyOf(evaluation), p);
    return p;
  }

  private constructor(
    private readonly ctx: Ctx,
    private evaluation: Evaluation,
  ) {
    const media = vscode.Uri.joinPath(ctx.extension.extensionUri, 'dist');
    const file = evaluation.input.path.split(/[\\/]/).pop() ?? evaluation.input.path;
    this.panel = vscode.window.createWebviewPanel('ticketLens.evaluation', `Evaluation: ${evaluation.model.name} on ${file}`, vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [media],
      retainContextWhenHidden: true,
    });
    const nonce = randomBytes(16).toString('base64');
    const script = this.panel.webview.asWebviewUri(vscode.Uri.joinPath(media, 'evaluation-webview.js'));
    const csp = [`default-src 'none'`, `script-src 'nonce-${nonce}'`, `style-src ${this.panel.webview.cspSource} 'nonce-${nonce}'`, `img-src ${this.panel.webview.cspSource} data:`, `font-src ${this.panel.webview.cspSource}`].join('; ');
    this.panel.webview.html = `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Ticket Lens evaluation</title></head>
<body><main id="app" data-nonce="${nonce}">Loading…</main><script type="module" nonce="${nonce}" src="${script.toString()}"></script></body></html>`;
    this.panel.webview.onDidReceiveMessage((raw: unknown) => {
      const m = EvaluationWebviewToHost.safeParse(raw);
      if (!m.success) {
        this.ctx.log.warn(`evaluation: ignored a message from the webview: ${m.error.message}`);
        return;
      }
      this.onMessage(m.data).catch((err: unknown) => showError(this.ctx.log, `evaluation of ${this.evaluation.input.path}: ${m.data.type}`, err));
    });
    this.panel.onDidDispose(() => EvaluationPanel.panels.delete(keyOf(this.evaluation)));
  }

  private post(m: EvaluationHostToWebview): void {
    void this.panel.webview.postMessage(m);
  }

  private async onMessage(m: EvaluationWebviewToHost): Promise<void> {
    if (m.type === 'ready') this.post({ type: 'evaluation', evaluation: this.evaluation });
    else await vscode.commands.executeCommand('ticketLens.revealRow', { run: { manifest: { input: { path: this.evaluation.input.path } } }, row: m.row, line: m.line });
  }
}

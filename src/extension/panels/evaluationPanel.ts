/**
 * The evaluation webview (Evaluate Classifier): the evaluation the server computed, drawn by
 * webview/src/evaluation. Strict CSP with a per-panel nonce, as the profile's; the evaluation reaches
 * the page only as a typed message (src/shared/evaluation.ts) and its texts are rendered with
 * textContent. A row clicked in the page opens the CSV where that row starts.
 */
import * as vscode from 'vscode';
import { EvaluationWebviewToHost, type Evaluation, type EvaluationHostToWebview } from '../../shared/evaluation';
import type { Ctx } from '../ctx';
import { openWebviewPage } from './webviewPage';

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
    const file = evaluation.input.path.split(/[\\/]/).pop() ?? evaluation.input.path;
    this.panel = openWebviewPage(ctx, {
      viewType: 'ticketLens.evaluation',
      title: `Evaluation: ${evaluation.model.name} on ${file}`,
      script: 'evaluation-webview.js',
      pageTitle: 'Ticket Lens evaluation',
      incoming: EvaluationWebviewToHost,
      what: () => `evaluation of ${this.evaluation.input.path}`,
      onMessage: (m) => this.onMessage(m),
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

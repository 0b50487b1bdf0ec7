/** The status bar item: starting / ready on CPU or GPU / error; a click opens the log. */
import * as vscode from 'vscode';
import type { HealthResponse } from '../../shared/api';

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('ticketLens.status', vscode.StatusBarAlignment.Right, 100);

  constructor() {
    this.item.name = 'Ticket Lens';
    this.item.command = 'ticketLens.showLog';
    this.stopped();
    this.item.show();
  }

  starting(): void {
    this.item.text = '$(sync~spin) Ticket Lens';
    this.item.tooltip = 'Ticket Lens: starting the model server…';
    this.item.backgroundColor = undefined;
  }

  ready(h: HealthResponse): void {
    const where = h.device.active === 'cuda' ? 'GPU' : 'CPU';
    this.item.text = `$(pulse) Ticket Lens: ${where}`;
    this.item.tooltip = `Ticket Lens server ${h.version} — model ${h.model.id} (${h.dtype}) on ${where}. ${h.device.reason}. Click for the log.`;
    this.item.backgroundColor = undefined;
  }

  error(message: string): void {
    this.item.text = '$(error) Ticket Lens';
    this.item.tooltip = `Ticket Lens: ${message}. Click for the log.`;
    this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
  }

  stopped(): void {
    this.item.text = '$(circle-outline) Ticket Lens';
    this.item.tooltip = 'Ticket Lens: the model server starts on first use.';
    this.item.backgroundColor = undefined;
  }

  dispose(): void {
    this.item.dispose();
  }
}

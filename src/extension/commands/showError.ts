/** The one way a command reports a failure: logged with what was being done, and shown with the server's message. */
import * as vscode from 'vscode';
import { errorMessage } from '../errorMessage';

export function showError(log: vscode.LogOutputChannel, doing: string, err: unknown): void {
  const message = errorMessage(err);
  log.error(`${doing}: ${message}`);
  void vscode.window.showErrorMessage(`Ticket Lens: ${message}`);
}

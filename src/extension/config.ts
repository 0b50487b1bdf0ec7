/** The `ticketLens.*` settings from the VS Code configuration, through the rules in settings.ts. */
import * as vscode from 'vscode';
import { parseConfig, type Config } from './settings';

/** Invalid values fall back to their defaults; `log` records why. */
export function readConfig(log: { warn(message: string): void }): Config {
  const c = vscode.workspace.getConfiguration('ticketLens');
  return parseConfig(
    (key) => c.get<unknown>(key),
    (key) => c.inspect<unknown>(key),
    vscode.workspace.isTrusted,
    (message) => log.warn(message),
  );
}

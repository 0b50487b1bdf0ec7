/** The `ticketLens.*` settings and the workspace folders from VS Code, through the rules in settings.ts and allowedRoots.ts. */
import { statSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { allowedRoots } from './allowedRoots';
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

/** The folders the server may read and write now (see allowedRoots.ts). */
export function readRoots(extension: vscode.ExtensionContext): string[] {
  const own = vscode.workspace.getConfiguration('ticketLens').inspect<unknown>('classifierModel')?.globalValue;
  return allowedRoots({
    // A folder on another file system (a virtual workspace) holds nothing the server could read.
    workspaceFolders: (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath),
    userClassifier: typeof own === 'string' ? own : undefined,
    isFolder: (dir) => statSync(dir, { throwIfNoEntry: false })?.isDirectory() ?? false,
    fallback: extension.asAbsolutePath(path.join('models', 'classifiers')),
  });
}

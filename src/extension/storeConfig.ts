/** The ticket store of this window, from `ticketLens.database`, SecretStorage and the workspace (rules in storeLocation.ts). */
import * as vscode from 'vscode';
import type { StoreLocation } from '../shared/api';
import { readConfig } from './config';
import { parseDatabaseSetting, passwordKey, storeLocation, type DatabaseSetting } from './storeLocation';

export const DATABASE_SETTING = 'ticketLens.database';

/** Throws (with what to do) when the setting is not valid. */
export function readDatabaseSetting(log: { warn(message: string): void }): DatabaseSetting {
  return parseDatabaseSetting(readConfig(log).database);
}

/** The first workspace folder on disk: the embedded store's home. */
export function workspaceDir(): string | null {
  return (vscode.workspace.workspaceFolders ?? []).find((f) => f.uri.scheme === 'file')?.uri.fsPath ?? null;
}

export async function storedPassword(extension: vscode.ExtensionContext, url: string): Promise<string | null> {
  return (await extension.secrets.get(passwordKey(url))) ?? null;
}

export async function storePassword(extension: vscode.ExtensionContext, url: string, password: string | null): Promise<void> {
  if (password) await extension.secrets.store(passwordKey(url), password);
  else await extension.secrets.delete(passwordKey(url));
}

/** The store to send with a request, its password (if any) put in; throws when there is none to use. */
export async function currentStore(extension: vscode.ExtensionContext, log: { warn(message: string): void }): Promise<StoreLocation> {
  const setting = readDatabaseSetting(log);
  const password = setting.kind === 'server' ? await storedPassword(extension, setting.url) : null;
  return storeLocation(setting, password, workspaceDir());
}

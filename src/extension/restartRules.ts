/**
 * When the running model server no longer matches what it would be started with now: settings it
 * reads only at start (model, device, dtype) and the folders it may read and write. The rules live
 * here without the editor so they can be tested; serverWatch.ts applies them to VS Code's events.
 */
import type { Config, SettingKey } from './settings';

/** Settings the server reads once, at start: a change takes effect only with a restart. */
export const RESTART_SETTINGS = ['modelPath', 'device', 'dtype'] as const satisfies readonly SettingKey[];

/** What a server was started with. */
export interface Launched {
  config: Pick<Config, (typeof RESTART_SETTINGS)[number]>;
  roots: readonly string[];
}

/**
 * The start-time settings whose value now differs from the running server's, in declaration order.
 * Comparing values, not change events, means a setting changed and changed back asks nothing.
 */
export function settingsNeedingRestart(running: Launched['config'], now: Config): SettingKey[] {
  return RESTART_SETTINGS.filter((key) => running[key] !== now[key]);
}

/** "Changing ticketLens.dtype requires …", naming every setting; `busy` warns that a job would stop. */
export function restartMessage(keys: readonly SettingKey[], busy: boolean): string {
  const names = keys.map((k) => `ticketLens.${k}`);
  const list = names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
  return `Changing ${list} requires restarting the model server${busy ? '; restarting now stops the running job' : ''}.`;
}

/** The same set of folders, whatever the order. */
export function sameRoots(a: readonly string[], b: readonly string[]): boolean {
  const set = new Set(a);
  return set.size === new Set(b).size && b.every((r) => set.has(r));
}

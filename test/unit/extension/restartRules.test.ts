/**
 * When the running model server needs a restart (src/extension/restartRules.ts): a setting it reads
 * only at start differs from what it was started with, compared by value, and the message names each.
 * The settings come from parseConfig, as the extension reads them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RESTART_SETTINGS, restartMessage, sameRoots, settingsNeedingRestart, type Launched } from '../../../src/extension/restartRules';
import { parseConfig, type Config, type SettingKey } from '../../../src/extension/settings';

const config = (user: Partial<Record<SettingKey, unknown>>): Config => parseConfig((k) => user[k], (k) => ({ globalValue: user[k] }), true);
const launchedWith = (c: Config): Launched['config'] => ({ modelPath: c.modelPath, device: c.device, dtype: c.dtype });

describe('settings that need a restart', () => {
  it('are the model path, device and dtype: the settings whose descriptions say a change applies on restart', () => {
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { contributes: { configuration: { properties: Record<string, { markdownDescription: string }> } } };
    const saysRestart = Object.entries(pkg.contributes.configuration.properties)
      .filter(([, v]) => /applies when the model server restarts/.test(v.markdownDescription))
      .map(([k]) => k.replace(/^ticketLens\./, ''));
    expect([...RESTART_SETTINGS]).toEqual(saysRestart);
  });

  it('a changed dtype, device or model path needs a restart; each is named', () => {
    const running = launchedWith(config({}));
    expect(settingsNeedingRestart(running, config({ dtype: 'fp32' }))).toEqual(['dtype']);
    expect(settingsNeedingRestart(running, config({ device: 'cpu', modelPath: '/models/mine' }))).toEqual(['modelPath', 'device']);
    expect(restartMessage(['dtype'], false)).toBe('Changing ticketLens.dtype requires restarting the model server.');
    expect(restartMessage(['modelPath', 'device', 'dtype'], false)).toBe('Changing ticketLens.modelPath, ticketLens.device and ticketLens.dtype requires restarting the model server.');
    expect(restartMessage(['device'], true)).toMatch(/restarting now stops the running job\.$/);
  });

  it('other settings never do, and a value changed back to the running one needs none', () => {
    const running = launchedWith(config({ dtype: 'fp32', device: 'cpu' }));
    expect(settingsNeedingRestart(running, config({ dtype: 'fp32', device: 'cpu', depth: 3, claudeModel: 'claude-sonnet-4-5', classifierModel: '', concurrency: 8, maxTokens: 1000 }))).toEqual([]);
    expect(settingsNeedingRestart(running, config({ dtype: 'q8', device: 'cpu' }))).toEqual(['dtype']);
    expect(settingsNeedingRestart(running, config({ dtype: 'fp32', device: 'cpu' }))).toEqual([]);
  });

  it('an invalid new value is compared as the default it falls back to', () => {
    const running = launchedWith(config({}));
    expect(settingsNeedingRestart(running, config({ dtype: 'fp16', device: 'gpu' }))).toEqual([]);
  });
});

describe('allowed roots compared', () => {
  it('as sets: order does not matter, a folder added or removed does', () => {
    expect(sameRoots(['/a', '/b'], ['/b', '/a'])).toBe(true);
    expect(sameRoots(['/a'], ['/a', '/b'])).toBe(false);
    expect(sameRoots(['/a', '/b'], ['/a'])).toBe(false);
    expect(sameRoots([], [])).toBe(true);
  });
});

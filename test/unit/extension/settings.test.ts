/**
 * The extension's settings rules (src/extension/settings.ts): defaults, the workspace-trust rule for
 * settings that point at files to load, and invalid values. Settings come from two scopes, as in
 * VS Code: the user's (global) and the workspace's, the workspace's winning where both are set.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Device, Dtype } from '../../../src/shared/api';
import { defaultConfig, labelOptions, parseConfig, RESTRICTED_SETTINGS, type Config, type SettingKey } from '../../../src/extension/settings';
import { LabelOptions } from '../../../src/shared/api';

interface Contributed {
  contributes: {
    configuration: { properties: Record<string, { default: unknown; enum?: string[]; scope?: string }> };
  };
  capabilities: { untrustedWorkspaces: { restrictedConfigurations: string[] } };
}
const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as Contributed;
const declared = pkg.contributes.configuration.properties;

type Scope = Partial<Record<SettingKey, unknown>>;

/** Reads settings the way the adapter does, from a user scope and a workspace scope. */
function read(scopes: { user?: Scope; workspace?: Scope }, trusted = true): { config: Config; warnings: string[] } {
  const warnings: string[] = [];
  const config = parseConfig(
    (key) => scopes.workspace?.[key] ?? scopes.user?.[key],
    (key) => ({ globalValue: scopes.user?.[key] }),
    trusted,
    (m) => warnings.push(m),
  );
  return { config, warnings };
}

describe('settings', () => {
  it('nothing set: the defaults package.json declares, for every setting it declares', () => {
    const { config, warnings } = read({});
    expect(warnings).toEqual([]);
    const expected = Object.fromEntries(Object.entries(declared).map(([k, v]) => [k.replace(/^ticketLens\./, ''), v.default]));
    expect(config).toEqual(expected);
    expect(defaultConfig()).toEqual(expected);
  });

  it('device and dtype accept exactly the values package.json offers', () => {
    expect(Device.options).toEqual(declared['ticketLens.device'].enum);
    expect(Dtype.options).toEqual(declared['ticketLens.dtype'].enum);
    for (const device of Device.options) expect(read({ user: { device } }).config.device).toBe(device);
    for (const dtype of Dtype.options) expect(read({ user: { dtype } }).config.dtype).toBe(dtype);
  });

  it('a workspace value wins over the user value in a trusted workspace', () => {
    const { config } = read({ user: { modelPath: '/home/me/model', classifierModel: 'banking77', depth: 1 }, workspace: { modelPath: './model', classifierModel: 'models/x.tlc', depth: 3 } });
    expect(config).toMatchObject({ modelPath: './model', classifierModel: 'models/x.tlc', depth: 3 });
  });

  it('an untrusted workspace cannot set modelPath or classifierModel: only the user value counts', () => {
    expect(RESTRICTED_SETTINGS.map((k) => `ticketLens.${k}`).sort()).toEqual([...pkg.capabilities.untrustedWorkspaces.restrictedConfigurations].sort());
    const workspace = { modelPath: '/tmp/evil-model', classifierModel: '/tmp/evil.tlc', depth: 3, device: 'cpu' };
    const withUser = read({ user: { modelPath: '/home/me/model', classifierModel: 'banking77' }, workspace }, false).config;
    expect(withUser).toMatchObject({ modelPath: '/home/me/model', classifierModel: 'banking77' });
    // Settings that load nothing still come from the workspace.
    expect(withUser).toMatchObject({ depth: 3, device: 'cpu' });
    const withoutUser = read({ workspace }, false).config;
    expect(withoutUser).toMatchObject({ modelPath: '', classifierModel: 'bitext' });
  });

  it('an invalid device or dtype falls back to the default, with a warning naming the setting and the value', () => {
    const { config, warnings } = read({ user: { device: 'gpu', dtype: 'fp16' } });
    expect(config.device).toBe('auto');
    expect(config.dtype).toBe('q8');
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/^ticketLens\.device: "gpu" is not valid \(.+\); using "auto"\.$/);
    expect(warnings[1]).toMatch(/^ticketLens\.dtype: "fp16" is not valid \(.+\); using "q8"\.$/);
  });

  it('minClusterSize: "auto" or a whole number ≥ 2, written as text or as a number', () => {
    expect(read({ user: { minClusterSize: 'auto' } }).config.minClusterSize).toBe('auto');
    expect(read({ user: { minClusterSize: '15' } }).config.minClusterSize).toBe(15);
    expect(read({ user: { minClusterSize: 12 } }).config.minClusterSize).toBe(12);
    for (const bad of ['many', '', '1', '7.5']) {
      const { config, warnings } = read({ user: { minClusterSize: bad } });
      expect(config.minClusterSize, bad).toBe('auto');
      expect(warnings, bad).toEqual([expect.stringMatching(/^ticketLens\.minClusterSize: /)]);
    }
  });

  it('out-of-range and wrongly typed values fall back with a warning; valid ones give none', () => {
    const { config, warnings } = read({ workspace: { depth: 9, concurrency: 0, redactPii: 'no', zeroShotSets: 'sentiment' } });
    expect(config).toMatchObject({ depth: 2, concurrency: 4, redactPii: true, zeroShotSets: ['category', 'priority', 'sentiment'] });
    expect(warnings.map((w) => w.split(':')[0])).toEqual(['ticketLens.depth', 'ticketLens.concurrency', 'ticketLens.redactPii', 'ticketLens.zeroShotSets']);
    const ok = read({ workspace: { depth: 4, concurrency: 16, redactPii: false, zeroShotSets: [], claudeModel: 'claude-sonnet-4-5' } });
    expect(ok.warnings).toEqual([]);
    expect(ok.config).toMatchObject({ depth: 4, concurrency: 16, redactPii: false, zeroShotSets: [], claudeModel: 'claude-sonnet-4-5' });
  });

  it('each read gets its own default lists, so a caller changing one changes no other', () => {
    const a = read({}).config;
    a.zeroShotSets.push('mine');
    expect(read({}).config.zeroShotSets).toEqual(['category', 'priority', 'sentiment']);
  });

  it('the Claude model, redaction and the labelling caps are user settings only: a workspace cannot pick the model, switch redaction off or raise a cap', () => {
    for (const key of ['claudeModel', 'redactPii', 'maxTokens', 'budgetUsd', 'deadlineMinutes']) expect(declared[`ticketLens.${key}`]?.scope, key).toBe('application');
  });

  it('every labelling request carries the model, redaction and the caps; a cap of 0 is none', () => {
    const none = labelOptions(read({}).config);
    expect(none).toMatchObject({ model: defaultConfig().claudeModel, redact: true, maxTokens: null, budgetUsd: null, deadlineMs: null });
    const capped = labelOptions(read({ user: { claudeModel: 'claude-sonnet-4-5', redactPii: false, maxTokens: 50_000, budgetUsd: 0.5, deadlineMinutes: 2.5 } }).config);
    expect(capped).toMatchObject({ model: 'claude-sonnet-4-5', redact: false, maxTokens: 50_000, budgetUsd: 0.5, deadlineMs: 150_000 });
    // What the server's schema accepts, unchanged.
    expect(LabelOptions.parse(capped)).toMatchObject(capped);
    expect(LabelOptions.parse(labelOptions(read({ user: { deadlineMinutes: 0.00001 } }).config)).deadlineMs).toBe(1);
  });

  it('a negative or non-numeric cap falls back to none, with a warning', () => {
    const { config, warnings } = read({ user: { maxTokens: -5, budgetUsd: 'lots', deadlineMinutes: 1.5 } });
    expect(config).toMatchObject({ maxTokens: 0, budgetUsd: 0, deadlineMinutes: 1.5 });
    expect(warnings.map((w) => w.split(':')[0])).toEqual(['ticketLens.maxTokens', 'ticketLens.budgetUsd']);
  });
});

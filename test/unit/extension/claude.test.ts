/**
 * What the extension makes of Claude's answers, through its typed client against the real server and
 * the real SDK, the fake Claude API on 127.0.0.1 standing in for api.anthropic.com:
 * - the key and model check (Set API Key, a changed ticketLens.claudeModel) → store the key or not,
 *   offer the models the key can use (src/extension/keyCheck.ts);
 * - a labelling job that Claude refuses or a cap stops → the message and the action that fixes it
 *   (src/extension/labelReport.ts), with the options the settings give (labelOptions).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LABEL_MODEL, type LabelOptionsInput } from '../../../src/shared/api';
import { ServerClient } from '../../../src/extension/client';
import { adviceOf, modelPicks, type CheckAdvice } from '../../../src/extension/keyCheck';
import { CHOOSE_MODEL, labelReport, SET_API_KEY } from '../../../src/extension/labelReport';
import { outcomeOf } from '../../../src/extension/runJob';
import { labelOptions, parseConfig, type SettingKey } from '../../../src/extension/settings';
import { silentLogger } from '../../../src/server/log';
import type { RunningServer } from '../../../src/server/serve';
import { FAKE_MODELS, labelFromPrompt, startFakeAnthropic, type FakeAnthropic, type FakeOptions, type Reply } from '../../support/fakeAnthropic';
import { modelDir } from '../../support/model';
import { buildRunFixture, targetsOf, type RunFixture } from '../label/runFixture';

const KEY = 'sk-ant-test-extension-0123456789abcdef';
let server: RunningServer;
let client: ServerClient;
let fx: RunFixture;
let fake: FakeAnthropic | null = null;

beforeAll(async () => {
  const { startServer } = await import('../../../src/server/serve');
  server = await startServer({ modelDir: modelDir(), device: 'cpu', cacheDir: mkdtempSync(join(tmpdir(), 'tl-ext-claude-')), log: silentLogger });
  client = new ServerClient(server.url, server.token);
  fx = await buildRunFixture('tl-ext-claude-run-');
});
afterAll(async () => {
  await server.close();
});
afterEach(async () => {
  await fake?.close();
  fake = null;
});

const label = (r: Parameters<typeof labelFromPrompt>[0]): Reply => ({ kind: 'tool', input: labelFromPrompt(r) });
const noMessages = (): Reply => ({ kind: 'error', status: 500, type: 'api_error', message: 'a check must not call the Messages API' });

async function advice(apiKey: string, model: string, o: FakeOptions = {}): Promise<CheckAdvice> {
  fake ??= await startFakeAnthropic(noMessages, { keys: [KEY], ...o });
  return adviceOf(await client.labelCheck({ apiKey, model, baseURL: fake.url }));
}

describe('checking the key and the model', () => {
  it('a good key and a served model: store the key, nothing to choose', async () => {
    const a = await advice(KEY, DEFAULT_LABEL_MODEL);
    expect(a).toMatchObject({ key: 'accepted', model: 'available' });
    expect(a.message).toContain(DEFAULT_LABEL_MODEL);
  });

  it('an alias: the message names the model it resolves to', async () => {
    const a = await advice(KEY, 'claude-haiku-4-5', { aliases: { 'claude-haiku-4-5': 'claude-haiku-4-5-20251001' } });
    expect(a).toMatchObject({ key: 'accepted', model: 'available' });
    expect(a.message).toBe('The key can use claude-haiku-4-5 (claude-haiku-4-5-20251001).');
  });

  it('a refused key (401): not stored unasked, with the reason, and the key appears nowhere in it', async () => {
    const wrong = 'sk-ant-wrong-key-fedcba9876543210';
    const a = await advice(wrong, DEFAULT_LABEL_MODEL);
    expect(a).toMatchObject({ key: 'refused', model: 'unknown', models: [] });
    expect(a.message).toMatch(/rejected the API key \(401/);
    expect(JSON.stringify(a)).not.toContain(wrong);
  });

  it('a key that may not list models (403): refused', async () => {
    const a = await advice(KEY, DEFAULT_LABEL_MODEL, { modelsScript: () => ({ kind: 'error', status: 403, type: 'permission_error', message: 'not allowed' }) });
    expect(a.key).toBe('refused');
  });

  it('a model the API does not serve: the key is stored, and the models it can use are offered, newest first', async () => {
    const a = await advice(KEY, 'claude-haiku-9-9');
    expect(a).toMatchObject({ key: 'accepted', model: 'unavailable' });
    expect(a.message).toMatch(/does not serve the model id 'claude-haiku-9-9'/);
    expect(a.models.map((m) => m.id)).toEqual(FAKE_MODELS.map((m) => m.id));
    expect(modelPicks(a.models, FAKE_MODELS[1].id)).toEqual([
      { label: FAKE_MODELS[0].id, description: FAKE_MODELS[0].display_name, id: FAKE_MODELS[0].id },
      { label: FAKE_MODELS[1].id, description: `${FAKE_MODELS[1].display_name} (current)`, id: FAKE_MODELS[1].id },
    ]);
  });

  it('no access to the chosen model only (403): the key is stored, other models are offered', async () => {
    const a = await advice(KEY, DEFAULT_LABEL_MODEL, { modelsScript: (p) => (p.startsWith('/v1/models/') ? { kind: 'error', status: 403, type: 'permission_error' } : null) });
    expect(a).toMatchObject({ key: 'accepted', model: 'unavailable' });
    expect(a.models.length).toBe(FAKE_MODELS.length);
  });

  it('the API cannot be reached: unknown, neither refused nor stored unasked', async () => {
    const a = adviceOf(await client.labelCheck({ apiKey: KEY, model: DEFAULT_LABEL_MODEL, baseURL: 'http://127.0.0.1:9' }));
    expect(a).toMatchObject({ key: 'unknown', model: 'unknown' });
    expect(a.message).toMatch(/Could not reach the Claude API/);
  });
});

// The server caches labels by prompt and model: each test labels with a model of its own, so that every
// cluster is asked of the fake API, not answered from an earlier test's cache.
describe('a labelling job, with the options the settings give', () => {
  /** The options labelClusters sends for these user settings, pointed at the fake API. */
  const optionsFor = (user: Partial<Record<SettingKey, unknown>>): LabelOptionsInput => ({
    ...labelOptions(parseConfig((k) => user[k], (k) => ({ globalValue: user[k] }), true)),
    baseURL: fake?.url ?? null,
    baseDelayMs: 20,
    timeoutMs: 5000,
  });
  const labelJob = async (apiKey: string, options: LabelOptionsInput) => {
    const runDir = fx.freshRun();
    const job = await client.label(runDir, apiKey, options);
    return { runDir, report: labelReport(outcomeOf(await client.waitForJob(job.id, () => {}, () => false))) };
  };

  it('succeeds: how many clusters Claude labelled', async () => {
    fake = await startFakeAnthropic(label, { keys: [KEY] });
    const { runDir, report } = await labelJob(KEY, optionsFor({ claudeModel: FAKE_MODELS[1].id }));
    expect(report).toEqual({ severity: 'info', message: expect.stringMatching(new RegExp(`^${targetsOf(runDir).length} clusters labelled by Claude, 0 with keywords`)) as unknown, action: null });
  });

  it('a refused key stops the job: an error with the server’s reason and a Set API Key action', async () => {
    fake = await startFakeAnthropic(label, { keys: [KEY] });
    const { report } = await labelJob('sk-ant-wrong-key-fedcba9876543210', optionsFor({}));
    expect(report).toEqual({ severity: 'error', message: 'labelling stopped: Claude rejected the API key (401 authentication_error) — set a valid key. Finished labels are kept.', action: SET_API_KEY });
  });

  it('a model Claude does not serve stops the job: an error with a Choose a Model action', async () => {
    fake = await startFakeAnthropic(() => ({ kind: 'error', status: 404, type: 'not_found_error', message: 'model: claude-haiku-9-9' }));
    const { report } = await labelJob(KEY, optionsFor({ claudeModel: 'claude-haiku-9-9' }));
    expect(report.severity).toBe('error');
    expect(report.message).toMatch(/^labelling stopped: Claude rejected the model id 'claude-haiku-9-9' \(404 not_found_error\)/);
    expect(report.action).toBe(CHOOSE_MODEL);
  });

  it('ticketLens.maxTokens stops the sending: a warning naming the cap, what was labelled kept', async () => {
    fake = await startFakeAnthropic(label, { keys: [KEY] });
    const { runDir, report } = await labelJob(KEY, optionsFor({ claudeModel: 'claude-opus-4-5', maxTokens: 2500, concurrency: 1 }));
    expect(report.severity).toBe('warning');
    expect(report.message).toMatch(/^labelling stopped early: the cap of 2500 tokens was reached .*; run it again to continue\.$/);
    expect(report.action).toBeNull();
    expect(fake.requests.length).toBeGreaterThan(0);
    expect(fake.requests.length).toBeLessThan(targetsOf(runDir).length);
  });
});

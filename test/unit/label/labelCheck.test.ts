/**
 * POST /label/check, what the extension calls on Set API Key and when the model setting changes: the
 * key and the model against the Models API (models.list, models.retrieve) through the real SDK and
 * server, the fake API on 127.0.0.1 standing in for api.anthropic.com.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LABEL_MODEL, ErrorBody, LabelCheckResult, type LabelCheckRequest } from '../../../src/shared/api';
import type { Logger } from '../../../src/server/log';
import type { RunningServer } from '../../../src/server/serve';
import { FAKE_MODELS, startFakeAnthropic, type FakeAnthropic, type FakeOptions, type Reply } from '../../support/fakeAnthropic';
import { modelDir } from '../../support/model';

const KEY = 'sk-ant-test-check-0123456789abcdef';
const logLines: string[] = [];
const push = (m: string) => void logLines.push(m);
const log: Logger = { debug: push, info: push, warn: push, error: push };
let server: RunningServer;
let fake: FakeAnthropic | null = null;

beforeAll(async () => {
  const { startServer } = await import('../../../src/server/serve');
  server = await startServer({ modelDir: modelDir(), device: 'cpu', cacheDir: mkdtempSync(join(tmpdir(), 'tl-label-check-')), log });
});
afterAll(async () => {
  await server.close();
});
afterEach(async () => {
  await fake?.close();
  fake = null;
});

const noMessages = (): Reply => ({ kind: 'error', status: 500, type: 'api_error', message: 'the check must not call the Messages API' });
const post = (path: string, body: unknown) =>
  fetch(`${server.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
async function check(body: Partial<LabelCheckRequest>, o: FakeOptions = {}): Promise<{ result: LabelCheckResult; raw: string }> {
  fake ??= await startFakeAnthropic(noMessages, { keys: [KEY], ...o });
  const res = await post('/label/check', { apiKey: KEY, baseURL: fake.url, ...body });
  const raw = await res.text();
  expect(res.status, raw).toBe(200);
  return { result: LabelCheckResult.parse(JSON.parse(raw)), raw };
}

describe('POST /label/check', () => {
  it('lists every model the key can use, over several pages, and confirms the default model', async () => {
    const { result } = await check({}, { pageSize: 1 });
    expect(result).toMatchObject({ ok: true, model: DEFAULT_LABEL_MODEL, modelAvailable: true, resolvedModel: DEFAULT_LABEL_MODEL, error: null });
    expect(result.models).toEqual(FAKE_MODELS.map((m) => ({ id: m.id, displayName: m.display_name })));
    expect(fake!.modelRequests.filter((p) => p.startsWith('/v1/models?')).length).toBe(FAKE_MODELS.length);
    expect(fake!.modelRequests).toContain(`/v1/models/${DEFAULT_LABEL_MODEL}`);
    expect(fake!.requests).toHaveLength(0);
  });

  it('an alias resolves to its model id', async () => {
    const { result } = await check({ model: 'claude-haiku-4-5' }, { aliases: { 'claude-haiku-4-5': 'claude-haiku-4-5-20251001' } });
    expect(result).toMatchObject({ ok: true, modelAvailable: true, resolvedModel: 'claude-haiku-4-5-20251001' });
  });

  it('a model id the API does not serve: the key is fine, the model is not, and the answer says so', async () => {
    const { result } = await check({ model: 'claude-haiku-9-9' });
    expect(result).toMatchObject({ ok: true, modelAvailable: false, resolvedModel: null });
    expect(result.models.length).toBe(FAKE_MODELS.length);
    expect(result.error).toEqual({ code: 'llm_model_not_found', message: "Claude does not serve the model id 'claude-haiku-9-9' (404 not_found_error) — choose another model." });
  });

  it('a retired model cannot be chosen', async () => {
    const { result } = await check({ model: 'claude-old-1' }, { models: [...FAKE_MODELS, { id: 'claude-old-1', display_name: 'Claude Old 1', created_at: '2024-01-01T00:00:00Z', lifecycle: 'retired' }] });
    expect(result).toMatchObject({ ok: true, modelAvailable: false, error: { code: 'llm_model_not_found' } });
  });

  it('a wrong key: ok false with the reason, and the key is neither echoed nor logged', async () => {
    const wrong = 'sk-ant-wrong-key-fedcba9876543210';
    const { result, raw } = await check({ apiKey: wrong });
    expect(result).toMatchObject({ ok: false, models: [], modelAvailable: false });
    expect(result.error).toEqual({ code: 'llm_auth_failed', message: 'Claude rejected the API key (401 authentication_error) — set a valid key.' });
    expect(raw + logLines.join('\n')).not.toContain(wrong);
    expect(logLines.join('\n')).not.toContain(KEY);
  });

  it('no access (403) on the Models API', async () => {
    const { result } = await check({}, { modelsScript: () => ({ kind: 'error', status: 403, type: 'permission_error', message: 'not allowed' }) });
    expect(result).toMatchObject({ ok: false, error: { code: 'llm_forbidden', message: expect.stringMatching(/403 permission_error/) as unknown } });
  });

  it('no access (403) to the chosen model only', async () => {
    const { result } = await check({}, { modelsScript: (p) => (p.startsWith('/v1/models/') ? { kind: 'error', status: 403, type: 'permission_error', message: 'not allowed' } : null) });
    expect(result).toMatchObject({ ok: true, modelAvailable: false, error: { code: 'llm_forbidden', message: expect.stringMatching(/no access to the model 'claude-haiku-5-5'/) as unknown } });
  });

  it('the API cannot be reached: llm_unavailable naming the URL', async () => {
    const res = await post('/label/check', { apiKey: KEY, baseURL: 'http://127.0.0.1:9' });
    const result = LabelCheckResult.parse(await res.json());
    expect(result).toMatchObject({ ok: false, error: { code: 'llm_unavailable', message: expect.stringMatching(/Could not reach the Claude API at http:\/\/127\.0\.0\.1:9 \(connection failed\)/) as unknown } });
  });

  it('is validated and documented: no key is a bad request; the OpenAPI document has the route', async () => {
    const res = await post('/label/check', { model: 'claude-haiku-5-5' });
    expect(res.status).toBe(400);
    expect(ErrorBody.parse(await res.json()).error.message).toMatch(/apiKey/);
    const doc = (await (await fetch(`${server.url}/openapi.json`, { headers: { authorization: `Bearer ${server.token}` } })).json()) as { paths: Record<string, Record<string, unknown>> };
    const route = JSON.stringify(doc.paths['/label/check']);
    expect(route).toContain('"apiKey"');
    expect(route).toContain('"modelAvailable"');
  });
});

describe('ticket-lens label --check', () => {
  it('lists the models with the chosen one starred; a wrong key exits 1 with the reason and without the key', async () => {
    const { runCli } = await import('../../support/cli');
    fake = await startFakeAnthropic(noMessages, { keys: [KEY] });
    const good = await runCli(['label', '--check', '--base-url', fake.url], { ANTHROPIC_API_KEY: KEY });
    expect(good.code, good.stderr).toBe(0);
    expect(good.stdout).toMatch(/^\* claude-haiku-5-5 {2}Claude Haiku 5\.5$/m);
    expect(good.stdout).toMatch(/^claude-haiku-5-5: available$/m);
    const wrong = 'sk-ant-wrong-cli-key-0123456789';
    const bad = await runCli(['label', '--check', '--base-url', fake.url], { ANTHROPIC_API_KEY: wrong });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/Claude rejected the API key \(401 authentication_error\)/);
    expect(bad.stdout + bad.stderr).not.toContain(wrong);
    expect(fake.requests).toHaveLength(0);
  });
});

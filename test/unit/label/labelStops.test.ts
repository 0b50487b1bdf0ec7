/**
 * Labelling stops instead of failing every cluster: a refusal every request would get (401, 403,
 * 404) fails the job with its cause; a token cap, a dollar cap or the deadline stops the sending.
 * Either way what was labelled is kept and the run says partial. Every answer's usage counts,
 * invalid answers and repair turns too, and a label whose caching fails is kept. The real SDK
 * against the fake API on 127.0.0.1, on a real run folder.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { JobInfo, LabelOptions, TicketLensError, type LabelResult } from '../../../src/shared/api';
import { labelRun } from '../../../src/server/label/labelRun';
import { silentLogger, type Logger } from '../../../src/server/log';
import { labelFromPrompt, startFakeAnthropic, type FakeAnthropic, type RecordedRequest, type Reply } from '../../support/fakeAnthropic';
import { modelDir } from '../../support/model';
import { buildRunFixture, manifestOf, targetsOf, type RunFixture } from './runFixture';

const KEY = 'sk-ant-test-stops-0123456789abcdef';
let fx: RunFixture;
let fake: FakeAnthropic | null = null;

beforeAll(async () => {
  fx = await buildRunFixture('tl-label-stops-');
});
afterEach(async () => {
  await fake?.close();
  fake = null;
});

const opts = (o: Partial<LabelOptions> = {}) => LabelOptions.parse({ baseURL: fake?.url ?? 'http://127.0.0.1:9', baseDelayMs: 20, timeoutMs: 5000, ...o });
const deps = (extra: Record<string, unknown> = {}) => ({ apiKey: KEY, cacheDir: mkdtempSync(join(fx.root, 'cache-')), log: silentLogger, ...extra });
const ok = (r: RecordedRequest): Reply => ({ kind: 'tool', input: labelFromPrompt(r) });
const failureOf = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected the label job to fail');
    },
    (e: unknown) => e,
  );
function capture(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  const push = (m: string) => void lines.push(m);
  return { log: { debug: push, info: push, warn: push, error: push }, lines };
}
const total = (u: LabelResult['usage']) => u.inputTokens + u.outputTokens;

describe('a refusal every request would get stops the job', () => {
  it.each([
    [401, 'authentication_error', 'llm_auth_failed', /^Claude rejected the API key \(401 authentication_error\) — set a valid key\.$/],
    [403, 'permission_error', 'llm_forbidden', /no access to the model 'claude-haiku-5-5' \(403 permission_error\)/],
    [404, 'not_found_error', 'llm_model_not_found', /^Claude rejected the model id 'claude-haiku-5-5' \(404 not_found_error\) — choose another model/],
  ])('%i %s: nothing is sent after it, the labels so far stay, the run says partial, the job fails with %s', async (status, type, code, message) => {
    let n = 0;
    fake = await startFakeAnthropic((q) => (++n <= 2 ? ok(q) : { kind: 'error', status, type, message: `${type}: invalid x-api-key` }));
    const run = fx.freshRun();
    expect(targetsOf(run).length).toBeGreaterThan(4);
    const { log, lines } = capture();
    const err = await failureOf(labelRun(run, opts({ concurrency: 1 }), deps({ log })));
    expect(err).toBeInstanceOf(TicketLensError);
    expect((err as TicketLensError).code).toBe(code);
    expect((err as TicketLensError).message).toMatch(message);
    expect(fake.requests).toHaveLength(3);
    expect(targetsOf(run).filter((c) => c.labelSource === 'llm')).toHaveLength(2);
    expect(manifestOf(run).labelling.state).toBe('partial');
    const everything = (err as Error).message + lines.join('\n') + readFileSync(join(run, 'clusters.json'), 'utf8') + readFileSync(join(run, 'run.json'), 'utf8');
    expect(everything).not.toContain(KEY);
  });

  it('with requests in flight, none starts after the first refusal', async () => {
    fake = await startFakeAnthropic(() => ({ kind: 'error', status: 404, type: 'not_found_error', message: 'model: claude-haiku-5-5' }));
    const run = fx.freshRun();
    const err = await failureOf(labelRun(run, opts({ concurrency: 4 }), deps()));
    expect((err as TicketLensError).code).toBe('llm_model_not_found');
    expect(fake.requests.length).toBeLessThanOrEqual(4);
    expect(targetsOf(run).length).toBeGreaterThan(4);
    for (const c of targetsOf(run)) expect(c.labelSource).toBe('keywords');
    expect(manifestOf(run).labelling.state).toBe('partial');
  });

  it('through POST /label the job fails with the code and says why, and the key appears nowhere', async () => {
    const { startServer } = await import('../../../src/server/serve');
    fake = await startFakeAnthropic(() => ({ kind: 'error', status: 401, type: 'authentication_error', message: 'invalid x-api-key' }));
    const { log, lines } = capture();
    const server = await startServer({ modelDir: modelDir(), device: 'cpu', cacheDir: mkdtempSync(join(fx.root, 'srv-')), log });
    try {
      const run = fx.freshRun();
      const res = await fetch(`${server.url}/label`, {
        method: 'POST',
        headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ runDir: run, apiKey: KEY, options: { baseURL: fake.url, concurrency: 1 } }),
      });
      expect(res.status).toBe(202);
      const job = await server.ctx.jobs.wait(JobInfo.parse(await res.json()).id);
      expect(job.state).toBe('failed');
      expect(job.error).toMatchObject({ code: 'llm_auth_failed', message: expect.stringMatching(/Claude rejected the API key \(401 authentication_error\)/) as unknown });
      expect(fake.requests).toHaveLength(1);
      expect(JSON.stringify(server.ctx.jobs.list()) + lines.join('\n')).not.toContain(KEY);
    } finally {
      await server.close();
    }
  });
});

describe('caps and the deadline stop the sending', () => {
  it('a token cap: no request is sent that could cross it; what is done stays; the result says why', async () => {
    fake = await startFakeAnthropic(ok);
    const run = fx.freshRun();
    const n = targetsOf(run).length;
    const maxTokens = 6000;
    const r = await labelRun(run, opts({ concurrency: 4, maxTokens }), deps());
    expect(total(r.usage)).toBeLessThanOrEqual(maxTokens);
    expect(r.stopped?.cause).toBe('tokens');
    expect(r.stopped?.message).toMatch(/cap of 6000 tokens/);
    expect(r.labelled).toBeGreaterThan(0);
    expect(r.labelled).toBeLessThan(n);
    expect(fake.requests).toHaveLength(r.labelled);
    expect(r.state).toBe('partial');
    expect(r.failures).toEqual([]);
    expect(manifestOf(run).labelling.state).toBe('partial');
    expect(targetsOf(run).filter((c) => c.labelSource === 'llm')).toHaveLength(r.labelled);
    expect(targetsOf(run).filter((c) => c.labelSource === 'keywords')).toHaveLength(n - r.labelled);
  });

  it('a dollar cap counts the requests in flight: concurrent requests do not overshoot it', async () => {
    fake = await startFakeAnthropic((q) => ({ kind: 'tool', input: labelFromPrompt(q), delayMs: 100 }));
    const run = fx.freshRun();
    const budgetUsd = 0.005;
    const r = await labelRun(run, opts({ concurrency: 4, budgetUsd }), deps());
    expect(r.costUsd).toBeGreaterThan(0);
    expect(r.costUsd).toBeLessThanOrEqual(budgetUsd);
    expect(r.stopped?.cause).toBe('budget');
    expect(r.state).toBe('partial');
  });

  it('the deadline: no request starts after it', async () => {
    fake = await startFakeAnthropic((q) => ({ kind: 'tool', input: labelFromPrompt(q), delayMs: 200 }));
    const run = fx.freshRun();
    const started = Date.now();
    const r = await labelRun(run, opts({ concurrency: 1, deadlineMs: 500 }), deps());
    for (const q of fake.requests) expect(q.at - started).toBeLessThan(500 + 50);
    expect(r.labelled).toBeGreaterThan(0);
    expect(r.labelled).toBeLessThan(targetsOf(run).length);
    expect(r.stopped?.cause).toBe('deadline');
    expect(r.state).toBe('partial');
    expect(manifestOf(run).labelling.state).toBe('partial');
  });
});

describe('usage and the cache', () => {
  it('counts the tokens of invalid answers and of repair turns, not only of labels', async () => {
    fake = await startFakeAnthropic((q) => ({ kind: 'tool', input: { ...labelFromPrompt(q), priority: 'Urgent' } }));
    const run = fx.freshRun();
    const r = await labelRun(run, opts(), deps());
    expect(r.labelled).toBe(0);
    expect(r.requests).toBe(2 * targetsOf(run).length);
    expect(r.usage.outputTokens).toBe(60 * r.requests);
    const sent = fake.requests.reduce((s, q) => s + Math.ceil(q.raw.length / 4), 0);
    expect(r.usage.inputTokens).toBe(sent);
    expect(r.costUsd).toBeGreaterThan(0);
    expect(manifestOf(run).labelling.usage).toEqual(r.usage);
  });

  it('keeps a paid label when writing the cache fails, and says so in the log', async () => {
    fake = await startFakeAnthropic(ok);
    const cacheDir = mkdtempSync(join(fx.root, 'cache-broken-'));
    writeFileSync(join(cacheDir, 'labels'), 'a file where the cache folder should be');
    const { log, lines } = capture();
    const run = fx.freshRun();
    const r = await labelRun(run, opts(), { ...deps({ log }), cacheDir });
    expect(r.state).toBe('complete');
    expect(r.labelled).toBe(targetsOf(run).length);
    for (const c of targetsOf(run)) expect(c.labelSource).toBe('llm');
    expect(lines.some((l) => /could not cache its label/.test(l))).toBe(true);
  });
});

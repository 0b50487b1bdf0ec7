/**
 * Labelling against a local fake Messages API, through the real @anthropic-ai/sdk, on a real run
 * folder (the sample tickets with planted personal data, clustered with the real model).
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ClustersFile, JobInfo, LabelEstimate, LabelOptions, LabelPreview, RunManifest, TicketLensError } from '../../../src/shared/api';
import { ClusterParams } from '../../../src/shared/cluster';
import { runClusterPipeline } from '../../../src/server/cluster/pipeline';
import { loadEmbedder } from '../../../src/server/embed';
import { estimateLabels, labelRun, previewLabels } from '../../../src/server/label/labelRun';
import { silentLogger } from '../../../src/server/log';
import { labelFromPrompt, promptOf, startFakeAnthropic, type FakeAnthropic, type RecordedRequest, type Reply } from '../../support/fakeAnthropic';
import { modelDir } from '../../support/model';
import { PII, PLANTS } from '../../support/plantedPii';
import { SAMPLE_CSV } from '../../support/sample';

const root = mkdtempSync(join(tmpdir(), 'tl-label-'));
const template = join(root, 'template');
const KEY = 'sk-ant-test-0123456789abcdef';

let fake: FakeAnthropic | null = null;
afterEach(async () => {
  await fake?.close();
  fake = null;
});

function freshRun(): string {
  const d = mkdtempSync(join(root, 'run-'));
  cpSync(template, d, { recursive: true });
  return d;
}
const clustersOf = (dir: string) => ClustersFile.parse(JSON.parse(readFileSync(join(dir, 'clusters.json'), 'utf8'))).clusters;
const targets = (dir: string) => clustersOf(dir).filter((c) => !c.isNoise);
const opts = (o: Partial<LabelOptions> = {}) => LabelOptions.parse({ baseURL: fake?.url ?? 'http://127.0.0.1:9', baseDelayMs: 20, timeoutMs: 5000, ...o });
const deps = (extra: Record<string, unknown> = {}) => ({ apiKey: KEY, cacheDir: mkdtempSync(join(root, 'cache-')), log: silentLogger, ...extra });
const ok = (r: RecordedRequest): Reply => ({ kind: 'tool', input: labelFromPrompt(r) });

beforeAll(async () => {
  const rows = parse<Record<string, string>>(readFileSync(SAMPLE_CSV), { columns: true });
  const planted = rows.slice(0, 200).map((r, i) => ({ ...r, text: i % 3 === 0 ? r.text + PLANTS[i % PLANTS.length] : r.text }));
  const csv = join(root, 'tickets.csv');
  writeFileSync(csv, stringify(planted, { header: true }));
  const e = await loadEmbedder({ modelDir: modelDir(), device: 'cpu' });
  await runClusterPipeline({ csvPath: csv, textColumn: 'text', outDir: template, params: ClusterParams.parse({ depth: 1 }) }, { embedder: e, log: silentLogger });
  await e.dispose();
});

describe('labelling with Claude (fake Messages API, real SDK)', () => {
  it('labels every cluster with structured output, and no request carries the planted personal data', async () => {
    fake = await startFakeAnthropic(ok);
    const run = freshRun();
    const n = targets(run).length;
    expect(n).toBeGreaterThan(3);
    const r = await labelRun(run, opts(), deps());
    expect(r).toMatchObject({ state: 'complete', labelled: n, keywordFallback: 0, requests: n });
    for (const c of targets(run)) {
      expect(c.labelSource).toBe('llm');
      expect(c.label).toMatch(/Requests$/);
      expect(c.suggestedPriority).toBe('Medium');
    }
    const manifest = RunManifest.parse(JSON.parse(readFileSync(join(run, 'run.json'), 'utf8')));
    expect(manifest.labelling.state).toBe('complete');
    expect(manifest.labelling.usage!.inputTokens).toBeGreaterThan(0);
    const all = fake.requests.map((q) => q.raw).join('\n');
    for (const pii of PII) expect(all).not.toContain(pii);
    expect(all).toMatch(/\[EMAIL\]|\[CARD\]|\[PHONE\]|\[NAME\]|\[ORDER_ID\]/);
    // this SDK release sends the API key as a bearer token
    expect(fake.requests[0].headers.authorization ?? fake.requests[0].headers['x-api-key']).toMatch(new RegExp(KEY));
    expect(fake.requests[0].body.tool_choice).toEqual({ type: 'auto', disable_parallel_tool_use: true });
    expect(r.usage.outputTokens).toBe(60 * n);
  });

  it('a second run of unchanged clusters is served from the cache: zero requests', async () => {
    fake = await startFakeAnthropic(ok);
    const d = deps();
    await labelRun(freshRun(), opts(), d);
    const before = fake.requests.length;
    const r = await labelRun(freshRun(), opts(), d);
    expect(fake.requests.length).toBe(before);
    expect(r.fromCache).toBe(targets(template).length);
    expect(r.state).toBe('complete');
  });

  it('never has more requests in flight than the concurrency limit', async () => {
    fake = await startFakeAnthropic((q) => ({ kind: 'tool', input: labelFromPrompt(q), delayMs: 150 }));
    await labelRun(freshRun(), opts({ concurrency: 2 }), deps());
    expect(fake.maxInFlight).toBe(2);
  });

  it('repairs a malformed answer once; a second invalid answer falls back to the keyword label', async () => {
    let first = true;
    fake = await startFakeAnthropic((q) => {
      if (first) {
        first = false;
        return { kind: 'text', text: 'Here is a label: shipping stuff' }; // no tool call at all
      }
      if (q.body.messages.length > 1) return ok(q); // the repair turn
      return ok(q);
    });
    const run = freshRun();
    const r = await labelRun(run, opts({ concurrency: 1 }), deps());
    expect(r.state).toBe('complete');
    expect(r.requests).toBe(targets(run).length + 1);
    const repair = fake.requests.find((q) => q.body.messages.length === 3)!;
    expect(JSON.stringify(repair.body.messages[2])).toMatch(/not valid: no record_cluster_label tool call/);

    await fake.close();
    fake = await startFakeAnthropic((q) => ({ kind: 'tool', input: { ...labelFromPrompt(q), label: 'one two three four five six seven eight', priority: 'Urgent' } }));
    const run2 = freshRun();
    const r2 = await labelRun(run2, opts(), deps());
    expect(r2.state).toBe('keywords-only');
    expect(r2.requests).toBe(2 * targets(run2).length);
    expect(r2.failures[0].reason).toMatch(/invalid output twice \(label: at most 6 words; priority/);
    for (const c of targets(run2)) expect(c.labelSource).toBe('keywords');
  });

  it('honours retry-after on 429', async () => {
    let n = 0;
    fake = await startFakeAnthropic((q) => (++n === 1 ? { kind: 'error', status: 429, type: 'rate_limit_error', headers: { 'retry-after': '1' } } : ok(q)));
    const retries: { delayMs: number; reason: string }[] = [];
    const r = await labelRun(freshRun(), opts({ concurrency: 1 }), deps({ onRetry: (i: { delayMs: number; reason: string }) => retries.push(i) }));
    expect(r.state).toBe('complete');
    expect(retries).toHaveLength(1);
    expect(retries[0]).toMatchObject({ attempt: 1, delayMs: 1000, reason: 'HTTP 429' });
    expect(typeof (retries[0] as { cluster?: unknown }).cluster).toBe('string');
    expect(fake.requests[1].at - fake.requests[0].at).toBeGreaterThanOrEqual(990);
  });

  it('backs off exponentially with jitter on 529 overloaded and 500', async () => {
    let n = 0;
    fake = await startFakeAnthropic((q) => {
      n++;
      if (n === 1) return { kind: 'error', status: 529, type: 'overloaded_error' };
      if (n === 2) return { kind: 'error', status: 500, type: 'api_error' };
      return ok(q);
    });
    const retries: { attempt: number; delayMs: number; reason: string }[] = [];
    await labelRun(freshRun(), opts({ concurrency: 1, baseDelayMs: 100 }), deps({ onRetry: (i: { attempt: number; delayMs: number; reason: string }) => retries.push(i) }));
    expect(retries.map((x) => [x.attempt, x.reason])).toEqual([
      [1, 'HTTP 529 (overloaded)'],
      [2, 'HTTP 500'],
    ]);
    expect(retries[0].delayMs).toBeGreaterThanOrEqual(75);
    expect(retries[0].delayMs).toBeLessThanOrEqual(125);
    expect(retries[1].delayMs).toBeGreaterThanOrEqual(150);
    expect(retries[1].delayMs).toBeLessThanOrEqual(250);
    expect(fake.requests[2].at - fake.requests[1].at).toBeGreaterThanOrEqual(150);
  });

  it('times out a hung response, retries, then falls back without breaking the run', async () => {
    fake = await startFakeAnthropic(() => ({ kind: 'hang' }));
    const run = freshRun();
    const r = await labelRun(run, opts({ timeoutMs: 300, maxAttempts: 2, concurrency: 8 }), deps());
    expect(r.state).toBe('keywords-only');
    expect(fake.requests.length).toBe(2 * targets(run).length);
    expect(r.failures.every((f) => f.reason === 'request timed out')).toBe(true);
    for (const c of targets(run)) expect(c.label).toBeTruthy();
  });

  it('connection refused: keyword labels, the run marked as such', async () => {
    const run = freshRun();
    const r = await labelRun(run, opts({ baseURL: 'http://127.0.0.1:9', maxAttempts: 2 }), deps());
    expect(r.state).toBe('keywords-only');
    expect(r.failures[0].reason).toBe('connection failed');
    expect(RunManifest.parse(JSON.parse(readFileSync(join(run, 'run.json'), 'utf8'))).labelling.state).toBe('keywords-only');
  });

  it('without a key: keyword labels and no request', async () => {
    fake = await startFakeAnthropic(ok);
    const run = freshRun();
    const r = await labelRun(run, opts(), deps({ apiKey: null }));
    expect(r.state).toBe('keywords-only');
    expect(fake.requests).toHaveLength(0);
    for (const c of targets(run)) expect(c.labelSource).toBe('keywords');
  });

  it('an authentication error stops the job (labelStops.test.ts has the rest) and never repeats the key', async () => {
    fake = await startFakeAnthropic(() => ({ kind: 'error', status: 401, type: 'authentication_error', message: 'invalid x-api-key' }));
    const messages: string[] = [];
    const log = { debug() {}, info: (m: string) => messages.push(m), warn: (m: string) => messages.push(m), error: (m: string) => messages.push(m) };
    const run = freshRun();
    const err = await labelRun(run, opts({ concurrency: 1 }), deps({ log })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TicketLensError);
    expect((err as TicketLensError).code).toBe('llm_auth_failed');
    expect(fake.requests.length).toBe(1); // not retried, and nothing sent after it
    const everything = (err as Error).message + messages.join('\n') + readFileSync(join(run, 'clusters.json'), 'utf8') + readFileSync(join(run, 'run.json'), 'utf8');
    expect(everything).not.toContain(KEY);
  });

  it('resumes after an interruption, asking only for the clusters still unlabelled', async () => {
    const ac = new AbortController();
    let n = 0;
    fake = await startFakeAnthropic((q) => {
      if (++n === 3) ac.abort();
      return { kind: 'tool', input: labelFromPrompt(q), delayMs: 30 };
    });
    const run = freshRun();
    const total = targets(run).length;
    const err = await labelRun(run, opts({ concurrency: 1 }), deps({ signal: ac.signal })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TicketLensError);
    expect((err as TicketLensError).code).toBe('job_cancelled');
    const done = targets(run).filter((c) => c.labelSource === 'llm').length;
    expect(done).toBeGreaterThanOrEqual(2);
    expect(done).toBeLessThan(total);
    const before = fake.requests.length;
    const r = await labelRun(run, opts(), deps());
    expect(fake.requests.length - before).toBe(total - done);
    expect(r.state).toBe('complete');
  });

  it('makes near-duplicate sibling labels distinct by asking again with the siblings in view', async () => {
    fake = await startFakeAnthropic((q) =>
      promptOf(q).includes('already labelled') ? ok(q) : { kind: 'tool', input: { ...labelFromPrompt(q), label: 'Order Help Request' } },
    );
    const run = freshRun();
    await labelRun(run, opts({ concurrency: 1 }), deps());
    const labels = targets(run).map((c) => c.label);
    expect(new Set(labels).size).toBe(labels.length);
    const reask = fake.requests.filter((q) => promptOf(q).includes('already labelled'));
    expect(reask.length).toBe(labels.length - 1);
    expect(promptOf(reask[0])).toContain('"Order Help Request"');
  });

  it('if redaction throws, nothing about that cluster is sent', async () => {
    fake = await startFakeAnthropic(ok);
    const run = freshRun();
    const r = await labelRun(run, opts(), deps({ redactor: () => { throw new Error('pattern engine failed'); } }));
    expect(fake.requests).toHaveLength(0);
    expect(r.failures[0].reason).toMatch(/redaction failed .*nothing was sent/);
  });

  it('estimates tokens and cost, and the dry run shows exactly what would be sent', async () => {
    const run = freshRun();
    const est = await estimateLabels(run, opts());
    expect(est.clusters).toBe(targets(run).length);
    expect(est.inputTokens).toBeGreaterThan(est.clusters * 200);
    expect(est.costUsd).toBeGreaterThan(0);
    const preview = await previewLabels(run, opts());
    const text = JSON.stringify(preview);
    for (const pii of PII) expect(text).not.toContain(pii);
    fake = await startFakeAnthropic(ok);
    await labelRun(run, opts({ concurrency: 1 }), deps());
    const sent = new Set(fake.requests.map((q) => promptOf(q)));
    for (const p of preview.requests) expect(sent.has(JSON.stringify(p.prompt).slice(1, -1)) || sent.has(p.prompt)).toBe(true);
  });
});

describe('labelling through the server and the CLI', () => {
  it('POST /label runs a job with the key from the request; estimate and preview answer at once', async () => {
    const { startServer } = await import('../../../src/server/serve');
    fake = await startFakeAnthropic(ok);
    const server = await startServer({ modelDir: modelDir(), device: 'cpu', cacheDir: mkdtempSync(join(root, 'srv-')), log: silentLogger });
    try {
      const run = freshRun();
      const post = (path: string, body: unknown) =>
        fetch(`${server.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const est = LabelEstimate.parse(await (await post('/label/estimate', { runDir: run })).json());
      expect(est.clusters).toBe(targets(run).length);
      const preview = LabelPreview.parse(await (await post('/label/preview', { runDir: run })).json());
      expect(preview.redacted).toBe(true);
      const res = await post('/label', { runDir: run, apiKey: KEY, options: { baseURL: fake.url } });
      expect(res.status).toBe(202);
      const job = await server.ctx.jobs.wait(JobInfo.parse(await res.json()).id);
      expect(job.state).toBe('succeeded');
      expect(job.result).toMatchObject({ state: 'complete' });
      expect(JSON.stringify(server.ctx.jobs.list())).not.toContain(KEY);
      expect(readFileSync(join(run, 'summary.md'), 'utf8')).toMatch(/Labels: by claude-haiku/);
      expect(readFileSync(join(run, 'summary.md'), 'utf8')).toMatch(/Requests \(\d+ rows\)/);
    } finally {
      await server.close();
    }
  });

  it('ticket-lens label: a dry run sends nothing and shows the redacted prompts; then labels with ANTHROPIC_API_KEY', async () => {
    const { runCli } = await import('../../support/cli');
    fake = await startFakeAnthropic(ok);
    const run = freshRun();
    const env = { TICKET_LENS_CACHE: mkdtempSync(join(root, 'cli-')), ANTHROPIC_API_KEY: KEY };
    const dry = await runCli(['label', run, '--dry-run', '--base-url', fake.url], env);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/Dry run: nothing is sent. Redaction on/);
    expect(dry.stdout).toMatch(/clusters to label .* ~\$0\.\d+/);
    for (const pii of PII) expect(dry.stdout).not.toContain(pii);
    expect(fake.requests).toHaveLength(0);
    const real = await runCli(['label', run, '--base-url', fake.url, '--quiet'], env);
    expect(real.code, real.stderr).toBe(0);
    expect(real.stdout).toMatch(/^complete: \d+ labelled by Claude/m);
    expect(real.stdout + real.stderr).not.toContain(KEY);
  });
});

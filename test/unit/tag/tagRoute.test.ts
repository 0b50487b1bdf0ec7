/**
 * Tagging through the real HTTP server (POST /tag as a job) and through the built CLI (a real child
 * process): a dry run that sends nothing, a job whose result is the summary, a job that then distils
 * the tags into a local classifier, the route's path rules, and a CLI killed in the middle of tagging
 * whose rerun sends none of the rows already answered.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { JobInfo } from '../../../src/shared/api';
import { TAGS_CSV, TAGS_JOURNAL, TagSummary, TagTrainResult } from '../../../src/shared/tag';
import { silentLogger } from '../../../src/server/log';
import { startServer, type RunningServer } from '../../../src/server/serve';
import { CLI, runCli } from '../../support/cli';
import { startFakeAnthropic, type FakeAnthropic, type Reply } from '../../support/fakeAnthropic';
import { callServer, errorOf } from '../../support/http';
import { modelDir } from '../../support/model';
import { answerFromHidden, buildTagFixture, KEY, PII, readTagsCsv, ticketsOf } from './tagFixture';

const fx = buildTagFixture('tl-tag-route-');
/** The CLI's tag cache in a folder of this test's, not the user's (the model found where it is). */
const cliEnv = () => ({ ANTHROPIC_API_KEY: KEY, TICKET_LENS_CACHE: mkdtempSync(join(fx.root, 'cli-cache-')), TICKET_LENS_MODEL_DIR: modelDir() });
let server: RunningServer;
let fake: FakeAnthropic | null = null;

beforeAll(async () => {
  server = await startServer({ modelDir: modelDir(), device: 'cpu', cacheDir: join(fx.root, 'server-cache'), log: silentLogger });
});
afterAll(() => server.close());
afterEach(async () => {
  await fake?.close();
  fake = null;
});

describe('POST /tag', () => {
  it('runs a dry run and then the tagging as jobs; the key never comes back', async () => {
    fake = await startFakeAnthropic(answerFromHidden(fx));
    const ws = fx.workspace();
    const options = { csvPath: ws.csv, labelSet: 'topic', sample: 40, baseURL: fake.url, baseDelayMs: 20 };

    const dry = await callServer(server, 'POST', '/tag', { options: { ...options, dryRun: true } });
    expect(dry.status).toBe(202);
    const dryJob = await server.ctx.jobs.wait(JobInfo.parse(await dry.json()).id);
    expect(dryJob.state, JSON.stringify(dryJob.error)).toBe('succeeded');
    const plan = TagSummary.parse(dryJob.result);
    expect(plan).toMatchObject({ state: 'dry-run', selected: 40, estimate: { rows: 40, requests: 2 } });
    expect(fake.requests).toHaveLength(0);

    const res = await callServer(server, 'POST', '/tag', { options, apiKey: KEY });
    expect(res.status).toBe(202);
    const submitted = JobInfo.parse(await res.json());
    expect(submitted.kind).toBe('tag');
    const done = await server.ctx.jobs.wait(submitted.id);
    expect(done.state, JSON.stringify(done.error)).toBe('succeeded');
    const s = TagSummary.parse(done.result);
    // Without a workspace the CSV's folder is one: the output goes under its .ticket-lens/.
    expect(s).toMatchObject({ state: 'complete', tagged: 40, requests: 2, outDir: join(ws.dir, '.ticket-lens', 'tags', 'tickets-topic') });
    for (const t of readTagsCsv(join(s.outDir, TAGS_CSV)).tags) expect(t.labels).toEqual([fx.categoryOfRow.get(t.row)]);
    expect(JSON.stringify(done)).not.toContain(KEY);
    const sent = fake.requests.map((r) => r.raw).join('\n');
    for (const pii of PII) expect(sent).not.toContain(pii);
  });

  it('with train, the same job distils the tags into classifier.tlc and predictions.csv beside tags.csv; a dry run trains nothing', async () => {
    // Three labels over the sample's nine categories: enough tags per label from a small, fast sample.
    const kindOf: Record<string, string> = { ORDER: 'Orders', DELIVERY: 'Orders', SHIPPING_ADDRESS: 'Orders', INVOICE: 'Money', REFUND: 'Money', PAYMENT: 'Money', ACCOUNT: 'Account', FEEDBACK: 'Account', SUBSCRIPTION: 'Account' };
    fake = await startFakeAnthropic(answerFromHidden(fx, (c) => [kindOf[c]]));
    const ws = fx.workspace();
    const kind = { name: 'kind', labels: ['Orders', 'Money', 'Account'].map((name) => ({ name, description: `${name.toLowerCase()} matters` })) };
    writeFileSync(join(ws.dir, '.ticket-lens', 'labels.json'), JSON.stringify({ version: 1, sets: [kind] }));
    const options = { csvPath: ws.csv, labelSet: 'kind', sample: 60, baseURL: fake.url, baseDelayMs: 20 };
    const outDir = join(ws.dir, '.ticket-lens', 'tags', 'tickets-kind');

    const dry = await callServer(server, 'POST', '/tag', { options: { ...options, dryRun: true }, train: true });
    const dryJob = await server.ctx.jobs.wait(JobInfo.parse(await dry.json()).id);
    expect(dryJob.state, JSON.stringify(dryJob.error)).toBe('succeeded');
    expect(TagSummary.parse(dryJob.result).state).toBe('dry-run');
    expect(existsSync(join(outDir, 'classifier.tlc'))).toBe(false);

    const res = await callServer(server, 'POST', '/tag', { options, apiKey: KEY, train: true });
    expect(res.status).toBe(202);
    const done = await server.ctx.jobs.wait(JobInfo.parse(await res.json()).id);
    expect(done.state, JSON.stringify(done.error)).toBe('succeeded');
    const { tag, distil } = TagTrainResult.parse(done.result);
    expect(tag).toMatchObject({ state: 'complete', tagged: 60, outDir });
    expect(distil).toMatchObject({ labelSet: 'kind', tags: 60, rows: 300, modelPath: join(outDir, 'classifier.tlc'), predictionsCsv: join(outDir, 'predictions.csv') });
    expect(existsSync(distil.modelPath)).toBe(true);
    // A header and one line per row of the CSV.
    expect(readFileSync(distil.predictionsCsv, 'utf8').trim().split('\n')).toHaveLength(301);
    expect(distil.heldOutTags).toBeGreaterThan(0);
    expect(distil.agreement).toBeTypeOf('number');
    expect(distil.agreement).toBeGreaterThanOrEqual(0);
    expect(distil.agreement).toBeLessThanOrEqual(1);
    expect(JSON.stringify(done)).not.toContain(KEY);
  });

  it('refuses a request without a label set (400), and fails the job on an unknown set, naming the ones there are', async () => {
    const ws = fx.workspace();
    const bad = await callServer(server, 'POST', '/tag', { options: { csvPath: ws.csv } });
    expect(bad.status).toBe(400);
    expect((await errorOf(bad)).message).toMatch(/labelSet/);
    const res = await callServer(server, 'POST', '/tag', { options: { csvPath: ws.csv, labelSet: 'nope', dryRun: true } });
    const done = await server.ctx.jobs.wait(JobInfo.parse(await res.json()).id);
    expect(done.state).toBe('failed');
    expect(done.error?.message).toMatch(/no label set "nope".*"department".*"topic"/);
  });
});

describe('POST /tag on a server confined to a folder', () => {
  it('refuses a CSV or an output folder outside the allowed roots (403), before anything runs', async () => {
    const inside = fx.workspace();
    const outside = fx.workspace();
    const confined = await startServer({ modelDir: modelDir(), device: 'cpu', cacheDir: join(fx.root, 'confined-cache'), log: silentLogger, allowRoots: [inside.dir] });
    try {
      const csv = await callServer(confined, 'POST', '/tag', { options: { csvPath: outside.csv, labelSet: 'topic', dryRun: true } });
      expect(csv.status).toBe(403);
      const out = await callServer(confined, 'POST', '/tag', { options: { csvPath: inside.csv, labelSet: 'topic', dryRun: true, outDir: join(outside.dir, 'tags') } });
      expect(out.status).toBe(403);
      expect((await errorOf(out)).message).toMatch(/outside the folders this server may use/);
      const ok = await callServer(confined, 'POST', '/tag', { options: { csvPath: inside.csv, labelSet: 'topic', dryRun: true } });
      expect(ok.status).toBe(202);
      expect((await confined.ctx.jobs.wait(JobInfo.parse(await ok.json()).id)).state).toBe('succeeded');
    } finally {
      await confined.close();
    }
  });
});

describe('ticket-lens tag', () => {
  it('--dry-run prints the estimate and the redacted first request, and sends nothing', async () => {
    fake = await startFakeAnthropic(answerFromHidden(fx));
    const ws = fx.workspace();
    const r = await runCli(['tag', ws.csv, '--label-set', 'topic', '--sample', '60', '--dry-run', '--base-url', fake.url], cliEnv(), ws.dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^60 of 60 chosen rows to send \(0 already tagged, 0 from the cache\) in 3 requests to claude-haiku-5-5: ~\d+ input \+ ~\d+ output tokens, ~\$0\.\d{4}/);
    expect(r.stdout).toMatch(/Dry run: nothing is sent\. Redaction on/);
    expect(r.stdout).toMatch(/--- first request \(20 rows\) ---\nTag these 20 tickets/);
    for (const pii of PII) expect(r.stdout).not.toContain(pii);
    expect(fake.requests).toHaveLength(0);
  });

  it('--train distils the tags into a local classifier that classifies every row (predictions.csv beside tags.csv)', async () => {
    fake = await startFakeAnthropic(answerFromHidden(fx));
    const ws = fx.workspace();
    const r = await runCli(['tag', ws.csv, '--label-set', 'topic', '--sample', '150', '--train', '--device', 'cpu', '--base-url', fake.url, '--quiet'], cliEnv(), ws.dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/complete: 150\/150 chosen rows tagged/);
    expect(r.stdout).toMatch(/Distilled: trained on 150 tags; agreement with Claude on \d+ held-out tags \(measured by a model trained without them\) \d+\.\d%/);
    const dir = join(ws.dir, '.ticket-lens', 'tags', 'tickets-topic');
    expect(r.stdout).toContain(join(dir, 'classifier.tlc'));
    const predictions = readFileSync(join(dir, 'predictions.csv'), 'utf8').trim().split('\n');
    expect(predictions).toHaveLength(301);
  });

  it('killed in the middle of tagging, a rerun sends none of the rows already answered', async () => {
    const answer = answerFromHidden(fx);
    // Slow answers, so the kill lands while requests are in flight.
    fake = await startFakeAnthropic((r): Reply => ({ ...(answer(r) as Extract<Reply, { kind: 'tool' }>), delayMs: 150 }));
    const ws = fx.workspace();
    const args = ['tag', ws.csv, '--label-set', 'topic', '--sample', '200', '--concurrency', '2', '--base-url', fake.url, '--quiet'];
    const env = { ...process.env, ...cliEnv() };
    const journal = join(ws.dir, '.ticket-lens', 'tags', 'tickets-topic', TAGS_JOURNAL);
    await new Promise<void>((resolve, reject) => {
      const child = spawn(process.execPath, [CLI, ...args], { env, cwd: ws.dir });
      const timer = setInterval(() => {
        if (fake!.requests.length >= 5) {
          clearInterval(timer);
          child.kill('SIGKILL');
        }
      }, 10);
      child.on('close', () => resolve());
      child.on('error', reject);
    });
    const journalRows = () =>
      readFileSync(journal, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => (JSON.parse(l) as { row: number }).row);
    const answered = journalRows();
    expect(answered.length).toBeGreaterThanOrEqual(20);
    expect(answered.length).toBeLessThan(200);
    const before = fake.requests.length;

    // Another cache: the journal alone keeps the answered rows from being sent again.
    const r = await runCli(args, cliEnv(), ws.dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^${200 - answered.length} of 200 chosen rows to send \\(${answered.length} already tagged`));
    expect(r.stdout).toMatch(/complete: 200\/200 chosen rows tagged/);
    // The rerun sent exactly the rows the killed run had not answered, each once.
    const resent = fake.requests.slice(before).flatMap((q) => [...ticketsOf(q).values()]);
    expect(resent).toHaveLength(200 - answered.length);
    const rerun = journalRows().slice(answered.length);
    expect(new Set([...answered, ...rerun]).size).toBe(200);
    expect(readTagsCsv(join(ws.dir, '.ticket-lens', 'tags', 'tickets-topic', TAGS_CSV)).tags).toHaveLength(200);
  });
});

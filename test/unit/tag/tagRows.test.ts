/**
 * Tagging rows with Claude through the real @anthropic-ai/sdk against the local fake Messages API,
 * which answers every ticket from the sample's hidden category column.
 */
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TicketLensError } from '../../../src/shared/api';
import { TAGS_CSV, TAGS_CSV_COLUMNS, TAGS_JOURNAL, TAGS_JSON, TagsJson, type TagOptionsInput } from '../../../src/shared/tag';
import { silentLogger } from '../../../src/server/log';
import { tagRows, type TagDeps } from '../../../src/server/tag/tagRows';
import { startFakeAnthropic, type FakeAnthropic, type RecordedRequest, type Reply } from '../../support/fakeAnthropic';
import { AREAS, answerFromHidden, buildTagFixture, KEY, PII, readTagsCsv, ticketsOf } from './tagFixture';

const fx = buildTagFixture('tl-tag-');
let fake: FakeAnthropic | null = null;
afterEach(async () => {
  await fake?.close();
  fake = null;
});

const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');
const options = (ws: { dir: string; csv: string }, o: Partial<TagOptionsInput> = {}): TagOptionsInput => ({
  csvPath: ws.csv,
  labelSet: 'topic',
  workspace: ws.dir,
  baseURL: fake?.url ?? 'http://127.0.0.1:9',
  baseDelayMs: 20,
  timeoutMs: 5000,
  ...o,
});
const deps = (o: TagDeps = {}): TagDeps => ({ apiKey: KEY, cacheDir: mkdtempSync(join(fx.root, 'cache-')), ...o });
/** Every ticket text of the first turn of each request (repair turns repeat it). */
const sentTexts = (reqs: readonly RecordedRequest[]) => reqs.filter((r) => r.body.messages.length === 1).flatMap((r) => [...ticketsOf(r).values()]);

describe('tagging rows with Claude (fake Messages API, real SDK)', () => {
  it('tags a seeded random sample in batches: tags.csv right from the hidden column, ids carried, PII never sent, input untouched', async () => {
    fake = await startFakeAnthropic(answerFromHidden(fx));
    const ws = fx.workspace();
    const before = sha(ws.csv);
    const s = await tagRows(options(ws, { sample: 100, concurrency: 3 }), silentLogger, undefined, deps());
    expect(s).toMatchObject({ state: 'complete', selected: 100, tagged: 100, written: 100, resumed: 0, fromCache: 0, failed: [], labelSet: 'topic', multiLabel: false });
    expect(s.sample.method).toBe('random');
    // 100 rows in batches of 20: five requests, at most three in flight.
    expect(fake.requests).toHaveLength(5);
    expect(fake.maxInFlight).toBeLessThanOrEqual(3);
    expect(s.outDir).toBe(join(ws.dir, '.ticket-lens', 'tags', 'tickets-topic'));

    const { header, tags } = readTagsCsv(join(s.outDir, TAGS_CSV));
    expect(header).toEqual([...TAGS_CSV_COLUMNS]);
    expect(tags).toHaveLength(100);
    const rows = tags.map((t) => t.row);
    // A sample, not the first rows; in file order; each row once.
    expect(rows).not.toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(rows).toEqual([...new Set(rows)].sort((a, b) => a - b));
    expect(Math.max(...rows)).toBeGreaterThan(200);
    for (const t of tags) {
      expect(t.labels).toEqual([fx.categoryOfRow.get(t.row)]);
      expect(t.id).toBe(`T-${999 + t.row}`);
      expect(t.reason).toMatch(/^The customer writes about /);
    }
    const json = TagsJson.parse(JSON.parse(readFileSync(join(s.outDir, TAGS_JSON), 'utf8')));
    expect(json).toMatchObject({ labelSet: 'topic', model: 'claude-haiku-5-5', tagged: 100, requests: 5 });
    expect(Object.values(json.counts).reduce((a, b) => a + b, 0)).toBe(100);
    expect(json.usage.inputTokens).toBeGreaterThan(0);

    const all = fake.requests.map((r) => r.raw).join('\n');
    expect(all).toContain('[EMAIL]');
    for (const pii of PII) expect(all).not.toContain(pii);
    // The key went in the header only.
    expect(all).not.toContain(KEY);
    expect(fake.requests[0].body.tools?.[0]).toMatchObject({ name: 'record_ticket_tags' });
    expect(sha(ws.csv)).toBe(before);
    expect(readdirSync(ws.dir).sort()).toEqual(['.ticket-lens', 'tickets.csv']);
  });

  it('tags into a multi-label set: several labels per row, `;`-joined in tags.csv', async () => {
    fake = await startFakeAnthropic(answerFromHidden(fx, (c) => AREAS[c]));
    const ws = fx.workspace();
    const s = await tagRows(options(ws, { labelSet: 'area', sample: 60 }), silentLogger, undefined, deps());
    expect(s).toMatchObject({ state: 'complete', tagged: 60, multiLabel: true });
    const tool = fake.requests[0].body.tools?.[0] as { input_schema: { properties: { tags: { items: { properties: { labels: { maxItems?: number } } } } } } };
    expect(tool.input_schema.properties.tags.items.properties.labels.maxItems).toBeUndefined();
    const text = readFileSync(join(s.outDir, TAGS_CSV), 'utf8');
    expect(text).toMatch(/,Money;Documents,/);
    const { tags } = readTagsCsv(join(s.outDir, TAGS_CSV));
    for (const t of tags) expect(t.labels).toEqual(AREAS[fx.categoryOfRow.get(t.row)!]);
    expect(tags.some((t) => t.labels.length === 2)).toBe(true);
  });

  it('retries 429 (honouring retry-after) and 529 with backoff, and tags every row', async () => {
    const answer = answerFromHidden(fx);
    fake = await startFakeAnthropic((r): Reply => {
      if (r.n === 1) return { kind: 'error', status: 429, type: 'rate_limit_error', headers: { 'retry-after': '1' } };
      if (r.n === 2 || r.n === 3) return { kind: 'error', status: 529, type: 'overloaded_error' };
      return answer(r);
    });
    const ws = fx.workspace();
    const retries: { delayMs: number; reason: string }[] = [];
    const s = await tagRows(options(ws, { sample: 20, baseDelayMs: 50 }), silentLogger, undefined, deps({ onRetry: (i) => retries.push(i) }));
    expect(s).toMatchObject({ state: 'complete', tagged: 20, requests: 4 });
    expect(retries.map((r) => r.reason)).toEqual(['HTTP 429', 'HTTP 529 (overloaded)', 'HTTP 529 (overloaded)']);
    expect(retries[0].delayMs).toBe(1000);
    expect(fake.requests[1].at - fake.requests[0].at).toBeGreaterThanOrEqual(950);
    // Exponential: the second backoff about twice the first (jitter ±25 %).
    expect(retries[2].delayMs).toBeGreaterThan(retries[1].delayMs * 1.1);
  });

  it('repairs a malformed tool answer with one turn (the problems sent back), and reports rows still invalid after it', async () => {
    const answer = answerFromHidden(fx);
    fake = await startFakeAnthropic((r): Reply => {
      const good = answer(r) as { kind: 'tool'; input: { tags: { ticket: number; labels: string[]; reason: string }[] } };
      const tags = good.input.tags;
      if (r.body.messages.length === 1) {
        // Ticket 1 gets a label outside the set, ticket 2 is left out, ticket 3 has no reason.
        return { kind: 'tool', input: { tags: [{ ...tags[0], labels: ['Refunds & Such'] }, { ...tags[2], reason: '  ' }, ...tags.slice(3)] } };
      }
      // The repair: ticket 1 and 3 fixed; ticket 2 still missing.
      return { kind: 'tool', input: { tags: [tags[0], tags[2]] } };
    });
    const ws = fx.workspace();
    const s = await tagRows(options(ws, { sample: 20 }), silentLogger, undefined, deps());
    expect(fake.requests).toHaveLength(2);
    const repair = fake.requests[1].body.messages;
    expect(repair).toHaveLength(3);
    const result = (repair[2].content as { type: string; is_error: boolean; content: string }[])[0];
    expect(result).toMatchObject({ type: 'tool_result', is_error: true });
    expect(result.content).toMatch(/"Refunds & Such" is not a label of "topic"/);
    expect(result.content).toMatch(/ticket 2 has no entry/);
    expect(result.content).toMatch(/ticket 3: the reason is empty/);
    expect(s).toMatchObject({ state: 'partial', tagged: 19 });
    expect(s.failed).toHaveLength(1);
    expect(s.failed[0].reason).toMatch(/no entry/);
    const { tags } = readTagsCsv(join(s.outDir, TAGS_CSV));
    expect(tags).toHaveLength(19);
    for (const t of tags) expect(t.labels).toEqual([fx.categoryOfRow.get(t.row)]);
    expect(tags.map((t) => t.row)).not.toContain(s.failed[0].row);
  });

  it('takes no tags from a call of another tool: the repair turn names the tool to call, and its answer is kept', async () => {
    const answer = answerFromHidden(fx);
    // The first answer is right in every ticket, but through a tool the request did not offer.
    fake = await startFakeAnthropic((r): Reply => ({ ...(answer(r) as Extract<Reply, { kind: 'tool' }>), ...(r.body.messages.length === 1 ? { name: 'record_cluster_label' } : {}) }));
    const ws = fx.workspace();
    const s = await tagRows(options(ws, { sample: 20 }), silentLogger, undefined, deps());
    expect(fake.requests).toHaveLength(2);
    const result = (fake.requests[1].body.messages[2].content as { type: string; tool_use_id: string; is_error: boolean; content: string }[])[0];
    expect(result).toMatchObject({ type: 'tool_result', tool_use_id: 'toolu_1', is_error: true });
    expect(result.content).toMatch(/called "record_cluster_label", not record_ticket_tags.*Call record_ticket_tags again/);
    expect(s).toMatchObject({ state: 'complete', tagged: 20 });
  });

  it("asks each model as its docs allow: the forced tool call on Claude Haiku 4.5, `auto` with room to think on Haiku 5.5 (thinking sent back unmodified on a repair)", async () => {
    const answer = answerFromHidden(fx);
    let first = true;
    fake = await startFakeAnthropic(
      (r): Reply => {
        // The first answer of Haiku 5.5 leaves a ticket out: the repair turn carries its thinking block back.
        if (r.body.model === 'claude-haiku-5-5' && first) {
          first = false;
          const good = answer(r) as { kind: 'tool'; input: { tags: unknown[] } };
          return { kind: 'tool', input: { tags: good.input.tags.slice(1) } };
        }
        return answer(r);
      },
      { thinkingTokens: 500 },
    );
    const old = await tagRows(options(fx.workspace(), { sample: 20, model: 'claude-haiku-4-5' }), silentLogger, undefined, deps());
    expect(old).toMatchObject({ state: 'complete', tagged: 20, requests: 1 });
    expect(old.costUsd).toBeGreaterThan(0);
    expect(fake.requests[0].body.tool_choice).toEqual({ type: 'tool', name: 'record_ticket_tags' });
    expect(fake.requests[0].body.max_tokens).toBe(60 + 80 * 20);

    const s = await tagRows(options(fx.workspace(), { sample: 20 }), silentLogger, undefined, deps());
    expect(s).toMatchObject({ state: 'complete', tagged: 20, requests: 2 });
    const [ask, repair] = fake.requests.slice(1);
    expect(ask.body.tool_choice).toEqual({ type: 'auto', disable_parallel_tool_use: true });
    expect(ask.body.max_tokens).toBeGreaterThan(4096);
    expect(ask.body.temperature).toBeUndefined();
    expect(JSON.stringify(repair.body.messages[1].content)).toContain('"type":"thinking"');
  });

  it('resumes after an interrupted run without sending any row twice, and drops a line a kill cut short', async () => {
    fake = await startFakeAnthropic(answerFromHidden(fx));
    const ws = fx.workspace();
    const ac = new AbortController();
    const cache = mkdtempSync(join(fx.root, 'cache-'));
    // Cancel once two batches are in (one in flight at a time, so exactly two).
    const first = tagRows(options(ws, { sample: 100, concurrency: 1 }), silentLogger, ac.signal, deps({ cacheDir: cache, progress: (p) => p.done === 40 && ac.abort() }));
    await expect(first).rejects.toMatchObject({ code: 'job_cancelled' });
    const sentFirst = sentTexts(fake.requests);
    expect(sentFirst.length).toBeGreaterThanOrEqual(40);
    expect(sentFirst.length).toBeLessThan(100);
    // What the cancelled run had is already in tags.csv.
    const outDir = join(ws.dir, '.ticket-lens', 'tags', 'tickets-topic');
    expect(readTagsCsv(join(outDir, TAGS_CSV)).tags.length).toBe(40);
    // A kill in the middle of an append leaves half a line.
    appendFileSync(join(outDir, TAGS_JOURNAL), '{"row": 7, "id": "T-1006", "lab');

    const n = fake.requests.length;
    const s = await tagRows(options(ws, { sample: 100, concurrency: 2 }), silentLogger, undefined, deps());
    expect(s).toMatchObject({ state: 'complete', selected: 100, tagged: 100, resumed: 40 });
    const sentAgain = sentTexts(fake.requests.slice(n));
    expect(sentAgain).toHaveLength(60);
    // Nothing sent twice over both runs (the first run's last batch, cancelled before its answer was kept, aside).
    const kept = new Set(sentFirst.slice(0, 40));
    for (const t of sentAgain) expect(kept.has(t)).toBe(false);
    expect(readTagsCsv(join(outDir, TAGS_CSV)).tags).toHaveLength(100);

    // A third run finds nothing to send.
    const m = fake.requests.length;
    const again = await tagRows(options(ws, { sample: 100 }), silentLogger, undefined, deps());
    expect(again).toMatchObject({ state: 'complete', resumed: 100, requests: 0 });
    expect(fake.requests.length).toBe(m);
  });

  it('a dry run estimates and shows the first request, redacted, and sends and writes nothing', async () => {
    fake = await startFakeAnthropic(answerFromHidden(fx));
    const ws = fx.workspace();
    const s = await tagRows(options(ws, { all: true, dryRun: true }), silentLogger, undefined, { cacheDir: mkdtempSync(join(fx.root, 'cache-')) });
    expect(fake.requests).toHaveLength(0);
    expect(s.state).toBe('dry-run');
    expect(s.estimate).toMatchObject({ rows: 300, requests: 15, model: 'claude-haiku-5-5' });
    expect(s.estimate.inputTokens).toBeGreaterThan(1000);
    expect(s.estimate.costUsd).toBeGreaterThan(0);
    expect(s.preview?.rows).toBe(20);
    expect(s.preview?.prompt).toMatch(/^Tag these 20 tickets/);
    expect(s.preview?.system).toMatch(/SHIPPING_ADDRESS/);
    expect(s.preview?.redactions.EMAIL).toBeGreaterThan(0);
    for (const pii of PII) expect(s.preview?.prompt).not.toContain(pii);
    expect(existsSync(join(ws.dir, '.ticket-lens', 'tags'))).toBe(false);
  });

  it('a budget cap stops the sending before the estimate would pass it; a rerun without the cap tags the rest', async () => {
    // Each answer bills 1,000 input and 60 output tokens: $0.00013 at Claude Haiku 5.5's price.
    fake = await startFakeAnthropic(answerFromHidden(fx), { countTokens: () => 1000 });
    const ws = fx.workspace();
    // A request reserves its estimated most (max_tokens with room to think included) until answered:
    // $0.004 leaves room for a few of the ten requests.
    const budgetUsd = 0.004;
    const s = await tagRows(options(ws, { sample: 200, budgetUsd, concurrency: 1 }), silentLogger, undefined, deps());
    expect(s.state).toBe('partial');
    expect(s.stopped?.cause).toBe('budget');
    expect(s.requests).toBeGreaterThan(0);
    expect(s.requests).toBeLessThan(10);
    expect(s.costUsd!).toBeLessThanOrEqual(budgetUsd);
    expect(s.tagged).toBe(s.requests * 20);
    expect(readTagsCsv(join(s.outDir, TAGS_CSV)).tags).toHaveLength(s.tagged);
    const rest = await tagRows(options(ws, { sample: 200 }), silentLogger, undefined, deps());
    expect(rest).toMatchObject({ state: 'complete', tagged: 200, resumed: s.tagged });
  });

  it('stops at once on a refused key, keeping what is tagged; without a key nothing is sent', async () => {
    fake = await startFakeAnthropic(answerFromHidden(fx), { keys: ['another-key'] });
    const ws = fx.workspace();
    const err = await tagRows(options(ws, { sample: 100, concurrency: 1 }), silentLogger, undefined, deps()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TicketLensError);
    expect((err as TicketLensError).code).toBe('llm_auth_failed');
    expect((err as TicketLensError).message).not.toContain(KEY);
    expect(fake.requests).toHaveLength(0); // 401 answered before the body is recorded
    const none = await tagRows(options(ws, { sample: 10 }), silentLogger, undefined, deps({ apiKey: null })).catch((e: unknown) => e);
    expect((none as TicketLensError).code).toBe('llm_auth_failed');
  });

  it('refuses an output folder that is the input\'s own folder, and never replaces a file it did not write', async () => {
    fake = await startFakeAnthropic(answerFromHidden(fx));
    const ws = fx.workspace();
    const own = await tagRows(options(ws, { sample: 5, outDir: ws.dir }), silentLogger, undefined, deps()).catch((e: unknown) => e);
    expect((own as TicketLensError).message).toMatch(/would be the input file or its folder/);
    const out = join(ws.dir, 'out');
    const s = await tagRows(options(ws, { sample: 5, outDir: out }), silentLogger, undefined, deps());
    expect(s.tagged).toBe(5);
    // A second run over its own tags.csv is fine; a user's file named tags.csv is not replaced.
    await tagRows(options(ws, { sample: 10, outDir: out }), silentLogger, undefined, deps());
    const foreign = join(ws.dir, 'theirs');
    mkdirSync(foreign);
    writeFileSync(join(foreign, TAGS_CSV), 'my,own,file\n');
    const refused = await tagRows(options(ws, { sample: 5, outDir: foreign }), silentLogger, undefined, deps()).catch((e: unknown) => e);
    expect((refused as TicketLensError).message).toMatch(/never overwrites a file it did not write/);
    expect(readFileSync(join(foreign, TAGS_CSV), 'utf8')).toBe('my,own,file\n');
  });
});

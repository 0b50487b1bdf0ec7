/**
 * Tokens and dollars for Claude Haiku 5.5: its newer tokenizer counts about 30% more tokens for the
 * same text, its price depends on the prompt size of each request ($0.10 / $0.50 per MTok up to
 * 100,000 input tokens, $0.50 / $2.50 over: platform.claude.com/docs/en/models/haiku-5-5/overview),
 * and a model with no known price gets no dollar figure, never another model's. The token check runs
 * the real SDK against the fake Messages API counting tokens as the newer tokenizer does.
 */
import Anthropic from '@anthropic-ai/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { ClusterRecord, LabelOptions } from '../../../src/shared/api';
import { SendingStopped, Spend } from '../../../src/server/label/budget';
import { askForLabel, type Usage } from '../../../src/server/label/claude';
import { estimateTokens, priceOf, requestCostUsd, totalCostUsd } from '../../../src/server/label/estimate';
import { buildPrompt } from '../../../src/server/label/prompt';
import { labelFromPrompt, startFakeAnthropic, type FakeAnthropic } from '../../support/fakeAnthropic';

let fake: FakeAnthropic | null = null;
afterEach(async () => {
  await fake?.close();
  fake = null;
});

const spend = (o: Partial<LabelOptions>) => new Spend(LabelOptions.parse(o));

describe('prices by exact model id', () => {
  it('Claude Haiku 5.5: $0.10 in / $0.50 out per MTok for a prompt up to 100,000 tokens', () => {
    expect(requestCostUsd('claude-haiku-5-5', { inputTokens: 100_000, outputTokens: 1_000_000 })).toBeCloseTo(0.01 + 0.5, 10);
  });

  it('Claude Haiku 5.5: a prompt over 100,000 tokens pays $0.50 / $2.50 on all the tokens of that request', () => {
    expect(requestCostUsd('claude-haiku-5-5', { inputTokens: 100_001, outputTokens: 1000 })).toBeCloseTo((100_001 * 0.5 + 1000 * 2.5) / 1e6, 10);
  });

  it('requests are priced each on its own prompt size, not on the totals', () => {
    const twoSmall = [{ inputTokens: 60_000, outputTokens: 100 }, { inputTokens: 60_000, outputTokens: 100 }];
    expect(totalCostUsd('claude-haiku-5-5', twoSmall)).toBeCloseTo((120_000 * 0.1 + 200 * 0.5) / 1e6, 10);
    const s = spend({ model: 'claude-haiku-5-5' });
    for (const u of twoSmall) s.record(u);
    expect(s.knownCostUsd).toBeCloseTo((120_000 * 0.1 + 200 * 0.5) / 1e6, 10);
  });

  it.each([
    ['claude-haiku-4-5', 1, 5],
    ['claude-haiku-4-5-20251001', 1, 5],
    ['claude-sonnet-4-5', 3, 15],
    ['claude-sonnet-5-5', 2, 10],
    ['claude-opus-5-5', 4, 20],
  ])('%s: $%d / $%d per MTok', (model, input, output) => {
    expect(priceOf(model)).toMatchObject({ input, output });
  });

  it.each(['claude-haiku-9-9', 'haiku', 'claude-opus-4-7', 'my-proxy-model'])('%s, not in the table: no price and no dollar figure, tokens only', (model) => {
    expect(priceOf(model)).toBeNull();
    expect(requestCostUsd(model, { inputTokens: 1000, outputTokens: 100 })).toBeNull();
    expect(totalCostUsd(model, [{ inputTokens: 1000, outputTokens: 100 }])).toBeNull();
    const s = spend({ model });
    s.reserve({ inputTokens: 1000, outputTokens: 100 })();
    s.record({ inputTokens: 1000, outputTokens: 100 });
    expect(s.knownCostUsd).toBeNull();
    expect(s.usage).toEqual({ inputTokens: 1000, outputTokens: 100 });
  });

  it('a dollar cap on a model with no known price sends nothing and says why', () => {
    const s = spend({ model: 'claude-opus-4-7', budgetUsd: 1 });
    expect(() => s.reserve({ inputTokens: 10, outputTokens: 10 })).toThrow(SendingStopped);
    expect(s.stopped?.cause).toBe('budget');
    expect(s.stopped?.message).toMatch(/no price is known for the model 'claude-opus-4-7'.*token cap/);
  });

  it('a dollar cap on Claude Haiku 5.5 counts its own price: $0.01 allows 11 requests of 4,000 in and 1,000 out', () => {
    const s = spend({ model: 'claude-haiku-5-5', budgetUsd: 0.01, concurrency: 1 });
    const request: Usage = { inputTokens: 4000, outputTokens: 1000 }; // $0.0009 each ($0.009 at Haiku 4.5's price)
    let sent = 0;
    try {
      for (;;) {
        s.reserve(request)();
        s.record(request);
        sent++;
      }
    } catch (err) {
      expect(err).toBeInstanceOf(SendingStopped);
    }
    expect(sent).toBe(11);
    expect(s.stopped?.cause).toBe('budget');
  });
});

describe('tokens counted as the newer tokenizer counts them', () => {
  it('a prompt is estimated at more tokens on Claude Haiku 5.5 than on Claude Haiku 4.5', () => {
    const text = 'I was charged twice for my order, please refund one payment. '.repeat(40);
    expect(estimateTokens(text, 'claude-haiku-5-5')).toBeGreaterThanOrEqual(estimateTokens(text, 'claude-haiku-4-5') * 1.3);
    expect(estimateTokens(text)).toBe(estimateTokens(text, 'claude-haiku-5-5'));
  });

  it('what a Haiku 5.5 request reserves is not less than the input tokens the API then reports', async () => {
    // The same text as about 30% more tokens than ≈ 4 characters a token.
    fake = await startFakeAnthropic((r) => ({ kind: 'tool', input: labelFromPrompt(r) }), { countTokens: (raw) => Math.ceil((raw.length / 4) * 1.3) });
    const cluster = ClusterRecord.parse({
      id: 'root.1',
      parent: 'root',
      depth: 1,
      size: 40,
      isNoise: false,
      keywords: [{ term: 'password', score: 0.9 }, { term: 'reset', score: 0.8 }],
      examples: [{ row: 1, text: 'The password reset link in the e-mail has expired before I could use it' }],
      label: null,
      description: null,
      labelSource: null,
    });
    const members = Array.from({ length: 40 }, (_, i) => `Ticket ${i}: the password reset e-mail never arrives, and the link I got last week says it has expired already`);
    const p = buildPrompt({ cluster, memberTexts: members, redact: false });
    const reserved: Usage[] = [];
    const used: Usage[] = [];
    const client = new Anthropic({ apiKey: 'sk-ant-test-haiku55', baseURL: fake.url, maxRetries: 0 });
    await askForLabel(client, 'claude-haiku-5-5', p, { timeoutMs: 5000, reserve: (e) => (reserved.push(e), () => undefined), onUsage: (u) => void used.push(u) });
    expect(used).toHaveLength(1);
    expect(reserved[0].inputTokens).toBeGreaterThanOrEqual(used[0].inputTokens);
    expect(reserved[0].outputTokens).toBeGreaterThanOrEqual(used[0].outputTokens);
  });
});

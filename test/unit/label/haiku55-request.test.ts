/**
 * The label request against the rules of Claude Haiku 5.5 (platform.claude.com/docs/en/models/
 * haiku-5-5/migration-guide) and of the other models a user may choose: the real SDK sends
 * askForLabel's requests to the fake Messages API, which refuses with a 400 what the real API
 * refuses (sampling parameters, assistant prefill, manual thinking, forced tool use on the models
 * that reject it, thinking blocks sent back modified) and answers a thinking model with a thinking
 * block first, its tokens counting toward max_tokens.
 */
import Anthropic from '@anthropic-ai/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { ClusterRecord } from '../../../src/shared/api';
import { askForLabel, InvalidLabelOutput, requestShapeFor } from '../../../src/server/label/claude';
import { buildPrompt } from '../../../src/server/label/prompt';
import { labelFromPrompt, startFakeAnthropic, type FakeAnthropic, type FakeOptions, type RecordedRequest, type Reply } from '../../support/fakeAnthropic';

let fake: FakeAnthropic | null = null;
afterEach(async () => {
  await fake?.close();
  fake = null;
});

const cluster = ClusterRecord.parse({
  id: 'root.0',
  parent: 'root',
  depth: 1,
  size: 3,
  isNoise: false,
  keywords: [{ term: 'refund', score: 0.9 }, { term: 'charged twice', score: 0.7 }],
  examples: [{ row: 1, text: 'I was charged twice for my order, please refund one payment' }],
  label: null,
  description: null,
  labelSource: null,
});
const prompt = buildPrompt({ cluster, memberTexts: ['Refund the double charge please', 'Charged two times for one order'], redact: true });

const ok = (r: RecordedRequest): Reply => ({ kind: 'tool', input: labelFromPrompt(r) });

async function ask(model: string, script: (r: RecordedRequest) => Reply, o: FakeOptions = {}) {
  fake = await startFakeAnthropic(script, o);
  const client = new Anthropic({ apiKey: 'sk-ant-test-haiku55', baseURL: fake.url, maxRetries: 0 });
  return askForLabel(client, model, prompt, { timeoutMs: 5000 });
}

const failure = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected askForLabel to fail');
    },
    (e: unknown) => e,
  );

describe('a label request Claude Haiku 5.5 accepts', () => {
  it('has no temperature, top_p or top_k, no thinking budget, and ends with a user turn', async () => {
    const r = await ask('claude-haiku-5-5', ok);
    expect(r.requests).toBe(1);
    const body = fake?.requests[0].body;
    expect(body).toBeDefined();
    expect(body).not.toHaveProperty('temperature');
    expect(body).not.toHaveProperty('top_p');
    expect(body).not.toHaveProperty('top_k');
    expect(body).not.toHaveProperty('thinking');
    expect(body?.messages.at(-1)?.role).toBe('user');
  });

  it('leaves room in max_tokens for adaptive thinking before the tool call, and finds the call after the thinking block', async () => {
    const r = await ask('claude-haiku-5-5', ok, { thinkingTokens: 2000 });
    expect(fake?.requests[0].body.tool_choice?.type).toBe('auto');
    expect(fake?.requests[0].body.max_tokens).toBeGreaterThanOrEqual(2000 + 160);
    expect(r.requests).toBe(1);
    expect(r.label.label).toBe('Refund Charged Twice Requests');
    expect(r.usage.outputTokens).toBe(2000 + 60);
  });

  it('a repair turn sends the thinking block back unmodified, with the tool_result in a final user turn', async () => {
    let n = 0;
    const r = await ask('claude-haiku-5-5', (q) => (++n === 1 ? { kind: 'tool', input: { ...labelFromPrompt(q), priority: 'Urgent' } } : ok(q)), { thinkingTokens: 500 });
    expect(r.requests).toBe(2);
    const repair = fake?.requests[1].body.messages ?? [];
    expect(repair.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(repair[1].content).toEqual([expect.objectContaining({ type: 'thinking', thinking: '', signature: 'sig_fake_1' }), expect.objectContaining({ type: 'tool_use', id: 'toolu_1' })]);
    expect(repair[2].content).toEqual([expect.objectContaining({ type: 'tool_result', tool_use_id: 'toolu_1', is_error: true })]);
  });

  it('a text-only answer gets a repair turn that ends with a user message', async () => {
    let n = 0;
    const r = await ask('claude-haiku-5-5', (q) => (++n === 1 ? { kind: 'text', text: 'These tickets are about double charges.' } : ok(q)), { thinkingTokens: 300 });
    expect(r.requests).toBe(2);
    const repair = fake?.requests[1].body.messages ?? [];
    expect(repair.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(repair[2].content).toMatch(/no record_cluster_label tool call/);
  });

  it('a safety refusal is not sent back for repair: the cluster gets no label from one request', async () => {
    const err = await failure(ask('claude-haiku-5-5', () => ({ kind: 'refusal' })));
    expect(err).toBeInstanceOf(InvalidLabelOutput);
    expect((err as Error).message).toMatch(/declined .*refusal/);
    expect(fake?.requests).toHaveLength(1);
  });

  it('an answer cut off at max_tokens after its thinking is not sent back for repair', async () => {
    const err = await failure(ask('claude-haiku-5-5', ok, { thinkingTokens: requestShapeFor('claude-haiku-5-5').max_tokens }));
    expect(err).toBeInstanceOf(InvalidLabelOutput);
    expect((err as Error).message).toMatch(/max_tokens/);
    expect(fake?.requests).toHaveLength(1);
  });
});

describe('the same request on the other models a user may choose', () => {
  // Forced tool use returns an error on these (their platform.claude.com overviews).
  it.each(['claude-sonnet-5-5', 'claude-opus-5-5'])('%s, which rejects a forced tool_choice, labels the cluster', async (model) => {
    const r = await ask(model, ok, { thinkingTokens: 800 });
    expect(r.requests).toBe(1);
    expect(r.label.category).toBe('Support');
  });

  it.each(['claude-haiku-4-5-20251001', 'claude-haiku-4-5'])('%s, which thinks only when asked, keeps the forced tool call and labels the cluster', async (model) => {
    const r = await ask(model, ok, { thinkingTokens: 800 });
    expect(r.requests).toBe(1);
    expect(r.usage.outputTokens).toBe(60);
    expect(fake?.requests[0].body.tool_choice).toEqual({ type: 'tool', name: 'record_cluster_label' });
  });
});

describe('the fake refuses what the real API refuses (so the tests above can fail)', () => {
  const client = () => new Anthropic({ apiKey: 'sk-ant-test-haiku55', baseURL: fake?.url, maxRetries: 0 });
  const base = { max_tokens: 1024, messages: [{ role: 'user' as const, content: 'Label this cluster.' }] };
  // SDK 1.12 no longer types the sampling parameters; a caller can still put them in the body.
  type WithSampling = Anthropic.Messages.MessageCreateParamsNonStreaming & { temperature?: number; top_p?: number; top_k?: number };
  const create = (params: WithSampling) => client().messages.create(params);
  const rejection = async (params: WithSampling) => {
    fake ??= await startFakeAnthropic(ok, { thinkingTokens: 100 });
    const e = await failure(create(params));
    expect(e).toBeInstanceOf(Anthropic.BadRequestError);
    return (e as InstanceType<typeof Anthropic.BadRequestError>).message;
  };

  it.each([
    ['temperature 0', { temperature: 0 }, /`temperature` is deprecated/],
    ['top_p 0.9', { top_p: 0.9 }, /`top_p` is deprecated/],
    ['top_p 1', { top_p: 1 }, /`top_p` is deprecated/],
    ['top_k 40', { top_k: 40 }, /`top_k` is deprecated/],
    ['temperature 1 with top_p 0.99', { temperature: 1, top_p: 0.99 }, /cannot both be specified/],
    ['a thinking budget', { thinking: { type: 'enabled' as const, budget_tokens: 1024 } }, /thinking\.type\.enabled\W* is not supported for this model/],
  ])('claude-haiku-5-5 with %s: 400 invalid_request_error', async (_what, extra, message) => {
    expect(await rejection({ model: 'claude-haiku-5-5', ...base, ...extra })).toMatch(message);
  });

  it('claude-haiku-5-5 with an assistant prefill: 400, even with thinking disabled', async () => {
    const messages = [...base.messages, { role: 'assistant' as const, content: '{"label": "' }];
    expect(await rejection({ model: 'claude-haiku-5-5', ...base, messages, thinking: { type: 'disabled' } })).toMatch(/does not support assistant message prefill/);
  });

  it('claude-sonnet-5-5 with a forced tool_choice (the request before this change): 400', async () => {
    const tool = { name: 'record_cluster_label', input_schema: { type: 'object' as const } };
    expect(await rejection({ model: 'claude-sonnet-5-5', ...base, max_tokens: 400, tools: [tool], tool_choice: { type: 'tool', name: tool.name } })).toMatch(/forced tool use returns an error/);
  });

  it('claude-haiku-5-5 accepts temperature 1 and a forced tool_choice, and then answers without thinking', async () => {
    fake = await startFakeAnthropic(ok, { thinkingTokens: 100 });
    const tool = { name: 'record_cluster_label', input_schema: { type: 'object' as const } };
    const msg = await create({ model: 'claude-haiku-5-5', ...base, temperature: 1, tools: [tool], tool_choice: { type: 'tool', name: tool.name } });
    expect(msg.content.map((b) => b.type)).toEqual(['tool_use']);
    const auto = await client().messages.create({ model: 'claude-haiku-5-5', ...base, tools: [tool], tool_choice: { type: 'auto' } });
    expect(auto.content.map((b) => b.type)).toEqual(['thinking', 'tool_use']);
  });

  it('claude-haiku-4-5-20251001 accepts temperature 0 and an assistant prefill', async () => {
    fake = await startFakeAnthropic(() => ({ kind: 'text', text: 'Refunds"}' }));
    const msg = await create({ model: 'claude-haiku-4-5-20251001', ...base, temperature: 0, messages: [...base.messages, { role: 'assistant', content: '{"label": "' }] });
    expect(msg.stop_reason).toBe('end_turn');
  });

  it('a thinking block sent back modified: 400', async () => {
    const messages = [
      ...base.messages,
      { role: 'assistant' as const, content: [{ type: 'thinking' as const, thinking: 'edited', signature: 'sig_fake_1' }, { type: 'tool_use' as const, id: 'toolu_1', name: 'x', input: {} }] },
      { role: 'user' as const, content: [{ type: 'tool_result' as const, tool_use_id: 'toolu_1', content: 'ok' }] },
    ];
    expect(await rejection({ model: 'claude-haiku-5-5', ...base, messages })).toMatch(/Invalid `signature` in `thinking` block/);
  });
});

/**
 * One cluster label from Claude through the real @anthropic-ai/sdk: a call of the
 * record_cluster_label tool, its input validated with zod; an invalid answer gets one repair turn
 * (the validation error sent back as an error tool_result), then gives up. Each request asks the
 * caller first (a cap or a stop may refuse it) and reports its usage as soon as it is answered, so
 * the tokens of invalid answers and repair turns are counted too.
 *
 * The request follows platform.claude.com/docs/en/models/haiku-5-5/migration-guide: no temperature,
 * top_p or top_k (Claude Haiku 5.5 rejects them); messages end with a user turn (no assistant
 * prefill); no `thinking` or `effort`, so each model keeps its default. The Claude 4.5 models, which
 * think only when asked, keep the forced tool call. Every other model gets tool_choice `auto`, the
 * system prompt saying to call the tool: a forced tool_choice is an error on Claude Sonnet 5.5, Opus
 * 5.5 and Fable 5.1, and on Haiku 5.5 it skips thinking ("To let the model think before it calls a
 * tool, use tool_choice: {"type": "auto"} and say in the prompt when to use the tool"). So an answer
 * may begin with thinking blocks, or be text only: the tool call is found by type, and a repair turn
 * sends the answer back unmodified.
 */
import type Anthropic from '@anthropic-ai/sdk';
import { ClusterLabel } from '../../shared/api';
import { overheadTokens, tokensOf, type Usage } from './estimate';
import { LABEL_TOOL, type BuiltPrompt } from './prompt';

export type { Usage } from './estimate';

/**
 * The Claude 4.5 models think only when a request asks (they take no adaptive thinking): their answer
 * is the tool call alone. Any other model may think first (adaptive thinking is on by default on
 * Claude Haiku 5.5), and thinking tokens count toward max_tokens.
 */
const THINKS_ONLY_WHEN_ASKED = new Set([
  'claude-haiku-4-5',
  'claude-haiku-4-5-20251001',
  'claude-sonnet-4-5',
  'claude-sonnet-4-5-20250929',
  'claude-opus-4-5',
  'claude-opus-4-5-20251101',
]);

/**
 * max_tokens and tool_choice for `model`. The label call is ≈ 160 tokens; a model that may think gets
 * room for a few thousand tokens of thinking before it. Only what is generated is billed, but a cap
 * reserves max_tokens for every request in flight.
 */
export function requestShapeFor(model: string): { max_tokens: number; tool_choice: Anthropic.Messages.ToolChoice } {
  return THINKS_ONLY_WHEN_ASKED.has(model)
    ? { max_tokens: 400, tool_choice: { type: 'tool', name: LABEL_TOOL.name } }
    : { max_tokens: 4096, tool_choice: { type: 'auto', disable_parallel_tool_use: true } };
}

export class InvalidLabelOutput extends Error {}

export interface LabelCall {
  label: ClusterLabel;
  usage: Usage;
  requests: number;
}

type Message = Anthropic.Messages.Message;
type Param = Anthropic.Messages.MessageParam;

/** An answer that a repair turn cannot mend: a safety refusal, or one cut off before its tool call was complete. */
function unmendable(msg: Message): string | null {
  if (msg.stop_reason === 'refusal') return 'Claude declined to label this cluster (stop_reason refusal)';
  if (msg.stop_reason === 'max_tokens') return 'the answer reached max_tokens before a complete record_cluster_label call';
  if (msg.content.length === 0) return 'the answer was empty';
  return null;
}

function check(msg: Message): { ok: true; label: ClusterLabel } | { ok: false; error: string; toolUseId: string | null } {
  const call = msg.content.find((b): b is Anthropic.Messages.ToolUseBlock => b.type === 'tool_use' && b.name === LABEL_TOOL.name);
  if (!call) return { ok: false, error: 'no record_cluster_label tool call in the answer', toolUseId: null };
  const parsed = ClusterLabel.safeParse(call.input);
  if (parsed.success) return { ok: true, label: parsed.data };
  return { ok: false, error: parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; '), toolUseId: call.id };
}

/** What a caller follows of each Messages request: its start, a budget reservation, its usage. */
export interface RequestHooks {
  timeoutMs: number;
  signal?: AbortSignal;
  onRequest?: () => void;
  /** Before each request, with its estimated most; throws to refuse it; the result releases the reservation. */
  reserve?: (estimate: Usage) => () => void;
  /** Each answer's usage, as it comes in. */
  onUsage?: (usage: Usage) => void;
}

/** One Messages request under the hooks: `estimate` reserved before it, released after, its usage reported. */
export async function sendMessage(
  client: Anthropic,
  body: Anthropic.Messages.MessageCreateParamsNonStreaming,
  estimate: Usage,
  hooks: RequestHooks,
): Promise<{ msg: Message; used: Usage }> {
  const release = hooks.reserve?.(estimate);
  let msg: Message;
  try {
    hooks.onRequest?.();
    msg = await client.messages.create(body, { timeout: hooks.timeoutMs, signal: hooks.signal });
  } finally {
    release?.();
  }
  const used = { inputTokens: msg.usage?.input_tokens ?? 0, outputTokens: msg.usage?.output_tokens ?? 0 };
  hooks.onUsage?.(used);
  return { msg, used };
}

export async function askForLabel(
  client: Anthropic,
  model: string,
  p: BuiltPrompt,
  opts: RequestHooks,
): Promise<LabelCall> {
  const usage = { inputTokens: 0, outputTokens: 0 };
  const shape = requestShapeFor(model);
  const send = async (messages: Param[]) => {
    const estimate = { inputTokens: overheadTokens(model) + tokensOf(JSON.stringify(messages).length, model), outputTokens: shape.max_tokens };
    const { msg, used } = await sendMessage(client, { model, ...shape, system: p.system, tools: [LABEL_TOOL], messages }, estimate, opts);
    usage.inputTokens += used.inputTokens;
    usage.outputTokens += used.outputTokens;
    return msg;
  };
  const first: Param[] = [{ role: 'user', content: p.prompt }];
  const m1 = await send(first);
  const stop1 = unmendable(m1);
  if (stop1) throw new InvalidLabelOutput(stop1);
  const c1 = check(m1);
  if (c1.ok) return { label: c1.label, usage, requests: 1 };
  const repairText = `That answer was not valid: ${c1.error}. Call record_cluster_label again with valid values.`;
  const m2 = await send([
    ...first,
    { role: 'assistant', content: m1.content as Anthropic.Messages.ContentBlockParam[] },
    { role: 'user', content: c1.toolUseId ? [{ type: 'tool_result', tool_use_id: c1.toolUseId, is_error: true, content: repairText }] : repairText },
  ]);
  const stop2 = unmendable(m2);
  if (stop2) throw new InvalidLabelOutput(stop2);
  const c2 = check(m2);
  if (c2.ok) return { label: c2.label, usage, requests: 2 };
  throw new InvalidLabelOutput(`invalid output twice (${c2.error})`);
}

/**
 * One cluster label from Claude through the real @anthropic-ai/sdk: a forced call of the
 * record_cluster_label tool, its input validated with zod; an invalid answer gets one repair turn
 * (the validation error sent back as an error tool_result), then gives up.
 */
import type Anthropic from '@anthropic-ai/sdk';
import { ClusterLabel } from '../../shared/api';
import { LABEL_TOOL, type BuiltPrompt } from './prompt';

export class InvalidLabelOutput extends Error {}

export interface LabelCall {
  label: ClusterLabel;
  usage: { inputTokens: number; outputTokens: number };
  requests: number;
}

type Message = Anthropic.Messages.Message;
type Param = Anthropic.Messages.MessageParam;

function check(msg: Message): { ok: true; label: ClusterLabel } | { ok: false; error: string; toolUseId: string | null } {
  const call = msg.content.find((b): b is Anthropic.Messages.ToolUseBlock => b.type === 'tool_use' && b.name === LABEL_TOOL.name);
  if (!call) return { ok: false, error: 'no record_cluster_label tool call in the answer', toolUseId: null };
  const parsed = ClusterLabel.safeParse(call.input);
  if (parsed.success) return { ok: true, label: parsed.data };
  return { ok: false, error: parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; '), toolUseId: call.id };
}

export async function askForLabel(
  client: Anthropic,
  model: string,
  p: BuiltPrompt,
  opts: { timeoutMs: number; signal?: AbortSignal; onRequest?: () => void },
): Promise<LabelCall> {
  const usage = { inputTokens: 0, outputTokens: 0 };
  const send = async (messages: Param[]) => {
    opts.onRequest?.();
    const msg = await client.messages.create(
      { model, max_tokens: 400, system: p.system, tools: [LABEL_TOOL], tool_choice: { type: 'tool', name: LABEL_TOOL.name }, messages },
      { timeout: opts.timeoutMs, signal: opts.signal },
    );
    usage.inputTokens += msg.usage?.input_tokens ?? 0;
    usage.outputTokens += msg.usage?.output_tokens ?? 0;
    return msg;
  };
  const first: Param[] = [{ role: 'user', content: p.prompt }];
  const m1 = await send(first);
  const c1 = check(m1);
  if (c1.ok) return { label: c1.label, usage, requests: 1 };
  const repairText = `That answer was not valid: ${c1.error}. Call record_cluster_label again with valid values.`;
  const m2 = await send([
    ...first,
    { role: 'assistant', content: m1.content as Anthropic.Messages.ContentBlockParam[] },
    { role: 'user', content: c1.toolUseId ? [{ type: 'tool_result', tool_use_id: c1.toolUseId, is_error: true, content: repairText }] : repairText },
  ]);
  const c2 = check(m2);
  if (c2.ok) return { label: c2.label, usage, requests: 2 };
  throw new InvalidLabelOutput(`invalid output twice (${c2.error})`);
}

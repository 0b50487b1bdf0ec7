/**
 * One batch's tags from Claude through the real @anthropic-ai/sdk: a call of the record_ticket_tags
 * tool (a call of any other tool is no answer), its input validated with zod ticket by ticket. Any
 * invalid or missing ticket gets one repair
 * turn, as cluster labels do (label/claude.ts): the problems sent back as an error tool_result, the
 * answer itself unmodified. The valid tickets of both answers are kept; a ticket still without a
 * valid tag after the repair is reported, not guessed. The request shape (tool_choice, room for
 * thinking) follows label/claude.ts's requestShapeFor, so each model gets what its docs allow.
 */
import type Anthropic from '@anthropic-ai/sdk';
import * as z from 'zod';
import type { LabelSet } from '../../shared/api';
import { requestShapeFor, sendMessage, type RequestHooks } from '../label/claude';
import { tokensOf } from '../label/estimate';
import { MAX_REASON_CHARS, TAG_TOOL_NAME, type TagTool } from './prompt';

/** Output tokens a ticket's entry takes: its number, labels and a one-sentence reason as JSON. */
export const OUTPUT_TOKENS_PER_ROW = 80;
const OUTPUT_TOKENS_FIXED = 60;

/** max_tokens and tool_choice for a batch of `rows`: the forced call where the model allows it, else `auto` with room to think. */
export function tagRequestShape(model: string, rows: number): { max_tokens: number; tool_choice: Anthropic.Messages.ToolChoice } {
  const label = requestShapeFor(model);
  const answer = OUTPUT_TOKENS_FIXED + OUTPUT_TOKENS_PER_ROW * rows;
  return label.tool_choice.type === 'tool'
    ? { max_tokens: answer, tool_choice: { type: 'tool', name: TAG_TOOL_NAME } }
    : { max_tokens: answer + label.max_tokens, tool_choice: label.tool_choice };
}

/** Output tokens a batch's answer is expected to take (thinking not foreseen). */
export function expectedOutputTokens(rows: number): number {
  return OUTPUT_TOKENS_FIXED + OUTPUT_TOKENS_PER_ROW * rows;
}

export interface RowTag {
  labels: string[];
  reason: string;
}

const Entry = z.object({ ticket: z.number().int(), labels: z.array(z.string()), reason: z.string() });
const ToolInput = z.object({ tags: z.array(z.unknown()) });

/** Unmendable: a refusal, an answer cut off, or an empty answer. */
export class TagAnswerFailed extends Error {}

type Message = Anthropic.Messages.Message;
type Param = Anthropic.Messages.MessageParam;
type ToolUse = Anthropic.Messages.ToolUseBlock;

function unmendable(msg: Message): string | null {
  if (msg.stop_reason === 'refusal') return 'Claude declined to tag this batch (stop_reason refusal)';
  if (msg.stop_reason === 'max_tokens') return `the answer reached max_tokens before a complete ${TAG_TOOL_NAME} call`;
  if (msg.content.length === 0) return 'the answer was empty';
  return null;
}

/** The valid tags of an answer, by ticket number, and what is wrong with the rest. */
export function readAnswer(input: unknown, set: LabelSet, count: number): { tags: Map<number, RowTag>; problems: string[] } {
  const tags = new Map<number, RowTag>();
  const problems: string[] = [];
  const byName = new Map(set.labels.map((l) => [l.name.toLowerCase(), l.name]));
  const top = ToolInput.safeParse(input);
  if (!top.success) return { tags, problems: [`the input must be { "tags": [ ... ] } (${top.error.issues[0]?.message ?? 'invalid'})`] };
  const seen = new Set<number>();
  top.data.tags.forEach((raw, i) => {
    const e = Entry.safeParse(raw);
    if (!e.success) return void problems.push(`tags[${i}]: ${e.error.issues.map((x) => `${x.path.join('.') || 'entry'}: ${x.message}`).join('; ')}`);
    const { ticket } = e.data;
    if (ticket < 1 || ticket > count) return void problems.push(`tags[${i}]: there is no ticket ${ticket} (the batch has 1 to ${count})`);
    if (seen.has(ticket)) return void problems.push(`tags[${i}]: ticket ${ticket} is answered twice`);
    seen.add(ticket);
    const unknown = e.data.labels.filter((l) => !byName.has(l.trim().toLowerCase()));
    if (unknown.length) return void problems.push(`ticket ${ticket}: ${unknown.map((l) => `"${l}"`).join(', ')} ${unknown.length > 1 ? 'are not labels' : 'is not a label'} of "${set.name}"`);
    const labels = [...new Set(e.data.labels.map((l) => byName.get(l.trim().toLowerCase())!))];
    if (labels.length === 0) return void problems.push(`ticket ${ticket}: no label`);
    if (!set.multiLabel && labels.length > 1) return void problems.push(`ticket ${ticket}: "${set.name}" takes exactly one label`);
    const reason = e.data.reason.replace(/\s+/g, ' ').trim();
    if (!reason) return void problems.push(`ticket ${ticket}: the reason is empty`);
    tags.set(ticket, { labels, reason: reason.slice(0, MAX_REASON_CHARS) });
  });
  for (let t = 1; t <= count; t++) if (!tags.has(t) && !seen.has(t)) problems.push(`ticket ${t} has no entry`);
  return { tags, problems };
}

export interface TagCall {
  /** Valid tags by ticket number (1-based within the batch). */
  tags: Map<number, RowTag>;
  /** Why a ticket has no tag, when some have none after the repair. */
  problems: string[];
}

export async function askForTags(
  client: Anthropic,
  model: string,
  req: { system: string; tool: TagTool; prompt: string; rows: number; set: LabelSet },
  opts: RequestHooks,
): Promise<TagCall> {
  const shape = tagRequestShape(model, req.rows);
  const send = async (messages: Param[]) => {
    const body = { model, ...shape, system: req.system, tools: [req.tool], messages };
    return (await sendMessage(client, body, { inputTokens: tokensOf(JSON.stringify(body).length, model) + 20, outputTokens: shape.max_tokens }, opts)).msg;
  };
  const calls = (m: Message) => m.content.filter((b): b is ToolUse => b.type === 'tool_use');
  const tagCall = (m: Message) => calls(m).find((c) => c.name === req.tool.name);
  /** Why an answer has no tags to read: no tool call, or a call of a tool this request did not offer. */
  const noCall = (m: Message, where: string) => {
    const other = calls(m)[0];
    return other ? `the ${where} called "${other.name}", not ${req.tool.name}` : `no ${req.tool.name} call in the ${where}`;
  };

  const first: Param[] = [{ role: 'user', content: req.prompt }];
  const m1 = await send(first);
  const stop1 = unmendable(m1);
  if (stop1) throw new TagAnswerFailed(stop1);
  const t1 = tagCall(m1);
  const a1 = t1 ? readAnswer(t1.input, req.set, req.rows) : { tags: new Map<number, RowTag>(), problems: [noCall(m1, 'answer')] };
  if (a1.problems.length === 0) return { tags: a1.tags, problems: [] };

  const shown = a1.problems.slice(0, 12).join('; ') + (a1.problems.length > 12 ? `; and ${a1.problems.length - 12} more` : '');
  const repairText = `That answer was not valid: ${shown}. Call ${req.tool.name} again with one valid entry for every ticket, 1 to ${req.rows}.`;
  // Every tool_use of the answer needs its tool_result in the next turn, whichever tool it called.
  const c1 = calls(m1);
  const m2 = await send([
    ...first,
    { role: 'assistant', content: m1.content as Anthropic.Messages.ContentBlockParam[] },
    { role: 'user', content: c1.length ? c1.map((c) => ({ type: 'tool_result' as const, tool_use_id: c.id, is_error: true, content: repairText })) : repairText },
  ]);
  const stop2 = unmendable(m2);
  const t2 = stop2 ? undefined : tagCall(m2);
  const a2 = t2 ? readAnswer(t2.input, req.set, req.rows) : null;
  const tags = new Map([...a1.tags, ...(a2?.tags ?? [])]);
  const problems: string[] = [];
  for (let t = 1; t <= req.rows; t++) {
    if (tags.has(t)) continue;
    const why = stop2 ?? (a2 ? (a2.problems.find((p) => new RegExp(`ticket ${t}\\b`).test(p)) ?? `no valid tag after a repair turn`) : noCall(m2, 'repaired answer'));
    problems.push(`ticket ${t}: ${why}`);
  }
  return { tags, problems };
}

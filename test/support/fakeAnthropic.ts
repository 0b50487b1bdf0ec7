/**
 * A local stand-in for the Anthropic Messages and Models APIs: a real HTTP server on 127.0.0.1 that
 * the real @anthropic-ai/sdk reaches through `baseURL`. Each test scripts its replies (tool-use
 * answers calling the request's first tool or a named one, malformed or schema-violating ones, 429
 * with retry-after, 529 overloaded, 500, 401/403/404 refusals, a hung response), and every request
 * body is recorded, with the time it arrived and how many were in flight. Errors have the API's
 * shape ({type: 'error', error: {type, message}} and a request-id header); the Models API answers
 * GET /v1/models (data, has_more, first_id, last_id; paged by limit, after_id, before_id) and
 * GET /v1/models/:id, with model objects {type: 'model', id, display_name, created_at} (and
 * lifecycle where a test sets it, as in the SDK's ModelInfo).
 *
 * The Messages API refuses, with the real API's 400 invalid_request_error, the request shapes the
 * real one refuses: for every model, a message with empty content, a tool_result without its
 * tool_use (or the reverse), and a thinking block sent back modified; and, for the models in
 * MODEL_RULES, what their docs say each rejects (sampling parameters, assistant prefill, manual
 * extended thinking, forced tool_choice). A model that thinks by default answers with a thinking
 * block first when `thinkingTokens` is set, and those tokens count toward max_tokens.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  n: number;
  at: number;
  headers: IncomingMessage['headers'];
  body: {
    model: string;
    system?: string;
    messages: { role: string; content: unknown }[];
    tools?: unknown[];
    tool_choice?: { type: string; name?: string };
    max_tokens?: number;
    temperature?: number;
    top_p?: number;
    top_k?: number;
    thinking?: { type: string; budget_tokens?: number };
  };
  raw: string;
}

export type Reply =
  /** A call of `name`, by default the request's first tool (record_cluster_label when it offers none). */
  | { kind: 'tool'; input: unknown; delayMs?: number; name?: string }
  | { kind: 'text'; text: string }
  /** A safety classifier declined the request: stop_reason refusal, no content. */
  | { kind: 'refusal' }
  | { kind: 'error'; status: number; type: string; message?: string; headers?: Record<string, string> }
  | { kind: 'hang' };

/** What a model accepts, as its platform.claude.com pages state. */
export interface ModelRules {
  /**
   * 'defaults-only' (Claude Haiku 5.5, migration guide "Remove sampling parameters"): temperature other
   * than 1, top_p other than 0.99, any top_k, or temperature with top_p is a 400. 'one-of' (Claude
   * Haiku 4.5): temperature with top_p is a 400.
   */
  sampling: 'defaults-only' | 'one-of';
  /** A final assistant turn: always a 400 ('always'), or only while thinking is on ('with-thinking'). */
  rejectsPrefill: 'always' | 'with-thinking';
  /** thinking {type: 'enabled', budget_tokens} is a 400 ("Manual extended thinking returns an error"). */
  rejectsManualThinking: boolean;
  /**
   * tool_choice 'any' or 'tool': accepted, and the answer has no thinking block (Haiku 5.5); a 400
   * (Sonnet 5.5, Opus 5.5: "Forced tool use returns an error"); or a 400 only with thinking on.
   */
  forcedToolChoice: 'accepted-without-thinking' | 'rejected' | 'rejected-with-thinking';
  /** Adaptive thinking is on when the request does not set `thinking`. */
  thinksByDefault: boolean;
}

const HAIKU_4_5_RULES: ModelRules = { sampling: 'one-of', rejectsPrefill: 'with-thinking', rejectsManualThinking: false, forcedToolChoice: 'rejected-with-thinking', thinksByDefault: false };
const CLAUDE_5_5_RULES: ModelRules = { sampling: 'defaults-only', rejectsPrefill: 'always', rejectsManualThinking: true, forcedToolChoice: 'rejected', thinksByDefault: true };

/** Models whose rules the fake enforces; any other model id is served without them. */
export const MODEL_RULES: Readonly<Record<string, ModelRules>> = {
  'claude-haiku-5-5': { sampling: 'defaults-only', rejectsPrefill: 'always', rejectsManualThinking: true, forcedToolChoice: 'accepted-without-thinking', thinksByDefault: true },
  'claude-haiku-4-5': HAIKU_4_5_RULES,
  'claude-haiku-4-5-20251001': HAIKU_4_5_RULES,
  'claude-sonnet-5-5': CLAUDE_5_5_RULES,
  'claude-opus-5-5': CLAUDE_5_5_RULES,
};

export interface FakeModel {
  id: string;
  display_name: string;
  created_at: string;
  lifecycle?: 'active' | 'deprecated' | 'retired';
}

/** Two models the Claude API serves (platform.claude.com model overviews), newest first as the API lists them. */
export const FAKE_MODELS: FakeModel[] = [
  { id: 'claude-haiku-5-5', display_name: 'Claude Haiku 5.5', created_at: '2026-10-07T00:00:00Z' },
  { id: 'claude-haiku-4-5-20251001', display_name: 'Claude Haiku 4.5', created_at: '2025-10-15T00:00:00Z' },
];

export interface FakeOptions {
  /** The Models API catalogue (default FAKE_MODELS); models.retrieve also knows `aliases`. */
  models?: FakeModel[];
  aliases?: Record<string, string>;
  /** Most models per page, whatever `limit` asks (to exercise paging). */
  pageSize?: number;
  /** When set, any other key gets 401 authentication_error on every endpoint. */
  keys?: string[];
  /** A scripted reply for a Models API request (e.g. a 403), or null for the normal answer. */
  modelsScript?: (path: string) => Reply | null;
  /**
   * Output tokens a thinking model spends thinking before it answers (default 0: it skips thinking,
   * as adaptive thinking may on a simple request). They count toward max_tokens: an answer that does
   * not fit after them stops with stop_reason max_tokens and only the thinking block.
   */
  thinkingTokens?: number;
  /** Input tokens of a request body (default ≈ 4 characters a token). */
  countTokens?: (raw: string, model: string) => number;
}

export interface FakeAnthropic {
  url: string;
  /** Messages API requests. */
  requests: RecordedRequest[];
  /** Models API requests, by path and query. */
  modelRequests: string[];
  maxInFlight: number;
  close(): Promise<void>;
}

const errorBody = (type: string, message: string) => JSON.stringify({ type: 'error', error: { type, message } });

/** The key as this SDK sends it: a bearer token, or x-api-key. */
function keyOf(req: IncomingMessage): string | null {
  const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
  const header = req.headers['x-api-key'];
  return bearer ?? (typeof header === 'string' ? header : null);
}

function modelsAnswer(url: URL, o: FakeOptions): { status: number; body: string } {
  const models = o.models ?? FAKE_MODELS;
  const one = /^\/v1\/models\/(.+)$/.exec(url.pathname);
  if (one) {
    const asked = decodeURIComponent(one[1]);
    const m = models.find((x) => x.id === (o.aliases?.[asked] ?? asked));
    return m ? { status: 200, body: JSON.stringify({ type: 'model', ...m }) } : { status: 404, body: errorBody('not_found_error', `model: ${asked}`) };
  }
  const limit = Math.min(Number(url.searchParams.get('limit') ?? 20), o.pageSize ?? 1000);
  const after = url.searchParams.get('after_id');
  const before = url.searchParams.get('before_id');
  let from = 0;
  let to = models.length;
  if (after) from = models.findIndex((m) => m.id === after) + 1;
  if (before) to = Math.max(0, models.findIndex((m) => m.id === before));
  const page = before ? models.slice(Math.max(from, to - limit), to) : models.slice(from, Math.min(to, from + limit));
  const hasMore = before ? to - limit > from : from + limit < to;
  return {
    status: 200,
    body: JSON.stringify({ data: page.map((m) => ({ type: 'model', ...m })), has_more: hasMore, first_id: page[0]?.id ?? null, last_id: page.at(-1)?.id ?? null }),
  };
}

type Block = { type?: string; id?: string; tool_use_id?: string; thinking?: string; signature?: string };
const blocksOf = (content: unknown): Block[] => (Array.isArray(content) ? (content as Block[]) : []);
const isForced = (c: RecordedRequest['body']['tool_choice']) => c?.type === 'any' || c?.type === 'tool';

/** Whether `model` thinks on this request: its default, or what `thinking` asks. */
function thinks(body: RecordedRequest['body'], rules: ModelRules | undefined): boolean {
  const asked = body.thinking?.type;
  if (asked === 'disabled') return false;
  if (asked === 'enabled' || asked === 'adaptive') return true;
  return rules?.thinksByDefault ?? false;
}

/**
 * Why the real API would refuse this request (the message of its 400 invalid_request_error), or
 * null. `issued` holds the thinking blocks this fake has sent, by signature, to check them coming back.
 */
export function invalidRequest(body: RecordedRequest['body'], issued: ReadonlyMap<string, string>): string | null {
  const rules = MODEL_RULES[body.model];
  const msgs = body.messages;
  for (const [i, m] of msgs.entries()) {
    const empty = typeof m.content === 'string' ? m.content.length === 0 : blocksOf(m.content).length === 0;
    if (empty && !(i === msgs.length - 1 && m.role === 'assistant')) return `messages.${i}: all messages must have non-empty content except for the optional final assistant message`;
    for (const [j, b] of blocksOf(m.content).entries()) {
      if (b.type === 'thinking' && (b.signature === undefined || issued.get(b.signature) !== b.thinking)) return `messages.${i}.content.${j}: Invalid \`signature\` in \`thinking\` block`;
    }
    if (m.role !== 'assistant') continue;
    const uses = blocksOf(m.content).filter((b) => b.type === 'tool_use').map((b) => b.id);
    const results = new Set(blocksOf(msgs[i + 1]?.content).filter((b) => b.type === 'tool_result').map((b) => b.tool_use_id));
    const missing = uses.filter((id) => !results.has(id));
    if (missing.length && i < msgs.length - 1) {
      return `messages.${i}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`;
    }
  }
  for (const [i, m] of msgs.entries()) {
    const before = new Set(i > 0 && msgs[i - 1].role === 'assistant' ? blocksOf(msgs[i - 1].content).filter((b) => b.type === 'tool_use').map((b) => b.id) : []);
    const stray = blocksOf(m.content).filter((b) => b.type === 'tool_result' && !before.has(b.tool_use_id));
    if (stray.length) {
      return `messages.${i}.content.0: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${stray.map((b) => b.tool_use_id).join(', ')}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`;
    }
  }
  if (!rules) return null;
  const { temperature, top_p: topP, top_k: topK } = body;
  if (temperature !== undefined && topP !== undefined) return '`temperature` and `top_p` cannot both be specified for this model. Please use only one.';
  if (rules.sampling === 'defaults-only') {
    if (temperature !== undefined && temperature !== 1) return '`temperature` is deprecated for this model.';
    if (topP !== undefined && topP !== 0.99) return '`top_p` is deprecated for this model.';
    if (topK !== undefined) return '`top_k` is deprecated for this model.';
  }
  if (rules.rejectsManualThinking && body.thinking?.type === 'enabled') {
    return '"thinking.type.enabled" is not supported for this model. Use "thinking.type.adaptive" and "output_config.effort" to control thinking behavior.';
  }
  const thinking = thinks(body, rules);
  if (msgs.at(-1)?.role === 'assistant' && (rules.rejectsPrefill === 'always' || thinking)) {
    return 'This model does not support assistant message prefill. The conversation must end with a user message.';
  }
  if (isForced(body.tool_choice) && (rules.forcedToolChoice === 'rejected' || (rules.forcedToolChoice === 'rejected-with-thinking' && thinking))) {
    return `tool_choice.type '${body.tool_choice?.type}' is not supported for this model${thinking && rules.forcedToolChoice !== 'rejected' ? ' with thinking' : ''}: forced tool use returns an error. Use tool_choice.type 'auto' and say in the prompt when to use the tool.`;
  }
  return null;
}

/** The tool a model calls when it follows its prompt: the first one the request offers. */
function offeredTool(body: RecordedRequest['body']): string {
  const first = body.tools?.[0];
  const name = first && typeof first === 'object' && 'name' in first ? first.name : undefined;
  return typeof name === 'string' ? name : 'record_cluster_label';
}

export function promptOf(r: RecordedRequest): string {
  const first = r.body.messages[0]?.content;
  return typeof first === 'string' ? first : JSON.stringify(first);
}

/** A plausible label derived from the prompt's keywords line, different for different clusters. */
export function labelFromPrompt(r: RecordedRequest): { label: string; description: string; category: string; priority: 'Medium'; confidence: number } {
  const kw = /Keywords \(c-TF-IDF\): ([^\n]*)/.exec(promptOf(r))?.[1]?.split(', ').slice(0, 2) ?? ['misc'];
  const title = kw.map((w) => w.replace(/\b\w/g, (c) => c.toUpperCase())).join(' ');
  return { label: `${title} Requests`, description: `Customers write about ${kw.join(' and ')}.`, category: 'Support', priority: 'Medium', confidence: 0.8 };
}

export async function startFakeAnthropic(script: (req: RecordedRequest) => Reply, o: FakeOptions = {}): Promise<FakeAnthropic> {
  const requests: RecordedRequest[] = [];
  const modelRequests: string[] = [];
  /** The thinking blocks sent, by signature, to check them when they come back. */
  const issued = new Map<string, string>();
  let inFlight = 0;
  const state = { maxInFlight: 0 };
  const hung = new Set<ServerResponse>();
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (d) => (raw += d));
    // A failure inside the handler must end the response (and surface in the test), not vanish.
    req.on('end', () => void respond().catch((err: unknown) => res.destroy(err instanceof Error ? err : new Error(String(err)))));
    const respond = async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const json = { 'content-type': 'application/json', 'request-id': `req_fake_${requests.length + modelRequests.length + 1}` };
      const key = keyOf(req);
      if (o.keys && (!key || !o.keys.includes(key))) {
        if (url.pathname.startsWith('/v1/models')) modelRequests.push(url.pathname + url.search);
        res.writeHead(401, json).end(errorBody('authentication_error', 'invalid x-api-key'));
        return;
      }
      if (req.method === 'GET' && url.pathname.startsWith('/v1/models')) {
        modelRequests.push(url.pathname + url.search);
        const scripted = o.modelsScript?.(url.pathname + url.search);
        if (scripted?.kind === 'error') res.writeHead(scripted.status, { ...json, ...scripted.headers }).end(errorBody(scripted.type, scripted.message ?? scripted.type));
        else if (scripted?.kind === 'hang') hung.add(res);
        else {
          const a = modelsAnswer(url, o);
          res.writeHead(a.status, json).end(a.body);
        }
        return;
      }
      inFlight++;
      state.maxInFlight = Math.max(state.maxInFlight, inFlight);
      const done = () => inFlight--;
      res.on('close', done);
      if (req.method !== 'POST' || url.pathname !== '/v1/messages') {
        res.writeHead(404, json).end(errorBody('not_found_error', 'Not found'));
        return;
      }
      const rec: RecordedRequest = { n: requests.length + 1, at: Date.now(), headers: req.headers, body: JSON.parse(raw) as RecordedRequest['body'], raw };
      requests.push(rec);
      const headers = { 'content-type': 'application/json', 'request-id': `req_${rec.n}` };
      const invalid = invalidRequest(rec.body, issued);
      if (invalid) {
        res.writeHead(400, headers).end(errorBody('invalid_request_error', invalid));
        return;
      }
      const reply = script(rec);
      if (reply.kind === 'hang') {
        hung.add(res);
        return;
      }
      if (reply.kind === 'error') {
        res.writeHead(reply.status, { ...headers, ...reply.headers }).end(errorBody(reply.type, reply.message ?? reply.type));
        return;
      }
      if (reply.kind === 'tool' && reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
      const answer =
        reply.kind === 'tool'
          ? [{ type: 'tool_use', id: `toolu_${rec.n}`, name: reply.name ?? offeredTool(rec.body), input: reply.input }]
          : reply.kind === 'text'
            ? [{ type: 'text', text: reply.text }]
            : [];
      const rules = MODEL_RULES[rec.body.model];
      // A forced tool_choice skips thinking (Haiku 5.5 migration guide, "Configure thinking").
      const thinkingTokens = reply.kind !== 'refusal' && thinks(rec.body, rules) && !isForced(rec.body.tool_choice) ? (o.thinkingTokens ?? 0) : 0;
      // Thinking text is omitted by default: an empty `thinking` and a signature.
      const thought = thinkingTokens > 0 ? [{ type: 'thinking', thinking: '', signature: `sig_fake_${rec.n}` }] : [];
      for (const t of thought) issued.set(t.signature, t.thinking);
      const answerTokens = answer.length ? 60 : 0;
      const cutOff = thinkingTokens + answerTokens > (rec.body.max_tokens ?? Infinity);
      res.writeHead(200, headers).end(
        JSON.stringify({
          id: `msg_${rec.n}`,
          type: 'message',
          role: 'assistant',
          model: rec.body.model,
          content: cutOff ? thought : [...thought, ...answer],
          stop_reason: cutOff ? 'max_tokens' : reply.kind === 'tool' ? 'tool_use' : reply.kind === 'refusal' ? 'refusal' : 'end_turn',
          stop_sequence: null,
          usage: {
            input_tokens: o.countTokens ? o.countTokens(raw, rec.body.model) : Math.ceil(raw.length / 4),
            output_tokens: cutOff ? (rec.body.max_tokens ?? 0) : thinkingTokens + answerTokens,
          },
        }),
      );
    };
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    modelRequests,
    get maxInFlight() {
      return state.maxInFlight;
    },
    close: () =>
      new Promise<void>((r) => {
        for (const res of hung) res.destroy();
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

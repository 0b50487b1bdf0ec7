/**
 * A local stand-in for the Anthropic Messages API: a real HTTP server on 127.0.0.1 that the real
 * @anthropic-ai/sdk reaches through `baseURL`. Each test scripts its replies (tool-use answers,
 * malformed or schema-violating ones, 429 with retry-after, 529 overloaded, 500, a hung response),
 * and every request body is recorded, with the time it arrived and how many were in flight.
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
    tool_choice?: unknown;
  };
  raw: string;
}

export type Reply =
  | { kind: 'tool'; input: unknown; delayMs?: number }
  | { kind: 'text'; text: string }
  | { kind: 'error'; status: number; type: string; message?: string; headers?: Record<string, string> }
  | { kind: 'hang' };

export interface FakeAnthropic {
  url: string;
  requests: RecordedRequest[];
  maxInFlight: number;
  close(): Promise<void>;
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

export async function startFakeAnthropic(script: (req: RecordedRequest) => Reply): Promise<FakeAnthropic> {
  const requests: RecordedRequest[] = [];
  let inFlight = 0;
  const state = { maxInFlight: 0 };
  const hung = new Set<ServerResponse>();
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (d) => (raw += d));
    // A failure inside the handler must end the response (and surface in the test), not vanish.
    req.on('end', () => void respond().catch((err: unknown) => res.destroy(err instanceof Error ? err : new Error(String(err)))));
    const respond = async () => {
      inFlight++;
      state.maxInFlight = Math.max(state.maxInFlight, inFlight);
      const done = () => inFlight--;
      res.on('close', done);
      if (req.method !== 'POST' || !req.url?.startsWith('/v1/messages')) {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ type: 'error', error: { type: 'not_found_error', message: 'Not found' } }));
        return;
      }
      const rec: RecordedRequest = { n: requests.length + 1, at: Date.now(), headers: req.headers, body: JSON.parse(raw) as RecordedRequest['body'], raw };
      requests.push(rec);
      const reply = script(rec);
      const headers = { 'content-type': 'application/json', 'request-id': `req_${rec.n}` };
      if (reply.kind === 'hang') {
        hung.add(res);
        return;
      }
      if (reply.kind === 'error') {
        res.writeHead(reply.status, { ...headers, ...reply.headers }).end(JSON.stringify({ type: 'error', error: { type: reply.type, message: reply.message ?? reply.type } }));
        return;
      }
      if (reply.kind === 'tool' && reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
      const content =
        reply.kind === 'tool'
          ? [{ type: 'tool_use', id: `toolu_${rec.n}`, name: 'record_cluster_label', input: reply.input }]
          : [{ type: 'text', text: reply.text }];
      res.writeHead(200, headers).end(
        JSON.stringify({
          id: `msg_${rec.n}`,
          type: 'message',
          role: 'assistant',
          model: rec.body.model,
          content,
          stop_reason: reply.kind === 'tool' ? 'tool_use' : 'end_turn',
          stop_sequence: null,
          usage: { input_tokens: Math.ceil(raw.length / 4), output_tokens: 60 },
        }),
      );
    };
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
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

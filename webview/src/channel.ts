/**
 * A page's only channel to the extension: typed messages, every incoming one parsed with its schema
 * before anything renders it. Each webview page (summary, profile, evaluation) makes one, with its
 * own message schemas from src/shared.
 */
import type * as z from 'zod';

declare function acquireVsCodeApi(): { postMessage(m: unknown): void };

export interface Channel<In, Out> {
  post: (m: Out) => void;
  /** Calls `onMessage` with each valid message from the host, `onInvalid` with why one was not. */
  listen: (onMessage: (m: In) => void, onInvalid: (reason: string) => void) => void;
}

export function channel<In, Out>(incoming: z.ZodType<In>): Channel<In, Out> {
  // VS Code allows one acquireVsCodeApi() per page: a page makes one channel.
  const api = acquireVsCodeApi();
  return {
    post: (m) => api.postMessage(m),
    listen: (onMessage, onInvalid) =>
      window.addEventListener('message', (e: MessageEvent<unknown>) => {
        const m = incoming.safeParse(e.data);
        if (m.success) onMessage(m.data);
        else onInvalid(m.error.message);
      }),
  };
}

/**
 * The webview's only channel to the extension: typed messages (src/shared/webviewProtocol.ts), and
 * every incoming one parsed with its schema before anything renders it.
 */
import { HostToWebview, type WebviewToHost } from '../../src/shared/webviewProtocol';

declare function acquireVsCodeApi(): { postMessage(m: WebviewToHost): void };
// VS Code allows one acquireVsCodeApi() per page.
const api = acquireVsCodeApi();

export function post(m: WebviewToHost): void {
  api.postMessage(m);
}

/** Calls `onMessage` with each valid message from the host, `onInvalid` with why one was not. */
export function listen(onMessage: (m: HostToWebview) => void, onInvalid: (reason: string) => void): void {
  window.addEventListener('message', (e: MessageEvent<unknown>) => {
    const m = HostToWebview.safeParse(e.data);
    if (m.success) onMessage(m.data);
    else onInvalid(m.error.message);
  });
}

/**
 * The profile page's only channel to the extension: the typed messages of src/shared/profile.ts, every
 * incoming one parsed with its schema before anything renders it.
 */
import { ProfileHostToWebview, type ProfileWebviewToHost } from '../../../src/shared/profile';

declare function acquireVsCodeApi(): { postMessage(m: ProfileWebviewToHost): void };
// VS Code allows one acquireVsCodeApi() per page.
const api = acquireVsCodeApi();

export function post(m: ProfileWebviewToHost): void {
  api.postMessage(m);
}

/** Calls `onMessage` with each valid message from the host, `onInvalid` with why one was not. */
export function listen(onMessage: (m: ProfileHostToWebview) => void, onInvalid: (reason: string) => void): void {
  window.addEventListener('message', (e: MessageEvent<unknown>) => {
    const m = ProfileHostToWebview.safeParse(e.data);
    if (m.success) onMessage(m.data);
    else onInvalid(m.error.message);
  });
}

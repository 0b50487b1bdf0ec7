/**
 * The evaluation page's only channel to the extension: the typed messages of src/shared/evaluation.ts,
 * every incoming one parsed with its schema before anything renders it.
 */
import { EvaluationHostToWebview, type EvaluationWebviewToHost } from '../../../src/shared/evaluation';

declare function acquireVsCodeApi(): { postMessage(m: EvaluationWebviewToHost): void };
// VS Code allows one acquireVsCodeApi() per page.
const api = acquireVsCodeApi();

export function post(m: EvaluationWebviewToHost): void {
  api.postMessage(m);
}

/** Calls `onMessage` with each valid message from the host, `onInvalid` with why one was not. */
export function listen(onMessage: (m: EvaluationHostToWebview) => void, onInvalid: (reason: string) => void): void {
  window.addEventListener('message', (e: MessageEvent<unknown>) => {
    const m = EvaluationHostToWebview.safeParse(e.data);
    if (m.success) onMessage(m.data);
    else onInvalid(m.error.message);
  });
}

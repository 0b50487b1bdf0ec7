/**
 * Inference thread entry (bundled to dist/inference-worker.js): runs the requests it is sent
 * (workers/inference.ts), one at a time, in arrival order. A background lane's thread first lowers
 * its own priority, so the onnxruntime threads its models create run at that priority too.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { InferenceHandler, type InferenceMessage, type InferenceReply, type InferenceWorkerData } from './inference';
import { lowerThreadPriority } from './priority';

const data = workerData as InferenceWorkerData;
if (data.background) lowerThreadPriority();
const handler = new InferenceHandler(data.threads);
const port = parentPort!;
let chain: Promise<void> = Promise.resolve();

port.on('message', (m: InferenceMessage) => {
  chain = chain.then(async () => {
    try {
      const { value, transfer } = await handler.handle(m.req);
      port.postMessage({ id: m.id, ok: true, value } satisfies InferenceReply, transfer);
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      port.postMessage({ id: m.id, ok: false, message: err instanceof Error ? err.message : String(err), ...(typeof code === 'string' ? { code } : {}) } satisfies InferenceReply);
    }
  });
});

/** Worker-thread entry (bundled to dist/umap-worker.js): optimises one layout and posts it back. */
import { parentPort, workerData } from 'node:worker_threads';
import { runLayoutJob, type LayoutJob } from './layouts';

const result = runLayoutJob(workerData as LayoutJob);
parentPort!.postMessage(result, [result.layout.buffer as ArrayBuffer]);

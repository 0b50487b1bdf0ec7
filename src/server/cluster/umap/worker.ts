/** Worker-thread entry (bundled to dist/umap-worker.js): optimises one layout and posts it back. */
import { parentPort, workerData } from 'node:worker_threads';
import { lowerThreadPriority } from '../../workers/priority';
import type { LayoutJob } from './layoutJob';
import { runLayoutJob } from './layouts';

// A layout is a job's work: it yields the CPU to the HTTP thread and to interactive inference.
lowerThreadPriority();
const result = runLayoutJob(workerData as LayoutJob);
parentPort!.postMessage(result, [result.layout.buffer as ArrayBuffer]);

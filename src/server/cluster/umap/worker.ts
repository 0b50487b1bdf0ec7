/** Worker-thread entry (bundled to dist/umap-worker.js): optimises one layout and posts it back. */
import { parentPort, workerData } from 'node:worker_threads';
import type { LayoutJob } from './layouts';
import { optimizeLayout } from './optimize';

const job = workerData as LayoutJob;
optimizeLayout(job.graph, job.init, job.options);
parentPort!.postMessage(job.init);

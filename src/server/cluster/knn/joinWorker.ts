/** Worker-thread entry (bundled to dist/knn-join-worker.js): one helper of a blocked NN-descent join (joinTeam.ts). */
import { workerData } from 'node:worker_threads';
import { rowSpace } from '../../vectors/rowDot';
import { lowerThreadPriority } from '../../workers/priority';
import { serveJoin, type JoinHelperData } from './joinTeam';

// Part of a job's kNN: it yields the CPU to the HTTP thread and to interactive inference.
lowerThreadPriority();
const data = workerData as JoinHelperData;
serveJoin(data, rowSpace(data.matrix));

/**
 * Worker-thread entry (bundled to dist/cpu-worker.js): runs the tasks it is sent, one at a time. Every
 * task is a job's, so the thread lowers its priority first (priority.ts): requests go ahead of it.
 */
import { parentPort } from 'node:worker_threads';
import type { TaskMessage, TaskReply } from './pool';
import { lowerThreadPriority } from './priority';
import { TASKS } from './registry';

lowerThreadPriority();

const port = parentPort!;
port.on('message', (m: TaskMessage) => {
  const reply = (r: TaskReply, transfer: ArrayBuffer[] = []) => port.postMessage(r, transfer);
  try {
    const task = TASKS.get(m.task);
    if (!task) throw new Error(`No task "${m.task}" in this worker bundle (rebuild with npm run build).`);
    const value = task.run(m.input, { progress: (p) => reply({ id: m.id, type: 'progress', value: p }) });
    reply({ id: m.id, type: 'result', value }, task.transfer?.(value) ?? []);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    reply({ id: m.id, type: 'error', message: err instanceof Error ? err.message : String(err), ...(typeof code === 'string' ? { code } : {}) });
  }
});

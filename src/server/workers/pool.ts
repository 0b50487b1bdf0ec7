/**
 * Runs CpuTasks in worker threads (dist/cpu-worker.js) so the HTTP thread stays free. Threads are kept
 * between tasks (starting one costs ~30 ms of bundle loading, and a cluster run asks for one per
 * level and per set of siblings); an idle thread is unref'd so it never keeps the process alive.
 * Cancelling terminates the thread: V8 stops it mid-loop, so a cancel takes effect at once whatever
 * the task is doing, and no task needs to poll a flag.
 */
import { bundledScript } from './bundledScript';
import { Worker } from 'node:worker_threads';
import { ErrorCode, TicketLensError } from '../../shared/api';
import type { CpuTask } from './task';

/** What the caller sends: one task at a time per thread. */
export interface TaskMessage {
  id: number;
  task: string;
  input: unknown;
}

/** What the worker sends back for a task: any number of progress reports, then a result or an error. */
export type TaskReply =
  | { id: number; type: 'progress'; value: unknown }
  | { id: number; type: 'result'; value: unknown }
  | { id: number; type: 'error'; message: string; code?: string };

export interface RunOptions<P> {
  signal?: AbortSignal;
  onProgress?: (p: P) => void;
  /** Input buffers to move to the worker rather than copy (the caller must not use them afterwards). */
  transfer?: ArrayBuffer[];
}

/** Threads kept warm between tasks: one job runs at a time, and it runs one task at a time. */
const MAX_IDLE = 2;

const idle: Worker[] = [];
let nextId = 1;
const workerScript = () => bundledScript('cpu-worker.js');

/** True when tasks run in worker threads here (the built server), false when they run inline. */
export function usesWorkers(): boolean {
  return workerScript() !== null;
}

function cancelled(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  return reason instanceof TicketLensError ? reason : new TicketLensError('job_cancelled', 'The job was cancelled.');
}

function spawn(path: string): Worker {
  const w = new Worker(path);
  // A thread that fails is reported to the task in flight (below); without a listener the error would crash the server.
  w.on('error', () => undefined);
  w.once('exit', () => {
    const i = idle.indexOf(w);
    if (i >= 0) idle.splice(i, 1);
  });
  return w;
}

function release(w: Worker): void {
  if (idle.length >= MAX_IDLE) {
    void w.terminate();
    return;
  }
  w.unref();
  idle.push(w);
}

/** The task's error as the caller would have seen it inline: a TicketLensError keeps its code. */
function replyError(m: Extract<TaskReply, { type: 'error' }>): Error {
  const code = ErrorCode.safeParse(m.code);
  return code.success ? new TicketLensError(code.data, m.message) : new Error(m.message);
}

function runInline<I, O, P>(task: CpuTask<I, O, P>, input: I, opts: RunOptions<P>): Promise<O> {
  return new Promise<O>((resolve) => resolve(task.run(input, { signal: opts.signal, progress: (p) => opts.onProgress?.(p) })));
}

/**
 * Runs `task` on `input` in a worker thread (inline where no worker bundle exists) and resolves with
 * its output. Rejects with job_cancelled as soon as `signal` aborts, or with the task's own error.
 */
export function runTask<I, O, P = never>(task: CpuTask<I, O, P>, input: I, opts: RunOptions<P> = {}): Promise<O> {
  const { signal } = opts;
  if (signal?.aborted) return Promise.reject(cancelled(signal));
  const path = workerScript();
  if (!path) return runInline(task, input, opts);
  return new Promise<O>((resolve, reject) => {
    const w = idle.pop() ?? spawn(path);
    w.ref();
    const id = nextId++;
    const cleanup = () => {
      w.off('message', onMessage);
      w.off('error', onError);
      w.off('exit', onExit);
      signal?.removeEventListener('abort', onAbort);
    };
    const fail = (err: Error) => {
      cleanup();
      void w.terminate();
      reject(err);
    };
    const onMessage = (m: TaskReply) => {
      if (m.id !== id) return;
      if (m.type === 'progress') {
        // A progress sink may throw (a stage hook does once its job is cancelled): that ends the task.
        try {
          opts.onProgress?.(m.value as P);
        } catch (err) {
          fail(err instanceof Error ? err : new Error(String(err)));
        }
        return;
      }
      cleanup();
      release(w);
      if (m.type === 'result') resolve(m.value as O);
      else reject(replyError(m));
    };
    const onError = (err: Error) => fail(err);
    const onExit = (code: number) => fail(new Error(`The worker thread for ${task.name} exited with code ${code}.`));
    const onAbort = () => fail(cancelled(signal));
    w.on('message', onMessage);
    w.on('error', onError);
    w.on('exit', onExit);
    signal?.addEventListener('abort', onAbort, { once: true });
    const message: TaskMessage = { id, task: task.name, input };
    w.postMessage(message, opts.transfer ?? []);
  });
}

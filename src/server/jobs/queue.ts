/**
 * The job queue: long work (cluster, label, train) runs here with progress and cancellation.
 * Jobs run one at a time by default: each is CPU-bound and already uses every core through
 * onnxruntime, so running two at once only makes both slower. Finished jobs are kept for an hour
 * so a client that reconnects can still read the result.
 */
import { randomUUID } from 'node:crypto';
import type { JobInfo } from '../../shared/api';
import { TicketLensError } from '../../shared/api';
import type { Logger } from '../log';
import type { JobQueue, JobRunner } from './types';

interface Entry {
  info: JobInfo;
  runner: JobRunner<unknown>;
  controller: AbortController;
  done: Promise<JobInfo>;
  resolve: (info: JobInfo) => void;
}

const KEEP_FINISHED_MS = 60 * 60 * 1000;

export class InProcessJobQueue implements JobQueue {
  private readonly jobs = new Map<string, Entry>();
  private readonly waiting: Entry[] = [];
  private running = 0;
  private readonly listeners = new Set<(job: JobInfo) => void>();
  private closed = false;

  constructor(
    private readonly log: Logger,
    private readonly concurrency = 1,
  ) {}

  submit<R>(kind: string, runner: JobRunner<R>): JobInfo {
    if (this.closed) throw new TicketLensError('internal', 'The server is shutting down; no new jobs are accepted.');
    let resolve!: (info: JobInfo) => void;
    const done = new Promise<JobInfo>((r) => (resolve = r));
    const info: JobInfo = {
      id: randomUUID(),
      kind,
      state: 'queued',
      progress: null,
      createdAt: new Date().toISOString(),
      finishedAt: null,
      error: null,
    };
    const entry: Entry = { info, runner, controller: new AbortController(), done, resolve };
    this.jobs.set(info.id, entry);
    this.waiting.push(entry);
    this.emit(entry);
    this.pump();
    return { ...info };
  }

  get(id: string): JobInfo | undefined {
    const e = this.jobs.get(id);
    return e ? { ...e.info } : undefined;
  }

  list(): JobInfo[] {
    return [...this.jobs.values()].map((e) => ({ ...e.info }));
  }

  cancel(id: string): boolean {
    const e = this.jobs.get(id);
    if (!e || (e.info.state !== 'queued' && e.info.state !== 'running')) return false;
    e.controller.abort(new TicketLensError('job_cancelled', 'The job was cancelled.'));
    if (e.info.state === 'queued') {
      this.waiting.splice(this.waiting.indexOf(e), 1);
      this.finish(e, 'cancelled', undefined, { code: 'job_cancelled', message: 'The job was cancelled before it started.' });
    }
    return true;
  }

  wait(id: string): Promise<JobInfo> {
    const e = this.jobs.get(id);
    if (!e) return Promise.reject(new TicketLensError('not_found', `No job ${id}.`));
    return e.done;
  }

  subscribe(listener: (job: JobInfo) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    const pending = [...this.jobs.values()].filter((e) => e.info.state === 'queued' || e.info.state === 'running');
    for (const e of pending) this.cancel(e.info.id);
    await Promise.all(pending.map((e) => e.done));
  }

  private emit(e: Entry): void {
    const snapshot = { ...e.info };
    for (const l of this.listeners) {
      try {
        l(snapshot);
      } catch (err) {
        this.log.warn(`job listener failed: ${(err as Error).message}`);
      }
    }
  }

  private finish(e: Entry, state: JobInfo['state'], result: unknown, error: JobInfo['error']): void {
    e.info = { ...e.info, state, finishedAt: new Date().toISOString(), error, ...(result !== undefined ? { result } : {}) };
    this.emit(e);
    e.resolve({ ...e.info });
    const t = setTimeout(() => this.jobs.delete(e.info.id), KEEP_FINISHED_MS);
    t.unref();
  }

  private pump(): void {
    while (this.running < this.concurrency && this.waiting.length > 0) {
      const e = this.waiting.shift()!;
      this.running++;
      void this.run(e).finally(() => {
        this.running--;
        this.pump();
      });
    }
  }

  private async run(e: Entry): Promise<void> {
    e.info = { ...e.info, state: 'running' };
    this.emit(e);
    const signal = e.controller.signal;
    const started = Date.now();
    try {
      const result = await e.runner({
        signal,
        log: this.log,
        progress: (p) => {
          if (e.info.state !== 'running') return;
          e.info = { ...e.info, progress: p };
          this.emit(e);
        },
      });
      if (signal.aborted) this.finish(e, 'cancelled', undefined, { code: 'job_cancelled', message: 'The job was cancelled.' });
      else this.finish(e, 'succeeded', result, null);
      this.log.info(`job ${e.info.id} (${e.info.kind}) ${e.info.state} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
    } catch (err) {
      if (signal.aborted) {
        this.finish(e, 'cancelled', undefined, { code: 'job_cancelled', message: 'The job was cancelled.' });
      } else {
        const code = err instanceof TicketLensError ? err.code : 'job_failed';
        const message = err instanceof Error ? err.message : String(err);
        this.log.error(`job ${e.info.id} (${e.info.kind}) failed: ${message}`);
        this.finish(e, 'failed', undefined, { code, message });
      }
    }
  }
}

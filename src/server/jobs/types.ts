/** The contract between long-running work (cluster, label, train) and the job queue that runs it. */
import type { JobInfo, JobProgress } from '../../shared/api';
import type { Logger } from '../log';

export interface JobContext {
  /** Aborted when the user cancels the job or the server shuts down; stages check it between steps. */
  signal: AbortSignal;
  progress: (p: JobProgress) => void;
  log: Logger;
}

export type JobRunner<R> = (ctx: JobContext) => Promise<R>;

export interface JobQueue {
  /** Queues the work and returns at once; the runner's resolved value becomes the job's `result`. */
  submit<R>(kind: string, runner: JobRunner<R>): JobInfo;
  get(id: string): JobInfo | undefined;
  list(): JobInfo[];
  /** Aborts the job's signal; true when the job was queued or running. */
  cancel(id: string): boolean;
  /** Resolves when the job has ended, whatever its state. */
  wait(id: string): Promise<JobInfo>;
  /** Listens to state and progress changes of every job; returns the unsubscribe function. */
  subscribe(listener: (job: JobInfo) => void): () => void;
  /** Cancels everything (server shutdown). */
  close(): Promise<void>;
}

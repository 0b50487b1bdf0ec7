/**
 * A CPU-bound computation that runs the same code in a worker thread or inline. Long pure-JS loops
 * (training, the HDBSCAN sweep, c-TF-IDF) would otherwise hold the server's one thread for seconds —
 * no /health, no job polling, no Cancel. A task is a named pure function of structured-cloneable
 * input; the worker entry finds it by name in the registry (registry.ts), and runTask (pool.ts) falls
 * back to calling it inline where no bundled worker exists (tests run from the sources).
 */
export interface TaskHooks<P> {
  /** Inline only: a task in a worker is stopped by terminating its thread. */
  signal?: AbortSignal;
  progress(p: P): void;
}

export interface CpuTask<I, O, P = never> {
  /** The registry key the worker looks the task up by. */
  readonly name: string;
  run(input: I, hooks: TaskHooks<P>): O;
  /** The output's buffers to move back to the caller instead of copying (shared ones are skipped). */
  transfer?(output: O): ArrayBuffer[];
}

/** The distinct, movable buffers of some typed arrays: a SharedArrayBuffer is shared, not moved. */
export function buffers(...arrays: (ArrayBufferView | null | undefined)[]): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  for (const a of arrays) if (a && a.buffer instanceof ArrayBuffer) out.add(a.buffer);
  return [...out];
}

/** n floats in shared memory: handed to a worker (or back) without a copy. */
export function sharedFloat32(length: number): Float32Array {
  return new Float32Array(new SharedArrayBuffer(length * Float32Array.BYTES_PER_ELEMENT));
}

/** A copy of `a` in shared memory: the one copy every later task can read for free. */
export function toShared(a: Float32Array): Float32Array {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  const s = sharedFloat32(a.length);
  s.set(a);
  return s;
}

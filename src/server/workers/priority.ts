/**
 * Background threads yield the CPU to the HTTP thread and the interactive inference thread: on a 2-core
 * machine a training epoch, an HDBSCAN sweep or a job's embedding batch otherwise takes its full share
 * from /classify and /health. Linux keeps a nice value per thread, so a thread can lower its own
 * priority (raising it back needs privileges, so this is done once, by threads that only ever run
 * background work). Threads created afterwards by the same thread (onnxruntime's pool) inherit it.
 * Elsewhere (macOS, Windows) the call does nothing: there the threads compete as equals.
 */
import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/** Nice 10: a CPU-bound thread at nice 0 gets ~9× the CPU time of one at nice 10 when both want it. */
export const BACKGROUND_NICE = 10;

/** Lowers the calling thread's priority to `nice`; false where the platform cannot (or the thread is already lower). */
export function lowerThreadPriority(nice = BACKGROUND_NICE): boolean {
  if (process.platform !== 'linux') return false;
  try {
    // "/proc/thread-self" links to "<pid>/task/<tid>"; setpriority(2) with a thread id sets that thread's nice.
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(tid) || tid <= 0 || getPriority(tid) >= nice) return false;
    setPriority(tid, nice);
    return true;
  } catch {
    return false;
  }
}

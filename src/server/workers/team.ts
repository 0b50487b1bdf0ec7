/**
 * A team of threads for one synchronous computation: the calling thread (itself a worker running a
 * task to the end without returning to its event loop) and helper threads (dist/team-worker.js) that
 * share its typed arrays and meet it after each step through Atomics on a few shared words. No
 * messages: the calling thread never listens for them.
 *
 * A step splits a range into one share per thread; the calling thread does the first share and waits
 * for the others. Everything a step's work reads or writes lives in shared memory, and the shares are
 * fixed by the range and the team's size, so a computation whose shares write disjoint outputs gives
 * the same result on any number of threads — the property each user of the team states and tests.
 * Without helpers (running from sources, one core, or a helper that failed to start) the calling
 * thread does every share itself.
 */
import { Worker } from 'node:worker_threads';
import { bundledScript } from './bundledScript';

/** The control words, one Int32Array per helper. */
const W = { go: 0, cmd: 1, lo: 2, hi: 3, arg: 4, done: 5, result: 6, ready: 7, length: 8 } as const;
const STOP = -1;
const FAILED = -(2 ** 31);
const READY_WAIT_MS = 20_000;

/** What a helper thread runs: its team kind (teamWorker.ts picks the work by it), its number (1, 2, …) and the kind's shared data. */
export interface TeamHelperData<D> {
  kind: string;
  index: number;
  control: Int32Array;
  data: D;
}

/** One thread's work for a step: `cmd` over lo..hi−1 with `arg`; returns a count (or 0). */
export type TeamWork = (cmd: number, lo: number, hi: number, arg: number) => number;

export interface TeamOptions {
  /** Threads in all, the calling one included. */
  threads: number;
  /** The helpers' bundled script (default dist/team-worker.js beside this bundle; null: no helpers). */
  helperScript?: string | null;
}

interface Helper {
  worker: Worker;
  control: Int32Array;
}

export class ThreadTeam {
  private readonly helpers: Helper[] = [];
  private generation = 0;

  /** `dataFor(index)`: helper `index`'s data, every array in shared memory. */
  constructor(kind: string, opts: TeamOptions, dataFor: (index: number) => unknown) {
    const script = opts.helperScript === undefined ? bundledScript('team-worker.js') : opts.helperScript;
    if (!script) return;
    for (let t = 1; t < opts.threads; t++) {
      const control = new Int32Array(new SharedArrayBuffer(W.length * 4));
      const workerData: TeamHelperData<unknown> = { kind, index: t, control, data: dataFor(t) };
      const worker = new Worker(script, { workerData });
      worker.on('error', () => undefined); // seen through the ready word or a step's FAILED result
      worker.unref();
      this.helpers.push({ worker, control });
    }
    // A helper that never starts (a broken bundle) leaves every share to the calling thread: the
    // shares' buffers were sized for the whole team, so it is all helpers or none.
    for (const h of this.helpers) if (Atomics.load(h.control, W.ready) === 0) Atomics.wait(h.control, W.ready, 0, READY_WAIT_MS);
    if (this.helpers.some((h) => Atomics.load(h.control, W.ready) !== 1)) this.close();
  }

  /** Threads in all, the calling one included. */
  get size(): number {
    return this.helpers.length + 1;
  }

  /** Runs `cmd` over lo..hi−1, a share per thread (the calling thread's through `own`); returns its result and each helper's. */
  step(cmd: number, lo: number, hi: number, arg: number, own: TeamWork): [number, number[]] {
    const share = Math.ceil((hi - lo) / this.size);
    const gen = ++this.generation;
    this.helpers.forEach((h, t) => {
      const c = h.control;
      c[W.cmd] = cmd;
      c[W.lo] = Math.min(hi, lo + (t + 1) * share);
      c[W.hi] = Math.min(hi, lo + (t + 2) * share);
      c[W.arg] = arg;
      Atomics.store(c, W.go, gen);
      Atomics.notify(c, W.go);
    });
    const mine = own(cmd, lo, Math.min(hi, lo + share), arg);
    const results = this.helpers.map((h) => {
      const c = h.control;
      for (let v = Atomics.load(c, W.done); v !== gen; v = Atomics.load(c, W.done)) Atomics.wait(c, W.done, v);
      if (c[W.result] === FAILED) throw new Error('A helper thread failed; see the server log.');
      return c[W.result];
    });
    return [mine, results];
  }

  close(): void {
    for (const h of this.helpers) {
      Atomics.store(h.control, W.go, STOP);
      Atomics.notify(h.control, W.go);
      void h.worker.terminate();
    }
    this.helpers.length = 0;
  }
}

/** The helper's side: run whatever share it is given until told to stop. */
export function serveTeam(control: Int32Array, work: TeamWork): void {
  Atomics.store(control, W.ready, 1);
  Atomics.notify(control, W.ready);
  let seen = 0;
  for (;;) {
    Atomics.wait(control, W.go, seen);
    const g = Atomics.load(control, W.go);
    if (g === STOP) return;
    if (g === seen) continue;
    seen = g;
    try {
      control[W.result] = work(control[W.cmd], control[W.lo], control[W.hi], control[W.arg]);
    } catch {
      control[W.result] = FAILED;
    }
    Atomics.store(control, W.done, g);
    Atomics.notify(control, W.done);
  }
}

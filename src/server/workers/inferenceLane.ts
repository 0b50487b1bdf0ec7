/**
 * Where model inference runs, seen from the HTTP thread: two lanes, each one inference thread
 * (dist/inference-worker.js) with its own copy of the model, so no onnxruntime run ever holds the
 * HTTP thread and a job's batches never stand in front of a request.
 *
 * - interactive: /classify, /embed, /runs/predict, explanations. One request in flight at a time;
 *   the small embedding requests that queue behind it meanwhile go as one batch (up to
 *   MERGE_TEXTS texts of similar length): with eight clients a run then serves about four of them
 *   (measured 6.6–7.2 ms of CPU per text sent alone, 5.7–6.0 ms merged). Nothing waits for company:
 *   an idle lane runs a request at once, so a lone request pays no batching delay. In int8 a text's
 *   vector moves slightly with its batch mates (cosine > 0.99; engine.ts), as it already did within
 *   one request of several texts.
 * - background: a job's embedding batches and its kNN blocks. Its thread runs at a lower OS priority
 *   (priority.ts), two requests in flight so it never waits on the HTTP thread between batches, and it
 *   is stopped (its model copy freed) after BACKGROUND_IDLE_MS without work.
 *
 * A request whose signal aborts is dropped from the queue, or, already running, answered
 * job_cancelled at once (its result is discarded when it comes): a cancel never waits for a batch.
 * From the sources (tests) there is no worker bundle: both lanes then run on the calling thread,
 * through one shared handler, with the same queueing and merging.
 */
import { bundledScript } from './bundledScript';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { ErrorCode, TicketLensError } from '../../shared/api';
import type { EngineInfo, EngineSpec } from '../embed/engine';
import { InferenceHandler, type InferenceMessage, type InferenceReply, type InferenceRequest, type InferenceResults, type InferenceWorkerData, type RequestOf } from './inference';

export type Priority = 'interactive' | 'background';

/** An embedding model as the lanes know it: loaded into a lane's thread on first use there. */
export interface EngineRef {
  key: string;
  spec: EngineSpec;
}

/** Texts of queued embedding requests run as one batch: the embedder's own batch size. */
export const MERGE_TEXTS = 32;
/**
 * A batch is padded to its longest text, so requests are merged only while the batch, counted in
 * characters as texts × longest, stays within MERGE_PAD_CHARS (or the first request's own size) and
 * is at most half padding: a long text and short ones run apart. A text counts at most
 * PAD_CHARS_CAP characters (the model reads 256 tokens, ~1,500 characters of prose).
 */
const MERGE_PAD_CHARS = 8192;
const PAD_CHARS_CAP = 1500;

const chars = (t: string) => Math.min(t.length, PAD_CHARS_CAP);
const longest = (texts: readonly string[]) => texts.reduce((m, t) => Math.max(m, chars(t)), 0);
const total = (texts: readonly string[]) => texts.reduce((s, t) => s + chars(t), 0);
export const BACKGROUND_IDLE_MS = 60_000;

export interface CallOptions {
  signal?: AbortSignal;
  /** Input buffers to move to the thread rather than copy (the caller must not use them afterwards). */
  transfer?: ArrayBuffer[];
}

/** Runs requests on one thread (or inline); `generation` changes when a new thread replaces a stopped one. */
interface Executor {
  readonly inline: boolean;
  /** The thread's generation, starting one if none runs. */
  generation(): number;
  /** The running thread's generation; null when none runs. */
  running(): number | null;
  send(req: InferenceRequest, transfer: ArrayBuffer[]): Promise<unknown>;
  /** Stops the thread when idle (a later send starts a new one). */
  stop(): void;
}

function replyError(m: Extract<InferenceReply, { ok: false }>): Error {
  const code = ErrorCode.safeParse(m.code);
  return code.success ? new TicketLensError(code.data, m.message) : new Error(m.message);
}

class WorkerExecutor implements Executor {
  readonly inline = false;
  private worker: { w: Worker; pending: Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }> } | null = null;
  private gen = 0;
  private nextId = 1;

  constructor(
    private readonly script: string,
    private readonly data: InferenceWorkerData,
  ) {}

  private current() {
    if (this.worker) return this.worker;
    const w = new Worker(this.script, { workerData: this.data });
    const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
    const me = { w, pending };
    const fail = (err: Error) => {
      for (const p of pending.values()) p.reject(err);
      pending.clear();
      if (this.worker === me) this.worker = null;
    };
    w.on('message', (m: InferenceReply) => {
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      if (pending.size === 0) w.unref();
      if (m.ok) p.resolve(m.value);
      else p.reject(replyError(m));
    });
    w.on('error', (err) => fail(err));
    w.once('exit', (code) => fail(new Error(`The inference thread exited with code ${code}.`)));
    w.unref();
    this.gen++;
    this.worker = me;
    return me;
  }

  generation(): number {
    this.current();
    return this.gen;
  }

  running(): number | null {
    return this.worker ? this.gen : null;
  }

  send(req: InferenceRequest, transfer: ArrayBuffer[]): Promise<unknown> {
    const { w, pending } = this.current();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      w.ref();
      w.postMessage({ id, req } satisfies InferenceMessage, transfer);
    });
  }

  stop(): void {
    const cur = this.worker;
    if (!cur || cur.pending.size > 0) return;
    this.worker = null;
    void cur.w.terminate();
  }
}

class InlineExecutor implements Executor {
  readonly inline = true;
  private readonly handler = new InferenceHandler(availableParallelism());
  private chain: Promise<unknown> = Promise.resolve();

  generation(): number {
    return 1;
  }

  running(): number {
    return 1;
  }

  send(req: InferenceRequest): Promise<unknown> {
    // One request at a time, as on a thread: onnxruntime runs are synchronous anyway.
    const run = this.chain.then(() => this.handler.handle(req));
    this.chain = run.catch(() => undefined);
    return run.then((h) => h.value);
  }

  stop(): void {}
}

interface Entry {
  req: InferenceRequest;
  engine?: EngineRef;
  transfer: ArrayBuffer[];
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  settled: boolean;
}

function cancelled(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  return reason instanceof TicketLensError ? reason : new TicketLensError('job_cancelled', 'The request was cancelled.');
}

export interface LaneStats {
  /** Requests sent to the thread (a merged batch counts once). */
  runs: number;
  /** Embedding requests that went in a batch with others. */
  merged: number;
}

export class Lane {
  private readonly queue: Entry[] = [];
  private inFlight = 0;
  private idleTimer: NodeJS.Timeout | null = null;
  private readonly loaded = new Map<string, { gen: number; info: Promise<EngineInfo> }>();
  readonly stats: LaneStats = { runs: 0, merged: 0 };

  constructor(
    readonly priority: Priority,
    private readonly exec: Executor,
    private readonly maxInFlight: number,
    private readonly mergeTexts: number,
    private readonly idleMs: number | null,
  ) {}

  /** Whether requests run on the calling thread (no worker bundle): buffers are then passed, not moved. */
  get inline(): boolean {
    return this.exec.inline;
  }

  /** Loads the model into this lane's thread (once per thread) and resolves with what it probed. */
  load(ref: EngineRef): Promise<EngineInfo> {
    this.touch();
    const gen = this.exec.generation();
    let e = this.loaded.get(ref.key);
    if (!e || e.gen !== gen) {
      const info = this.exec.send({ op: 'load', engine: ref.key, spec: ref.spec }, []) as Promise<EngineInfo>;
      e = { gen, info };
      this.loaded.set(ref.key, e);
      const mine = e;
      info.catch(() => {
        if (this.loaded.get(ref.key) === mine) this.loaded.delete(ref.key);
      });
    }
    return e.info;
  }

  /** Frees the model in this lane's thread, if it was loaded there. */
  async release(ref: EngineRef): Promise<void> {
    const e = this.loaded.get(ref.key);
    if (!e) return;
    this.loaded.delete(ref.key);
    if (e.gen !== this.exec.running()) return;
    await e.info.catch(() => undefined);
    await this.exec.send({ op: 'unload', engine: ref.key }, []).catch(() => undefined);
    this.settle();
  }

  call<R extends InferenceRequest>(req: R, opts: CallOptions & { engine?: EngineRef } = {}): Promise<InferenceResults[R['op']]> {
    const { signal } = opts;
    if (signal?.aborted) return Promise.reject(cancelled(signal));
    this.touch();
    return new Promise<InferenceResults[R['op']]>((resolve, reject) => {
      const onAbort = () => {
        if (entry.settled) return;
        entry.settled = true;
        const i = this.queue.indexOf(entry);
        if (i >= 0) this.queue.splice(i, 1);
        reject(cancelled(signal));
        this.settle();
      };
      const entry: Entry = {
        req,
        engine: opts.engine,
        transfer: opts.transfer ?? [],
        settled: false,
        resolve: (v) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(v as InferenceResults[R['op']]);
        },
        reject: (e) => {
          signal?.removeEventListener('abort', onAbort);
          reject(e);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(entry);
      this.pump();
    });
  }

  /** The head of the queue, with the embedding requests of the same model that fit in its batch. */
  private take(): Entry[] {
    const head = this.queue.shift()!;
    if (head.req.op !== 'embedTexts' || this.mergeTexts <= 0) return [head];
    const batch = [head];
    let texts = head.req.texts.length;
    let widest = longest(head.req.texts);
    let content = total(head.req.texts);
    const budget = Math.max(MERGE_PAD_CHARS, texts * widest);
    for (let i = 0; i < this.queue.length && texts < this.mergeTexts; ) {
      const e = this.queue[i];
      if (e.req.op === 'embedTexts' && e.engine?.key === head.engine?.key) {
        const n = texts + e.req.texts.length;
        const w = Math.max(widest, longest(e.req.texts));
        const c = content + total(e.req.texts);
        if (n <= this.mergeTexts && n * w <= budget && n * w <= 2 * c) {
          batch.push(e);
          texts = n;
          widest = w;
          content = c;
          this.queue.splice(i, 1);
          continue;
        }
      }
      i++;
    }
    return batch;
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const batch = this.take();
      this.inFlight++;
      this.stats.runs++;
      if (batch.length > 1) this.stats.merged += batch.length;
      void this.run(batch).finally(() => {
        this.inFlight--;
        this.pump();
        this.settle();
      });
    }
  }

  private async run(batch: Entry[]): Promise<void> {
    const head = batch[0];
    try {
      if (head.engine) await this.load(head.engine);
      if (batch.length === 1) {
        const v = await this.exec.send(head.req, head.transfer);
        if (!head.settled) {
          head.settled = true;
          head.resolve(v);
        }
        return;
      }
      const parts = batch.map((e) => (e.req as RequestOf<'embedTexts'>).texts);
      const merged: RequestOf<'embedTexts'> = { op: 'embedTexts', engine: (head.req as RequestOf<'embedTexts'>).engine, texts: parts.flat() };
      const v = (await this.exec.send(merged, [])) as Float32Array;
      const dim = v.length / merged.texts.length;
      let row = 0;
      batch.forEach((e, j) => {
        const n = parts[j].length;
        if (!e.settled) {
          e.settled = true;
          e.resolve(v.slice(row * dim, (row + n) * dim));
        }
        row += n;
      });
    } catch (err) {
      for (const e of batch) {
        if (e.settled) continue;
        e.settled = true;
        e.reject(err instanceof Error ? err : new Error(String(err)));
      }
    }
  }

  private touch(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }

  /** With nothing queued or running, a lane with an idle limit stops its thread once the limit passes. */
  private settle(): void {
    if (this.idleMs === null || this.inFlight > 0 || this.queue.length > 0 || this.idleTimer) return;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      if (this.inFlight === 0 && this.queue.length === 0) this.exec.stop();
    }, this.idleMs);
    this.idleTimer.unref();
  }
}

const workerScript = () => bundledScript('inference-worker.js');

const lanes = new Map<Priority, Lane>();
let inline: InlineExecutor | null = null;

export function inferenceLane(priority: Priority): Lane {
  let lane = lanes.get(priority);
  if (lane) return lane;
  const path = workerScript();
  const background = priority === 'background';
  const exec = path ? new WorkerExecutor(path, { threads: availableParallelism(), background }) : (inline ??= new InlineExecutor());
  lane = new Lane(priority, exec, background ? 2 : 1, background ? 0 : MERGE_TEXTS, background ? BACKGROUND_IDLE_MS : null);
  lanes.set(priority, lane);
  return lane;
}

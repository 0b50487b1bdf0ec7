/**
 * What an inference thread does (workers/inferenceWorker.ts, or the calling thread itself where no
 * worker bundle exists): load and release embedding models, tokenise, embed a batch, and run a block
 * of the MatMul + TopK graph. One request at a time per thread; the order and merging of requests is
 * decided on the caller's side (inferenceLane.ts).
 */
import { EmbeddingEngine, type EngineInfo, type EngineSpec, type TokenIds } from '../embed/engine';
import { TopKRunner, type TopKBlock, type TopKRequest } from './topk';

export type InferenceRequest =
  | { op: 'load'; engine: string; spec: EngineSpec }
  | { op: 'unload'; engine: string }
  | { op: 'tokenize'; engine: string; texts: string[] }
  | { op: 'embedTexts'; engine: string; texts: string[] }
  | { op: 'embedIds'; engine: string; tokens: TokenIds }
  | ({ op: 'topk' } & TopKRequest);

export interface InferenceResults {
  load: EngineInfo;
  unload: null;
  tokenize: TokenIds;
  embedTexts: Float32Array;
  embedIds: Float32Array;
  topk: TopKBlock;
}

export type InferenceOp = InferenceRequest['op'];
export type RequestOf<K extends InferenceOp> = Extract<InferenceRequest, { op: K }>;

/** A request as sent to an inference thread, and the one reply each gets. */
export interface InferenceMessage {
  id: number;
  req: InferenceRequest;
}
export type InferenceReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; message: string; code?: string };

/** What an inference thread is started with. */
export interface InferenceWorkerData {
  /** onnxruntime intra-op threads of the TopK session (an embedding model brings its own count). */
  threads: number;
  /** Lower this thread's priority before loading anything (the background lane). */
  background: boolean;
}

export interface Handled {
  value: unknown;
  /** Buffers of `value` to move back rather than copy. */
  transfer: ArrayBuffer[];
}

const moved = (...arrays: ArrayBufferView[]): ArrayBuffer[] => [...new Set(arrays.map((a) => a.buffer).filter((b): b is ArrayBuffer => b instanceof ArrayBuffer))];

/** The models and the TopK session of one thread. Loads are counted: two lanes sharing one inline handler load a model once. */
export class InferenceHandler {
  private readonly engines = new Map<string, { engine: Promise<EmbeddingEngine>; refs: number; device: EngineSpec['device'] }>();
  private readonly topk: TopKRunner;

  constructor(threads: number) {
    this.topk = new TopKRunner(threads);
  }

  private engine(key: string): Promise<EmbeddingEngine> {
    const e = this.engines.get(key);
    if (!e) throw new Error(`No embedding model "${key}" is loaded on this inference thread.`);
    return e.engine;
  }

  async handle(req: InferenceRequest): Promise<Handled> {
    switch (req.op) {
      case 'load': {
        let e = this.engines.get(req.engine);
        if (e) e.refs++;
        else {
          e = { engine: EmbeddingEngine.load(req.spec), refs: 1, device: req.spec.device };
          this.engines.set(req.engine, e);
          e.engine.catch(() => this.engines.delete(req.engine));
        }
        return { value: (await e.engine).info, transfer: [] };
      }
      case 'unload': {
        const e = this.engines.get(req.engine);
        if (e && --e.refs === 0) {
          this.engines.delete(req.engine);
          await (await e.engine).release();
        }
        return { value: null, transfer: [] };
      }
      case 'tokenize': {
        const t = (await this.engine(req.engine)).tokenize(req.texts);
        return { value: t, transfer: moved(t.ids, t.offsets) };
      }
      case 'embedTexts': {
        const v = await (await this.engine(req.engine)).embedTexts(req.texts);
        return { value: v, transfer: moved(v) };
      }
      case 'embedIds': {
        const v = await (await this.engine(req.engine)).embedIds(req.tokens);
        return { value: v, transfer: moved(v) };
      }
      case 'topk': {
        // The exact kNN on the device the embeddings were made on: CUDA when a model here runs there.
        const device = [...this.engines.values()].some((e) => e.device === 'cuda') ? 'cuda' : 'cpu';
        const b = await this.topk.run(req, device);
        return { value: b, transfer: moved(b.values, b.indices) };
      }
    }
  }

  async close(): Promise<void> {
    const all = [...this.engines.values()];
    this.engines.clear();
    await Promise.all([...all.map(async (e) => (await e.engine).release()), this.topk.release()]);
  }
}

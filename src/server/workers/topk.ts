/**
 * The inference thread's side of vectors/matmulTopK.ts: the two-node ONNX graph (scores = Q · Xᵀ, then
 * the k best per query) and one block run through it. The base matrix arrives in shared memory (free
 * to send with every request), but onnxruntime-node refuses a tensor over a SharedArrayBuffer
 * ("Invalid argument"), so each thread copies a base once into its own memory and keeps the last few.
 * On a thread whose embedding model runs on CUDA the graph runs there too (CPU for what CUDA lacks),
 * so a job embedded on the GPU searches its neighbours on it (not measured here: no GPU on the
 * project's machines).
 */
import * as ort from 'onnxruntime-node';
import { buildModel, FLOAT, INT64 } from '../vectors/onnxGraph';
import { NO_SPINNING } from '../embed/engine';
import type { ActiveDevice } from '../../shared/api';

/** One block of queries against a base: Q (rows × dim), XT (dim × n, shared), keep k. */
export interface TopKRequest {
  q: Float32Array;
  rows: number;
  /** Names the base: the same key is the same matrix. */
  baseKey: string;
  xt: Float32Array;
  n: number;
  dim: number;
  k: number;
}

/** rows × k scores (best first) and their column indices, as the graph returns them. */
export interface TopKBlock {
  values: Float32Array;
  indices: BigInt64Array;
}

/** Bases kept copied: a classifier's examples and a cluster job's vectors fit; a fourth evicts the oldest. */
const KEEP_BASES = 3;

export class TopKRunner {
  private session: Promise<ort.InferenceSession> | null = null;
  private sessionDevice: ActiveDevice = 'cpu';
  private readonly bases = new Map<string, ort.Tensor>();

  constructor(private readonly threads: number) {}

  private getSession(device: ActiveDevice): Promise<ort.InferenceSession> {
    if (this.session && this.sessionDevice !== device) {
      const old = this.session;
      this.session = null;
      this.bases.clear();
      void old.then((s) => s.release()).catch(() => undefined);
    }
    this.sessionDevice = device;
    this.session ??= ort.InferenceSession.create(
      buildModel(
        [
          { op: 'MatMul', inputs: ['Q', 'XT'], outputs: ['S'] },
          { op: 'TopK', inputs: ['S', 'K'], outputs: ['V', 'I'], intAttrs: { axis: -1, largest: 1, sorted: 1 } },
        ],
        [
          { name: 'Q', elemType: FLOAT, dims: ['q', 'd'] },
          { name: 'XT', elemType: FLOAT, dims: ['d', 'n'] },
          { name: 'K', elemType: INT64, dims: [1] },
        ],
        [
          { name: 'V', elemType: FLOAT, dims: ['q', 'k'] },
          { name: 'I', elemType: INT64, dims: ['q', 'k'] },
        ],
      ),
      { executionProviders: device === 'cuda' ? ['cuda', 'cpu'] : ['cpu'], intraOpNumThreads: this.threads, graphOptimizationLevel: 'all', extra: NO_SPINNING },
    );
    return this.session;
  }

  private base(r: TopKRequest): ort.Tensor {
    let t = this.bases.get(r.baseKey);
    if (t) {
      this.bases.delete(r.baseKey);
    } else {
      t = new ort.Tensor('float32', r.xt.buffer instanceof SharedArrayBuffer ? r.xt.slice() : r.xt, [r.dim, r.n]);
      if (this.bases.size >= KEEP_BASES) this.bases.delete(this.bases.keys().next().value!);
    }
    this.bases.set(r.baseKey, t);
    return t;
  }

  /** `device`: where this thread's embedding model runs ('cpu' when none is loaded). */
  async run(r: TopKRequest, device: ActiveDevice = 'cpu'): Promise<TopKBlock> {
    const session = await this.getSession(device);
    const out = await session.run({
      Q: new ort.Tensor('float32', r.q, [r.rows, r.dim]),
      XT: this.base(r),
      K: new ort.Tensor('int64', BigInt64Array.from([BigInt(r.k)]), [1]),
    });
    return { values: out.V.data as Float32Array, indices: out.I.data as BigInt64Array };
  }

  async release(): Promise<void> {
    this.bases.clear();
    const s = this.session;
    this.session = null;
    if (s) await (await s).release();
  }
}

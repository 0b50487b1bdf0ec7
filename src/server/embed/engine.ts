/**
 * The model itself: the tokenizer from @huggingface/transformers and the ONNX graph run by
 * onnxruntime-node, mean-pooled and L2-normalised (what sentence-transformers does for
 * all-MiniLM-L6-v2). It runs on an inference thread (workers/inferenceWorker.ts), never on the HTTP
 * thread: onnxruntime-node's session.run() computes synchronously on the thread that calls it (it
 * only defers the call with setImmediate), so a batch there held every request for its whole length.
 * The embedder (embedder.ts) decides what to embed, in which batches; this file only runs them.
 *
 * A batch's rows are padded to its longest one, and in int8 a row's vector depends slightly on its
 * batch mates (dynamic quantisation scales the activations per batch), so the batches an embedder
 * forms are part of its results: the same texts in the same batches give bit-identical vectors.
 */
import { basename, dirname } from 'node:path';
import * as ort from 'onnxruntime-node';
import { AutoTokenizer, env, type PreTrainedTokenizer } from '@huggingface/transformers';
import { TicketLensError, type ActiveDevice } from '../../shared/api';
import { clipText } from '../data/clipText';

/** Where and how to load a model: everything the inference thread needs, structured-cloneable. */
export interface EngineSpec {
  onnxPath: string;
  /** The model directory (config.json, tokenizer.json). */
  modelDir: string;
  device: ActiveDevice;
  /** onnxruntime's intra-op threads. */
  threads: number;
  /** Tokens the model reads; longer texts are cut, keeping the final [SEP]. */
  maxLength: number;
}

export interface EngineInfo {
  /** Width of the output vectors, probed rather than read from config files. */
  dim: number;
}

/** Token ids of many texts, flat: text i is ids[offsets[i] .. offsets[i + 1]). */
export interface TokenIds {
  ids: Int32Array;
  offsets: Int32Array;
}

/**
 * onnxruntime's thread pool spins after each run waiting for more work: between the sporadic runs of
 * a server that cost ~20 ms of a core per run (measured: 25–28 ms of CPU for a 7 ms one-text run, 7 ms
 * without), taken from the HTTP thread and the jobs on a 2-core machine.
 */
export const NO_SPINNING = { session: { intra_op: { allow_spinning: '0' } } };

export function sessionOptions(device: ActiveDevice, threads: number): ort.InferenceSession.SessionOptions {
  return {
    executionProviders: device === 'cuda' ? ['cuda', 'cpu'] : ['cpu'],
    graphOptimizationLevel: 'all',
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    extra: NO_SPINNING,
  };
}

export function flattenIds(rows: readonly ArrayLike<number>[]): TokenIds {
  const offsets = new Int32Array(rows.length + 1);
  rows.forEach((r, i) => (offsets[i + 1] = offsets[i] + r.length));
  const ids = new Int32Array(offsets[rows.length]);
  rows.forEach((r, i) => ids.set(r, offsets[i]));
  return { ids, offsets };
}

export class EmbeddingEngine {
  private readonly padId: number;

  private constructor(
    readonly info: EngineInfo,
    private readonly spec: EngineSpec,
    private readonly tokenizer: PreTrainedTokenizer,
    private readonly session: ort.InferenceSession,
  ) {
    this.padId = tokenizer.pad_token_id ?? 0;
  }

  /** Session creation failing is model_unavailable (the caller may retry CUDA on the CPU); a tokenizer failure is thrown as it is. */
  static async load(spec: EngineSpec): Promise<EmbeddingEngine> {
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(spec.onnxPath, sessionOptions(spec.device, spec.threads));
    } catch (err) {
      throw new TicketLensError('model_unavailable', (err as Error).message);
    }
    try {
      env.allowRemoteModels = false;
      env.allowLocalModels = true;
      env.localModelPath = dirname(spec.modelDir);
      const tokenizer = await AutoTokenizer.from_pretrained(basename(spec.modelDir));
      const probe = await session.run({
        input_ids: new ort.Tensor('int64', new BigInt64Array([101n, 102n]), [1, 2]),
        attention_mask: new ort.Tensor('int64', new BigInt64Array([1n, 1n]), [1, 2]),
        ...(session.inputNames.includes('token_type_ids') ? { token_type_ids: new ort.Tensor('int64', new BigInt64Array(2), [1, 2]) } : {}),
      });
      const dims = probe[session.outputNames[0]].dims;
      return new EmbeddingEngine({ dim: dims[dims.length - 1] }, spec, tokenizer, session);
    } catch (err) {
      await session.release();
      throw err;
    }
  }

  /** Token ids with [CLS]/[SEP], truncated as the tokenizer would (the content, keeping the final [SEP]). */
  private ids(text: string): number[] {
    const ids = this.tokenizer.encode(clipText(text));
    const max = this.spec.maxLength;
    return ids.length <= max ? ids : [...ids.slice(0, max - 1), ids[ids.length - 1]];
  }

  tokenize(texts: readonly string[]): TokenIds {
    return flattenIds(texts.map((t) => this.ids(t)));
  }

  /** Vectors (row-major) of the texts of `t`, run as one batch in the order given. */
  async embedIds(t: TokenIds): Promise<Float32Array> {
    const rows = t.offsets.length - 1;
    let seqLen = 0;
    for (let r = 0; r < rows; r++) seqLen = Math.max(seqLen, t.offsets[r + 1] - t.offsets[r]);
    const inputIds = new BigInt64Array(rows * seqLen).fill(BigInt(this.padId));
    const mask = new BigInt64Array(rows * seqLen);
    for (let r = 0; r < rows; r++) {
      for (let j = t.offsets[r], c = 0; j < t.offsets[r + 1]; j++, c++) {
        inputIds[r * seqLen + c] = BigInt(t.ids[j]);
        mask[r * seqLen + c] = 1n;
      }
    }
    const dims = [rows, seqLen];
    const feeds: Record<string, ort.Tensor> = {};
    for (const name of this.session.inputNames) {
      // Single sentences: token_type_ids are all zero.
      const data = name === 'input_ids' ? inputIds : name === 'attention_mask' ? mask : new BigInt64Array(rows * seqLen);
      feeds[name] = new ort.Tensor('int64', data, dims);
    }
    const result = await this.session.run(feeds);
    return this.pool(result[this.session.outputNames[0]].data as Float32Array, mask, rows, seqLen);
  }

  /**
   * Vectors of a few texts, tokenised here and run as one batch sorted by token count (ties in input
   * order), as the embedder sorts a call's texts: the batch is the one the embedder would form.
   */
  async embedTexts(texts: readonly string[]): Promise<Float32Array> {
    const ids = texts.map((t) => this.ids(t));
    const order = ids.map((_, i) => i).sort((a, b) => ids[a].length - ids[b].length || a - b);
    const sorted = await this.embedIds(flattenIds(order.map((i) => ids[i])));
    const dim = this.info.dim;
    const out = new Float32Array(texts.length * dim);
    order.forEach((i, r) => out.set(sorted.subarray(r * dim, (r + 1) * dim), i * dim));
    return out;
  }

  private pool(hidden: Float32Array, mask: BigInt64Array, rows: number, seqLen: number): Float32Array {
    const dim = this.info.dim;
    const out = new Float32Array(rows * dim);
    const acc = new Float64Array(dim);
    for (let r = 0; r < rows; r++) {
      acc.fill(0);
      let count = 0;
      for (let t = 0; t < seqLen; t++) {
        if (mask[r * seqLen + t] === 0n) continue;
        count++;
        const base = (r * seqLen + t) * dim;
        for (let d = 0; d < dim; d++) acc[d] += hidden[base + d];
      }
      let norm = 0;
      for (let d = 0; d < dim; d++) {
        acc[d] /= Math.max(count, 1);
        norm += acc[d] * acc[d];
      }
      norm = Math.sqrt(norm) || 1;
      for (let d = 0; d < dim; d++) out[r * dim + d] = acc[d] / norm;
    }
    return out;
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

/**
 * The sentence embedder: the model's own tokenizer from @huggingface/transformers, and the ONNX graph
 * run by onnxruntime-node directly, mean-pooled and L2-normalised (what sentence-transformers does
 * for all-MiniLM-L6-v2). We call onnxruntime-node ourselves rather than through a transformers.js
 * pipeline because it measured ~30% faster on this machine (docs/measurements/embedding.md: 216 vs
 * 164 sentences/s at batch 1, q8), and it lets us overlap tokenising the next batch with running the
 * current one.
 *
 * Batches are formed from texts sorted by token count, so short support tickets are not padded to the
 * longest one of the file; results come back in input order. Each text is tokenised once, unpadded,
 * and the batch tensors are built from those ids: sorting by characters instead left 21% of the
 * tokens of 5,000 Bitext texts as padding (0.4% by token count), and the model's time is linear in them.
 * Every text is cut to MAX_TEXT_CHARS first (data/clipText.ts): the model reads 256 tokens, but the
 * tokenizer would read all of a 5 MB cell.
 *
 * New vectors go to the disk cache, except with `persist: false`: texts typed into a request or an
 * explanation's variants (one per word) are kept in a small in-memory LRU instead, so one-off texts
 * neither fill the disk nor evict a CSV's vectors there.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, basename } from 'node:path';
import * as ort from 'onnxruntime-node';
import { AutoTokenizer, env, type PreTrainedTokenizer } from '@huggingface/transformers';
import { TicketLensError, type Device, type Dtype } from '../../shared/api';
import { clipText } from '../data/clipText';
import type { Logger } from '../log';
import { EmbeddingCache, textKey, type CacheStats } from './cache';
import { chooseDevice, type DeviceChoice } from './device';
import { locateModel } from './manifest';
import type { EmbedOptions, Embedder, EmbedderInfo } from './types';

export interface LoadEmbedderOptions {
  modelDir: string;
  device?: Device;
  dtype?: Dtype;
  /** Root of the on-disk embedding cache; no cache when absent. */
  cacheDir?: string;
  batchSize?: number;
  /** Threads for onnxruntime (default: all cores). */
  threads?: number;
  log?: Logger;
}

function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(path)
      .on('data', (d) => h.update(d))
      .on('end', () => resolve(h.digest('hex')))
      .on('error', reject);
  });
}

/** Vectors of unpersisted texts held in memory: 4,096 × 384 floats is 6 MiB. */
const AD_HOC_ENTRIES = 4096;

export interface LocalEmbedOptions extends EmbedOptions {
  /** false: new vectors are not written to the disk cache, only to the in-memory LRU (default true). */
  persist?: boolean;
}

export interface LocalEmbedder extends Embedder {
  /** The disk cache's counters and the in-memory LRU's hits; null without a cache. */
  readonly cacheStats: (CacheStats & { memoryHits: number }) | null;
  embed(texts: readonly string[], opts?: LocalEmbedOptions): Promise<Float32Array>;
}

interface Encoded {
  feeds: Record<string, ort.Tensor>;
  mask: BigInt64Array;
  seqLen: number;
  rows: number;
}

class OnnxEmbedder implements LocalEmbedder {
  private cache: EmbeddingCache | null;
  private readonly padId: number;
  /** key (hex) → vector; Map order is recency, least recent first. */
  private readonly adHoc = new Map<string, Float32Array>();
  private memoryHits = 0;

  constructor(
    readonly info: EmbedderInfo,
    private readonly tokenizer: PreTrainedTokenizer,
    private readonly session: ort.InferenceSession,
    private readonly batchSize: number,
    cacheDir: string | undefined,
    private readonly log?: Logger,
  ) {
    this.cache = cacheDir ? new EmbeddingCache(cacheDir, info.modelHash, info.dim, log) : null;
    this.padId = tokenizer.pad_token_id ?? 0;
  }

  get cacheStats() {
    return this.cache ? { ...this.cache.stats, memoryHits: this.memoryHits } : null;
  }

  /** Token ids with [CLS]/[SEP], truncated as the tokenizer would (the content, keeping the final [SEP]). */
  private ids(text: string): number[] {
    const ids = this.tokenizer.encode(clipText(text));
    const max = this.info.maxLength;
    return ids.length <= max ? ids : [...ids.slice(0, max - 1), ids[ids.length - 1]];
  }

  private encode(batch: readonly number[][]): Encoded {
    const rows = batch.length;
    const seqLen = Math.max(...batch.map((b) => b.length));
    const inputIds = new BigInt64Array(rows * seqLen).fill(BigInt(this.padId));
    const mask = new BigInt64Array(rows * seqLen);
    batch.forEach((ids, r) => {
      for (let t = 0; t < ids.length; t++) {
        inputIds[r * seqLen + t] = BigInt(ids[t]);
        mask[r * seqLen + t] = 1n;
      }
    });
    const dims = [rows, seqLen];
    const feeds: Record<string, ort.Tensor> = {};
    for (const name of this.session.inputNames) {
      // Single sentences: token_type_ids are all zero.
      const data = name === 'input_ids' ? inputIds : name === 'attention_mask' ? mask : new BigInt64Array(rows * seqLen);
      feeds[name] = new ort.Tensor('int64', data, dims);
    }
    return { feeds, mask, seqLen, rows };
  }

  private pool(hidden: Float32Array, e: Encoded, out: Float32Array, order: readonly number[]): void {
    const dim = this.info.dim;
    const acc = new Float64Array(dim);
    for (let r = 0; r < e.rows; r++) {
      acc.fill(0);
      let count = 0;
      for (let t = 0; t < e.seqLen; t++) {
        if (e.mask[r * e.seqLen + t] === 0n) continue;
        count++;
        const base = (r * e.seqLen + t) * dim;
        for (let d = 0; d < dim; d++) acc[d] += hidden[base + d];
      }
      let norm = 0;
      for (let d = 0; d < dim; d++) {
        acc[d] /= Math.max(count, 1);
        norm += acc[d] * acc[d];
      }
      norm = Math.sqrt(norm) || 1;
      const o = order[r] * dim;
      for (let d = 0; d < dim; d++) out[o + d] = acc[d] / norm;
    }
  }

  /** The indices in `todo` whose vectors the in-memory LRU does not hold; copies the others into `out`. */
  private lookupAdHoc(keys: readonly Buffer[], todo: readonly number[], out: Float32Array): number[] {
    const missing: number[] = [];
    for (const i of todo) {
      const hex = keys[i].toString('hex');
      const v = this.adHoc.get(hex);
      if (!v) {
        missing.push(i);
        continue;
      }
      out.set(v, i * this.info.dim);
      this.adHoc.delete(hex);
      this.adHoc.set(hex, v);
      this.memoryHits++;
    }
    return missing;
  }

  private rememberAdHoc(key: Buffer, v: Float32Array): void {
    const hex = key.toString('hex');
    this.adHoc.delete(hex);
    this.adHoc.set(hex, v.slice());
    if (this.adHoc.size > AD_HOC_ENTRIES) this.adHoc.delete(this.adHoc.keys().next().value!);
  }

  async embed(texts: readonly string[], opts: LocalEmbedOptions = {}): Promise<Float32Array> {
    const dim = this.info.dim;
    const persist = opts.persist ?? true;
    const out = new Float32Array(texts.length * dim);
    const keys = this.cache ? texts.map(textKey) : [];
    let todo = this.cache ? this.cache.lookup(keys, out) : texts.map((_, i) => i);
    // A persisted call embeds again what only memory holds, so that the disk gets it.
    if (this.cache && !persist) todo = this.lookupAdHoc(keys, todo, out);
    const cached = texts.length - todo.length;
    opts.onProgress?.(cached, texts.length);
    if (todo.length === 0) return out;

    const ids = new Map<number, number[]>();
    for (const i of todo) ids.set(i, this.ids(texts[i]));
    // Sorting by token count keeps padding (wasted compute) near zero; ties keep input order.
    todo.sort((a, b) => ids.get(a)!.length - ids.get(b)!.length || a - b);
    const batches: number[][] = [];
    for (let i = 0; i < todo.length; i += this.batchSize) batches.push(todo.slice(i, i + this.batchSize));
    const encodeBatch = (b: readonly number[]) => this.encode(b.map((i) => ids.get(i)!));

    let pendingKeys: Buffer[] = [];
    let pendingRows: number[] = [];
    const flush = () => {
      if (!this.cache || pendingRows.length === 0) return;
      if (!persist) {
        pendingRows.forEach((r, j) => this.rememberAdHoc(pendingKeys[j], out.subarray(r * dim, (r + 1) * dim)));
        pendingKeys = [];
        pendingRows = [];
        return;
      }
      const vecs = new Float32Array(pendingRows.length * dim);
      pendingRows.forEach((r, j) => vecs.set(out.subarray(r * dim, (r + 1) * dim), j * dim));
      this.cache.store(pendingKeys, vecs);
      pendingKeys = [];
      pendingRows = [];
    };

    let done = cached;
    let next = encodeBatch(batches[0]);
    for (let b = 0; b < batches.length; b++) {
      if (opts.signal?.aborted) {
        flush();
        throw new TicketLensError('job_cancelled', 'Embedding was cancelled.');
      }
      const current = next;
      const running = this.session.run(current.feeds);
      // Build the next batch while onnxruntime works on this one in its own threads.
      if (b + 1 < batches.length) next = encodeBatch(batches[b + 1]);
      const result = await running;
      const hidden = result[this.session.outputNames[0]].data as Float32Array;
      this.pool(hidden, current, out, batches[b]);
      done += batches[b].length;
      if (this.cache) {
        for (const i of batches[b]) {
          pendingKeys.push(keys[i]);
          pendingRows.push(i);
        }
        // Store as we go, so a cancelled or crashed job keeps what it embedded.
        if (pendingRows.length >= 4096) flush();
      }
      opts.onProgress?.(done, texts.length);
    }
    flush();
    return out;
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}

async function createSession(path: string, device: DeviceChoice, threads: number): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(path, {
    executionProviders: device.active === 'cuda' ? ['cuda', 'cpu'] : ['cpu'],
    graphOptimizationLevel: 'all',
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
  });
}

export async function loadEmbedder(opts: LoadEmbedderOptions): Promise<LocalEmbedder> {
  const dtype = opts.dtype ?? 'q8';
  const files = locateModel(opts.modelDir, dtype);
  let device = chooseDevice(opts.device ?? 'auto');
  const threads = opts.threads ?? availableParallelism();
  let session: ort.InferenceSession;
  try {
    session = await createSession(files.onnxPath, device, threads);
  } catch (err) {
    if (device.active !== 'cuda') throw new TicketLensError('model_unavailable', `Could not load ${files.onnxPath}: ${(err as Error).message}`);
    if (device.requested === 'cuda') throw new TicketLensError('device_unavailable', `CUDA was requested but its session failed: ${(err as Error).message}`);
    device = { requested: device.requested, active: 'cpu', reason: `auto: the CUDA session failed (${(err as Error).message}); using the CPU` };
    session = await createSession(files.onnxPath, device, threads);
  }
  opts.log?.info(`embedding model ${files.id} (${dtype}) on ${device.active}: ${device.reason}`);

  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = dirname(files.dir);
  const tokenizer = await AutoTokenizer.from_pretrained(basename(files.dir));

  const modelHash = files.onnxSha256 ?? (await sha256File(files.onnxPath));
  // Probe the output width instead of trusting config files.
  const probe = await session.run({
    input_ids: new ort.Tensor('int64', new BigInt64Array([101n, 102n]), [1, 2]),
    attention_mask: new ort.Tensor('int64', new BigInt64Array([1n, 1n]), [1, 2]),
    ...(session.inputNames.includes('token_type_ids') ? { token_type_ids: new ort.Tensor('int64', new BigInt64Array(2), [1, 2]) } : {}),
  });
  const outDims = probe[session.outputNames[0]].dims;
  const info: EmbedderInfo = {
    modelId: files.id,
    modelPath: files.dir,
    modelHash,
    dim: outDims[outDims.length - 1],
    dtype,
    device: { requested: device.requested, active: device.active, reason: device.reason },
    maxLength: files.maxLength,
  };
  return new OnnxEmbedder(info, tokenizer, session, opts.batchSize ?? 32, opts.cacheDir, opts.log);
}

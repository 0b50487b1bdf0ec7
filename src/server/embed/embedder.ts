/**
 * The sentence embedder: the model's own tokenizer from @huggingface/transformers, and the ONNX graph
 * run by onnxruntime-node directly, mean-pooled and L2-normalised (what sentence-transformers does
 * for all-MiniLM-L6-v2). We call onnxruntime-node ourselves rather than through a transformers.js
 * pipeline because it measured ~30% faster on this machine (docs/measurements/embedding.md: 216 vs
 * 164 sentences/s at batch 1, q8).
 *
 * The model runs on an inference thread (engine.ts, workers/inferenceLane.ts): a call that reports
 * progress (a job) goes to the background lane, any other (a request) to the interactive one, unless
 * `priority` says otherwise. This file decides what is embedded, in which batches, and keeps the cache.
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
import { availableParallelism } from 'node:os';
import { TicketLensError, type Device, type Dtype } from '../../shared/api';
import { clipText } from '../data/clipText';
import { sha256File } from '../data/sha256File';
import type { Logger } from '../log';
import { inferenceLane, type EngineRef, type Lane } from '../workers/inferenceLane';
import { EmbeddingCache, textKey, type CacheStats } from './cache';
import { chooseDevice, type DeviceChoice } from './device';
import { flattenIds } from './engine';
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

/** Vectors of unpersisted texts held in memory: 4,096 × 384 floats is 6 MiB. */
const AD_HOC_ENTRIES = 4096;

/** Texts tokenised per request to the inference thread (~25 ms there): a request's batch can run between two. */
const TOKENIZE_CHUNK = 512;

/** Kept for callers that name it: the options every embedder takes (types.ts). */
export type LocalEmbedOptions = EmbedOptions;

export interface LocalEmbedder extends Embedder {
  /** The disk cache's counters and the in-memory LRU's hits; null without a cache. */
  readonly cacheStats: (CacheStats & { memoryHits: number }) | null;
  embed(texts: readonly string[], opts?: LocalEmbedOptions): Promise<Float32Array>;
}

let engines = 0;

class OnnxEmbedder implements LocalEmbedder {
  private cache: EmbeddingCache | null;
  /** key (hex) → vector; Map order is recency, least recent first. */
  private readonly adHoc = new Map<string, Float32Array>();
  private memoryHits = 0;
  private readonly used = new Set<Lane>();

  constructor(
    readonly info: EmbedderInfo,
    private readonly engine: EngineRef,
    private readonly batchSize: number,
    cacheDir: string | undefined,
    private readonly log?: Logger,
  ) {
    this.cache = cacheDir ? new EmbeddingCache(cacheDir, info.modelHash, info.dim, log) : null;
    this.used.add(inferenceLane('interactive'));
  }

  get cacheStats() {
    return this.cache ? { ...this.cache.stats, memoryHits: this.memoryHits } : null;
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

  private lane(opts: EmbedOptions): Lane {
    const lane = inferenceLane(opts.priority ?? (opts.onProgress ? 'background' : 'interactive'));
    this.used.add(lane);
    return lane;
  }

  /** Token ids of the texts at `todo`, tokenised on the lane's thread a chunk at a time. */
  private async tokenize(lane: Lane, texts: readonly string[], todo: readonly number[], signal: AbortSignal | undefined): Promise<Map<number, Int32Array>> {
    const ids = new Map<number, Int32Array>();
    for (let s = 0; s < todo.length; s += TOKENIZE_CHUNK) {
      const chunk = todo.slice(s, s + TOKENIZE_CHUNK);
      const t = await lane.call({ op: 'tokenize', engine: this.engine.key, texts: chunk.map((i) => clipText(texts[i])) }, { engine: this.engine, signal });
      chunk.forEach((i, j) => ids.set(i, t.ids.subarray(t.offsets[j], t.offsets[j + 1])));
    }
    return ids;
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
    /** Places a batch's vectors (rows in the batch's order) and reports progress. */
    const place = (batch: readonly number[], v: Float32Array) => {
      batch.forEach((i, r) => out.set(v.subarray(r * dim, (r + 1) * dim), i * dim));
      done += batch.length;
      if (this.cache) {
        for (const i of batch) {
          pendingKeys.push(keys[i]);
          pendingRows.push(i);
        }
        // Store as we go, so a cancelled or crashed job keeps what it embedded.
        if (pendingRows.length >= 4096) flush();
      }
      opts.onProgress?.(done, texts.length);
    };

    const { signal } = opts;
    const lane = this.lane(opts);
    try {
      if (signal?.aborted) throw new TicketLensError('job_cancelled', 'Embedding was cancelled.');
      if (todo.length <= this.batchSize) {
        // One batch: tokenised and sorted by token count on the inference thread, in one request
        // (which the interactive lane may run together with other requests' texts).
        place(todo, await lane.call({ op: 'embedTexts', engine: this.engine.key, texts: todo.map((i) => clipText(texts[i])) }, { engine: this.engine, signal }));
      } else {
        const ids = await this.tokenize(lane, texts, todo, signal);
        // Sorting by token count keeps padding (wasted compute) near zero; ties keep input order.
        todo.sort((a, b) => ids.get(a)!.length - ids.get(b)!.length || a - b);
        const batches: number[][] = [];
        for (let i = 0; i < todo.length; i += this.batchSize) batches.push(todo.slice(i, i + this.batchSize));
        const send = (b: readonly number[]) => {
          const tokens = flattenIds(b.map((i) => ids.get(i)!));
          const v = lane.call({ op: 'embedIds', engine: this.engine.key, tokens }, { engine: this.engine, signal, transfer: [tokens.ids.buffer as ArrayBuffer, tokens.offsets.buffer as ArrayBuffer] });
          v.catch(() => undefined); // awaited in order below; a cancel rejects every one at once
          return v;
        };
        // The next batch waits on the thread while this one runs, so the thread never waits on us.
        let next = send(batches[0]);
        for (let b = 0; b < batches.length; b++) {
          if (signal?.aborted) throw new TicketLensError('job_cancelled', 'Embedding was cancelled.');
          const current = next;
          if (b + 1 < batches.length) next = send(batches[b + 1]);
          place(batches[b], await current);
        }
      }
    } catch (err) {
      flush();
      if (err instanceof TicketLensError && err.code === 'job_cancelled') throw new TicketLensError('job_cancelled', 'Embedding was cancelled.');
      throw err;
    }
    flush();
    return out;
  }

  async dispose(): Promise<void> {
    await Promise.all([...this.used].map((l) => l.release(this.engine)));
  }
}

export async function loadEmbedder(opts: LoadEmbedderOptions): Promise<LocalEmbedder> {
  const dtype = opts.dtype ?? 'q8';
  const files = locateModel(opts.modelDir, dtype);
  let device: DeviceChoice = chooseDevice(opts.device ?? 'auto');
  const threads = opts.threads ?? availableParallelism();
  const lane = inferenceLane('interactive');
  const ref = (d: DeviceChoice): EngineRef => ({ key: `embedder-${++engines}`, spec: { onnxPath: files.onnxPath, modelDir: files.dir, device: d.active, threads, maxLength: files.maxLength } });
  let engine = ref(device);
  let probed;
  try {
    probed = await lane.load(engine);
  } catch (err) {
    if (!(err instanceof TicketLensError && err.code === 'model_unavailable')) throw err;
    if (device.active !== 'cuda') throw new TicketLensError('model_unavailable', `Could not load ${files.onnxPath}: ${err.message}`);
    if (device.requested === 'cuda') throw new TicketLensError('device_unavailable', `CUDA was requested but its session failed: ${err.message}`);
    device = { requested: device.requested, active: 'cpu', reason: `auto: the CUDA session failed (${err.message}); using the CPU` };
    engine = ref(device);
    probed = await lane.load(engine);
  }
  opts.log?.info(`embedding model ${files.id} (${dtype}) on ${device.active}: ${device.reason}`);

  const modelHash = files.onnxSha256 ?? (await sha256File(files.onnxPath));
  const info: EmbedderInfo = {
    modelId: files.id,
    modelPath: files.dir,
    modelHash,
    dim: probed.dim,
    dtype,
    device: { requested: device.requested, active: device.active, reason: device.reason },
    maxLength: files.maxLength,
    lineage: files.lineage,
  };
  return new OnnxEmbedder(info, engine, opts.batchSize ?? 32, opts.cacheDir, opts.log);
}

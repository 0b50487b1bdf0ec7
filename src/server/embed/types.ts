/** What every consumer of embeddings (server routes, CLI, cluster and classify engines) codes against. */
import type { ActiveDevice, Device, Dtype } from '../../shared/api';

export interface EmbedderInfo {
  modelId: string;
  modelPath: string;
  /** sha256 of the ONNX file in use: the embedding cache's key and a trained head's compatibility check. */
  modelHash: string;
  dim: number;
  dtype: Dtype;
  device: { requested: Device; active: ActiveDevice; reason: string };
  maxLength: number;
  /** The model's lineage from its manifest (embed/manifest.ts): null for the base model, "finetuned:…" for a fine-tune. */
  lineage: string | null;
}

/**
 * interactive: a request someone waits on (/classify, /embed, /runs/predict); it goes ahead of
 * background work (a job's embedding), which runs on its own thread at a lower priority.
 */
export type EmbedPriority = 'interactive' | 'background';

export interface EmbedOptions {
  signal?: AbortSignal;
  /** Called with the number of texts embedded so far. */
  onProgress?: (done: number, total: number) => void;
  /** Default: 'background' when onProgress is given (a long call that reports progress is a job's), else 'interactive'. */
  priority?: EmbedPriority;
  /** false: new vectors are not written to the disk cache, only to an in-memory LRU (default true; no effect without a cache). */
  persist?: boolean;
}

export interface Embedder {
  readonly info: EmbedderInfo;
  /** The on-disk cache's counters: null without a cache (absent for an embedder that never has one). */
  readonly cacheStats?: { readonly hits: number } | null;
  /** L2-normalised vectors, row-major, texts.length × dim, in input order. */
  embed(texts: readonly string[], opts?: EmbedOptions): Promise<Float32Array>;
  dispose(): Promise<void>;
}

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
}

export interface EmbedOptions {
  signal?: AbortSignal;
  /** Called with the number of texts embedded so far. */
  onProgress?: (done: number, total: number) => void;
}

export interface Embedder {
  readonly info: EmbedderInfo;
  /** The on-disk cache's counters: null without a cache (absent for an embedder that never has one). */
  readonly cacheStats?: { readonly hits: number } | null;
  /** L2-normalised vectors, row-major, texts.length × dim, in input order. */
  embed(texts: readonly string[], opts?: EmbedOptions): Promise<Float32Array>;
  dispose(): Promise<void>;
}

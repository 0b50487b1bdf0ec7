/**
 * An embedder an ingest loads only when it needs one: loading the model (seconds) dominates an ingest
 * that finds every row stored, and the dataset's model is told by the ONNX file's hash without it.
 */
import { sha256File } from '../../data/sha256File';
import { loadEmbedder, locateModel, type Embedder, type LoadEmbedderOptions } from '../../embed';

export interface EmbedderSource {
  /** The model's id and its ONNX file's sha256: what a stored model's hashes are compared with. */
  identity(): Promise<{ modelId: string; modelHash: string }>;
  /** The embedder, loaded on the first call and shared by the later ones. */
  load(): Promise<Embedder>;
  /** Disposes the embedder if it was loaded. */
  dispose(): Promise<void>;
}

/** `onLoad` is called each time the model is actually loaded (a test's and a log's observation point). */
export function embedderSource(opts: LoadEmbedderOptions, onLoad?: () => void): EmbedderSource {
  let loaded: Promise<Embedder> | null = null;
  let identity: Promise<{ modelId: string; modelHash: string }> | null = null;
  return {
    identity() {
      identity ??= (async () => {
        const files = locateModel(opts.modelDir, opts.dtype ?? 'q8');
        return { modelId: files.id, modelHash: files.onnxSha256 ?? (await sha256File(files.onnxPath)) };
      })();
      return identity;
    },
    load() {
      if (!loaded) {
        onLoad?.();
        loaded = loadEmbedder(opts);
      }
      return loaded;
    },
    async dispose() {
      // A load that failed has nothing to dispose; its error went to whoever awaited it.
      const e = loaded ? await loaded.catch(() => null) : null;
      await e?.dispose();
    },
  };
}

export const isSource = (e: Embedder | EmbedderSource): e is EmbedderSource => 'load' in e && typeof e.load === 'function';

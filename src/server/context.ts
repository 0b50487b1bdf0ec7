/** What every route and CLI command gets: configuration, the lazily loaded embedder, the job queue. */
import type { Device, Dtype } from '../shared/api';
import type { Embedder } from './embed/types';
import type { PathPolicy } from './http/paths';
import type { JobQueue } from './jobs/types';
import type { Logger } from './log';

export interface ServerConfig {
  /** Directory holding config.json, tokenizer.json and onnx/model*.onnx (see src/server/embed). */
  modelDir: string;
  device: Device;
  dtype: Dtype;
  /** Embedding cache directory (see src/server/embed/cache.ts). */
  cacheDir: string;
  /** Real paths of the folders the file routes may use (`serve --allow-root`); null: any path. */
  allowedRoots: readonly string[] | null;
  /** Listening on a non-loopback interface (no TLS): the file routes answer 403. */
  remote: boolean;
}

export interface ServerContext {
  version: string;
  startedAt: number;
  config: ServerConfig;
  log: Logger;
  /** Loads the model on first call; later calls share it. */
  getEmbedder(): Promise<Embedder>;
  /** The embedder if it has been loaded, without loading it. */
  loadedEmbedder(): Embedder | null;
  jobs: JobQueue;
  /** What the file routes may read and write (http/paths.ts), from allowedRoots and remote. */
  paths: PathPolicy;
}

export { loadEmbedder, type LoadEmbedderOptions } from './embedder';
export { defaultModelDir, cacheRoot, locateModel } from './manifest';
export { cudaUnavailableReason } from './device';
export type { Embedder, EmbedderInfo, EmbedOptions, EmbedPriority } from './types';

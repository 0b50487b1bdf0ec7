/** Ingest with an embedder loaded only when needed (the CLI's way; the store's API takes a loaded one). */
export { ingest, type IngestHooks, type IngestProgress } from './ingest';
export { embedderSource, type EmbedderSource } from './embedderSource';

/**
 * The vectors' dimension in the store: pgvector's HNSW index needs a column of fixed dimension, and
 * the store's is the shipped model's (all-MiniLM-L6-v2). A model of another dimension is refused by
 * ingest with this number in the message; supporting one means a migration adding its own column.
 */
export const STORE_DIM = 384;

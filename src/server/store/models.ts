/**
 * The embedding models the store holds vectors of (table embedding_models). A model is matched the way
 * runs and classifiers match one (embed/identity.ts): the ONNX file's hash, else the probe texts'
 * vectors. Another build of a known model (q8 next to fp32, a newer export) is the same model, its
 * hash added to the row; anything else is another model.
 */
import { TicketLensError, type EmbeddingFingerprint } from '../../shared/api';
import { compareEmbedding, embeddingFingerprint } from '../embed/identity';
import type { Embedder } from '../embed/types';
import { STORE_DIM } from './dim';
import { LOCK_MODELS, STORE_LOCK_CLASS, type SqlRunner } from './engine';

export interface StoredModel {
  id: number;
  modelId: string;
  dim: number;
  hashes: string[];
  fingerprint: EmbeddingFingerprint | null;
}

interface ModelRow {
  id: number;
  model_id: string;
  dim: number;
  hashes: string[];
  fingerprint: EmbeddingFingerprint | null;
}

const fromRow = (r: ModelRow): StoredModel => ({ id: r.id, modelId: r.model_id, dim: r.dim, hashes: r.hashes, fingerprint: r.fingerprint });

export const describeModel = (modelId: string, hash: string) => `${modelId} (ONNX sha256 ${hash.slice(0, 12)}…)`;

export async function modelById(db: SqlRunner, id: number): Promise<StoredModel | null> {
  const [r] = await db.query<ModelRow>('SELECT id, model_id, dim, hashes, fingerprint FROM embedding_models WHERE id = $1', [id]);
  return r ? fromRow(r) : null;
}

/** Whether the embedder's vectors are comparable with the model's, and the evidence when not. */
export async function sameModel(m: StoredModel, e: Embedder): Promise<{ same: true; newHash: boolean } | { same: false; evidence: string }> {
  const match = await compareEmbedding({ hashes: m.hashes, dim: m.dim, fingerprint: m.fingerprint ?? undefined }, e);
  return match.same ? { same: true, newHash: match.by === 'fingerprint' } : match;
}

export function checkDim(e: Embedder): void {
  if (e.info.dim !== STORE_DIM) {
    throw new TicketLensError('bad_input', `The model ${describeModel(e.info.modelId, e.info.modelHash)} makes ${e.info.dim}-d vectors; the ticket store holds ${STORE_DIM}-d vectors (all-MiniLM-L6-v2 and models of its size).`);
  }
}

/**
 * The store's row for this embedder's model, created (or given this build's hash) if needed. Runs in
 * the caller's transaction under a store-wide lock, so two ingests meeting a new model make one row.
 */
export async function registerModel(tx: SqlRunner, e: Embedder): Promise<StoredModel> {
  checkDim(e);
  await tx.query('SELECT pg_advisory_xact_lock($1, $2)', [STORE_LOCK_CLASS, LOCK_MODELS]);
  const rows = (await tx.query<ModelRow>('SELECT id, model_id, dim, hashes, fingerprint FROM embedding_models WHERE dim = $1 ORDER BY id', [e.info.dim])).map(fromRow);
  const byHash = rows.find((m) => m.hashes.includes(e.info.modelHash));
  if (byHash) return byHash;
  for (const m of rows) {
    if (!m.fingerprint) continue;
    const match = await sameModel(m, e);
    if (match.same) {
      await tx.query('UPDATE embedding_models SET hashes = array_append(hashes, $2) WHERE id = $1', [m.id, e.info.modelHash]);
      return { ...m, hashes: [...m.hashes, e.info.modelHash] };
    }
  }
  const fp = await embeddingFingerprint(e);
  const [r] = await tx.query<ModelRow>(
    'INSERT INTO embedding_models (model_id, dim, hashes, fingerprint) VALUES ($1, $2, $3, $4::jsonb) RETURNING id, model_id, dim, hashes, fingerprint',
    [e.info.modelId, e.info.dim, [e.info.modelHash], JSON.stringify(fp)],
  );
  return fromRow(r);
}

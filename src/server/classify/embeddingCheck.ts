/**
 * A classifier file is refused, with both models and the evidence named, when the server's embedder is
 * not the model it was trained on (embed/identity.ts decides).
 */
import { TicketLensError } from '../../shared/api';
import { compareEmbedding, type EmbeddingMatch } from '../embed/identity';
import type { Embedder } from '../embed/types';
import type { ModelHeader } from './modelFile';

/** Refuses a classifier trained on another embedding model, naming both and the evidence. */
export async function assertSameEmbedding(model: ModelHeader, path: string, e: Embedder): Promise<EmbeddingMatch> {
  const want = model.embedding;
  const match = await compareEmbedding({ ...want, fingerprint: model.fingerprint }, e);
  if (match.same) return match;
  const info = e.info;
  throw new TicketLensError(
    'bad_input',
    `${path} was trained on embeddings of ${want.modelId} (ONNX sha256 ${want.hashes[0].slice(0, 12)}…, ${want.dim}-d), but the server uses ${info.modelId} (sha256 ${info.modelHash.slice(0, 12)}…, ${info.dim}-d): ${match.evidence}. Vectors of different models are not comparable: retrain the classifier with this model, or point --model / ticketLens.modelPath at the model it was trained with.`,
    { path, expected: want.modelId, actual: info.modelId },
  );
}

/**
 * Clustering in a trained classifier's adapter space (ClusterParams.adapterModel). The run records the
 * resolved model path, so texts later assigned to the run's clusters (/runs/predict, Classify
 * Selection) are mapped into the same space as the centroids.
 */
import { adaptVectors } from '../classify/adapter';
import { assertSameEmbedding } from '../classify/embeddingCheck';
import { loadModelFile } from '../classify/modelFile';
import { resolveModelPath } from '../classify/service';
import { TicketLensError } from '../../shared/api';
import type { Embedder } from '../embed/types';

export type VectorMap = (vectors: Float32Array) => Float32Array;

export async function adapterSpace(ref: string, e: Embedder): Promise<{ path: string; map: VectorMap }> {
  const path = resolveModelPath(ref);
  const model = await loadModelFile(path);
  await assertSameEmbedding(model.header, path, e);
  const A = model.adapter;
  if (!A) throw new TicketLensError('bad_input', `${path} has no adapter to cluster with; train it with --adapter (ticket-lens train … --adapter).`, { path });
  return { path, map: (v) => adaptVectors({ dim: e.info.dim, A }, v) };
}

/**
 * The clustering a user gets, before outlier reassignment: the cluster engine's top level (UMAP, then
 * HDBSCAN with its automatic minimum cluster size, the defaults of `ticket-lens cluster`) on a space's
 * vectors, scored against the labels with noise counted as one more cluster, as the engine's own
 * metrics.json counts it. HDBSCAN's own noise is kept, so that the fine-tune's figures stay comparable
 * with those measured before reassignment became the default.
 */
import { ClusterParams, TicketLensError } from '../../shared/api';
import { defaultStages } from '../cluster/defaultStages';
import { scores } from '../cluster/metrics';
import { clusterLevel } from '../cluster/recursive';
import type { StageHooks } from '../cluster/stages';

export interface PipelineScores {
  ari: number;
  nmi: number;
  clusters: number;
  /** Share of the rows HDBSCAN left as noise. */
  noise: number;
}

export async function pipelineScores(x: Float32Array, dim: number, labels: readonly string[], signal?: AbortSignal): Promise<PipelineScores> {
  const params = ClusterParams.parse({});
  const hooks: StageHooks = {
    signal,
    stage: () => {
      if (signal?.aborted) throw new TicketLensError('job_cancelled', 'The evaluation was cancelled.');
    },
    time: () => undefined,
  };
  const members = labels.map((_, i) => i);
  const c = await clusterLevel({ vectors: x, dim }, members, params, { top: true, minClusterSize: params.minClusterSize }, defaultStages, hooks);
  const pred = Array.from(c.labels, (l) => (l < 0 ? 'noise' : String(l)));
  const s = scores(labels, pred);
  return { ari: s.ari, nmi: s.nmi, clusters: c.nClusters, noise: pred.filter((p) => p === 'noise').length / Math.max(1, pred.length) };
}

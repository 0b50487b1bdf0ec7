/**
 * The swappable stages of the cluster engine, in BERTopic's order: embed → reduce → cluster →
 * describe → represent. The pipeline takes its reducer, clusterer and representer as objects with one
 * method each (defaultStages.ts: UMAP, HDBSCAN, c-TF-IDF), so another algorithm replaces one stage
 * without touching the wiring. Every stage takes plain arrays and returns plain data; none reads
 * settings or writes files.
 */
import type { ClusterParams, Keyword, SweepRow } from '../../shared/api';

/** Progress, cancellation and timings, passed through every stage. */
export interface StageHooks {
  signal?: AbortSignal;
  /** Reports a stage starting (or its progress); throws job_cancelled once the job is cancelled. */
  stage(name: string, done?: number, total?: number): void;
  time(name: string, ms: number): void;
}

export interface ReduceInput {
  /** Row-major n × dim unit vectors (the texts of one level). */
  vectors: Float32Array;
  n: number;
  dim: number;
  params: ClusterParams;
  /** The top level: also lay out the 2-d map, and record stage timings. */
  top: boolean;
}

export interface Reduction {
  /** Row-major n × dim: the space the clusterer works in. */
  layout: Float32Array;
  dim: number;
  /** The 2-d map (top level only), row-major n × 2. */
  map: Float32Array | null;
}

export interface Reducer {
  reduce(input: ReduceInput, hooks: StageHooks): Promise<Reduction>;
}

export interface ClusterInput {
  /** Row-major n × dim points, the reducer's layout. */
  points: Float32Array;
  n: number;
  dim: number;
  /** A size, or 'auto' for the clusterer to choose one. */
  minClusterSize: number | 'auto';
  params: ClusterParams;
  top: boolean;
}

export interface LevelClusters {
  /** Cluster per point, −1 for noise, numbered by size, largest first. */
  labels: Int32Array;
  /** Membership strength in [0, 1] (0 for noise). */
  probabilities: Float32Array;
  /** Outlier score in [0, 1] per point. */
  outlierScores: Float32Array;
  nClusters: number;
  /** The size used (the chosen one for 'auto'). */
  minClusterSize: number;
  /** What an 'auto' size was chosen from; null for a given size. */
  sweep: SweepRow[] | null;
}

export interface Clusterer {
  cluster(input: ClusterInput, hooks: StageHooks): Promise<LevelClusters>;
}

export interface Representer {
  /**
   * Keywords of each class, best first. `docs` are the texts of one set of sibling clusters, one per
   * input row, and `classOf[i]` the class of doc i, so the words can be chosen for what sets a cluster
   * apart from its siblings.
   */
  represent(docs: readonly string[], classOf: ArrayLike<number>): Promise<Map<number, Keyword[]>>;
}

export interface ClusterStages {
  reducer: Reducer;
  clusterer: Clusterer;
  representer: Representer;
}

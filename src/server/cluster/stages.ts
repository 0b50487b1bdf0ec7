/**
 * The swappable stages of the cluster engine, in BERTopic's order: embed → reduce → cluster →
 * describe → represent → name. The pipeline takes its reducer, clusterer, representer and namer as
 * objects with one method each (defaultStages.ts: UMAP, HDBSCAN, c-TF-IDF, KeyBERT-like names), so
 * another algorithm replaces one stage without touching the wiring. Every stage takes plain arrays and returns plain data; none reads
 * settings or writes files.
 */
import type { ClusterParams, Keyword, SweepRow } from '../../shared/api';
import type { KnnGraph } from './types';

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
  /**
   * A sub-level's parent: the top level's kNN graph and, per row of `vectors`, its index there, so the
   * level's graph can be the parent's restricted to it (knn/clusterKnn.ts) instead of a new search.
   */
  parent?: { knn: KnnGraph; members: Int32Array };
}

export interface Reduction {
  /** Row-major n × dim: the space the clusterer works in. */
  layout: Float32Array;
  dim: number;
  /** The 2-d map (top level only), row-major n × 2. */
  map: Float32Array | null;
  /** The kNN graph the layouts came from (the top level's is reused by the levels below). */
  knn: KnnGraph;
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
   * Terms of each class, best first: the first KEYWORDS_PER_CLUSTER are kept as the cluster's
   * keywords, and all are the namer's candidates. `docs` are the texts of one set of sibling clusters,
   * one per input row, and `classOf[i]` the class of doc i, so the words can be chosen for what sets a
   * cluster apart from its siblings.
   */
  represent(docs: readonly string[], classOf: ArrayLike<number>): Promise<Map<number, Keyword[]>>;
}

/** Unit vectors of texts in the run's embedding space (row-major, texts.length × dim). */
export type EmbedTexts = (texts: readonly string[]) => Promise<Float32Array>;

export interface NameRequest {
  /** The cluster path. */
  id: string;
  parent: string | null;
  size: number;
  /** Mean of the members' vectors, in the run's space. */
  centroid: Float32Array;
  /** The representer's terms, best first (more than the keywords kept: they are candidates). */
  terms: readonly string[];
  /** The cluster's most central texts, most central first. */
  texts: readonly string[];
}

export interface Namer {
  /** A short readable name per cluster path; a cluster it cannot name is left out. */
  name(requests: readonly NameRequest[], dim: number, embed: EmbedTexts): Promise<Map<string, string>>;
}

export interface ClusterStages {
  reducer: Reducer;
  clusterer: Clusterer;
  representer: Representer;
  namer: Namer;
}

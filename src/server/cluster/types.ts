/**
 * The data the cluster engine's algorithms exchange: the kNN graph, UMAP's and HDBSCAN's options and
 * results. Plain typed arrays, so each algorithm can be tested and benchmarked on its own; the stage
 * objects the pipeline wires together are in stages.ts.
 */

/** k nearest neighbours of each of n points, self excluded, nearest first. Row-major n × k. */
export interface KnnGraph {
  n: number;
  k: number;
  indices: Int32Array;
  /** Cosine distances (1 − cosine similarity), ascending per row. */
  distances: Float32Array;
}

export interface UmapOptions {
  nComponents: number;
  /**
   * Neighbourhood size counting the point itself, as umap-learn's n_neighbors: the first
   * nNeighbors − 1 neighbours of the graph are used (so knn.k ≥ nNeighbors − 1).
   */
  nNeighbors: number;
  minDist: number;
  spread?: number;
  /** Default: chosen from n as umap-learn does (500 for small n, 200 for large). */
  nEpochs?: number;
  seed: number;
  signal?: AbortSignal;
  onProgress?: (epoch: number, nEpochs: number) => void;
}

export interface HdbscanOptions {
  minClusterSize: number;
  /** Default: minClusterSize. */
  minSamples?: number;
  clusterSelectionMethod?: 'eom' | 'leaf';
  clusterSelectionEpsilon?: number;
  allowSingleCluster?: boolean;
}

export interface HdbscanResult {
  /** Cluster per point, −1 for noise; clusters numbered 0..nClusters−1 by first appearance. */
  labels: Int32Array;
  /** Membership strength in [0, 1] (0 for noise), as scikit-learn's `probabilities_`. */
  probabilities: Float32Array;
  /** GLOSH outlier score in [0, 1] per point. */
  outlierScores: Float32Array;
  nClusters: number;
  /** Stability/persistence of each selected cluster. */
  persistence: Float64Array;
  /** DBCV-style relative validity of the clustering (for choosing minClusterSize). */
  relativeValidity: number;
}

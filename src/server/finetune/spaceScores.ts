/**
 * How well an embedding space separates labels, from unit vectors alone: k-means agreement with the
 * labels (ARI, NMI), k-nearest-neighbour accuracy, and the mean cosine of same-label and of
 * different-label pairs. The same measures for the base model, the adapter and the fine-tuned model,
 * so the three are compared on one scale.
 */
import { clusterAgreement } from '../classify/adapter';

/** Neighbours that vote in kNN accuracy. */
export const KNN_K = 10;

/** k-means runs (seeds seed … seed + 4) whose ARI and NMI are averaged: one run's local optimum moved ARI by 0.1. */
export const KMEANS_RUNS = 5;

export interface SpaceScores {
  rows: number;
  labels: number;
  /** Of seeded k-means++ with k = the number of labels, against the labels (mean of KMEANS_RUNS runs). */
  ari: number;
  nmi: number;
  knnAccuracy: number;
  /** Mean cosine over pairs of different rows with the same label. */
  intraCosine: number;
  /** Mean cosine over pairs of rows with different labels. */
  interCosine: number;
}

/**
 * Mean same-label and different-label cosines, exactly, from label sums: the sum of the pairwise dot
 * products within a set is (|Σv|² − n) / 2 for unit vectors, so no n² loop is needed.
 */
export function meanCosines(x: Float32Array, dim: number, labels: readonly string[]): { intra: number; inter: number } {
  const sums = new Map<string, { v: Float64Array; n: number }>();
  const total = new Float64Array(dim);
  labels.forEach((l, r) => {
    let s = sums.get(l);
    if (!s) sums.set(l, (s = { v: new Float64Array(dim), n: 0 }));
    s.n++;
    for (let d = 0; d < dim; d++) {
      s.v[d] += x[r * dim + d];
      total[d] += x[r * dim + d];
    }
  });
  const sq = (v: Float64Array) => v.reduce((a, b) => a + b * b, 0);
  let intraDots = 0;
  let intraPairs = 0;
  let sameSq = 0;
  let sameCount = 0;
  for (const s of sums.values()) {
    const q = sq(s.v);
    intraDots += (q - s.n) / 2;
    intraPairs += (s.n * (s.n - 1)) / 2;
    sameSq += q;
    sameCount += s.n * s.n;
  }
  const n = labels.length;
  const interDots = (sq(total) - sameSq) / 2;
  const interPairs = (n * n - sameCount) / 2;
  return { intra: intraPairs ? intraDots / intraPairs : 0, inter: interPairs ? interDots / interPairs : 0 };
}

/** The majority label among the K_NN_K most similar references (ties: the larger summed similarity). */
function vote(sims: Float32Array, refLabels: readonly string[], skip: number): string {
  const top: number[] = [];
  for (let j = 0; j < sims.length; j++) {
    if (j === skip) continue;
    if (top.length < KNN_K) {
      top.push(j);
      top.sort((a, b) => sims[b] - sims[a]);
    } else if (sims[j] > sims[top[KNN_K - 1]]) {
      top[KNN_K - 1] = j;
      top.sort((a, b) => sims[b] - sims[a]);
    }
  }
  const score = new Map<string, { n: number; s: number }>();
  for (const j of top) {
    const e = score.get(refLabels[j]) ?? { n: 0, s: 0 };
    e.n++;
    e.s += sims[j];
    score.set(refLabels[j], e);
  }
  let best = '';
  let bestN = -1;
  let bestS = -Infinity;
  for (const [l, e] of score) {
    if (e.n > bestN || (e.n === bestN && e.s > bestS)) {
      best = l;
      bestN = e.n;
      bestS = e.s;
    }
  }
  return best;
}

/**
 * kNN accuracy of the queries against the references; `leaveOneOut`: the queries are the references
 * and each is judged by the others.
 */
export function knnAccuracy(q: Float32Array, qLabels: readonly string[], ref: Float32Array, refLabels: readonly string[], dim: number, leaveOneOut: boolean): number {
  const nq = qLabels.length;
  const nr = refLabels.length;
  const sims = new Float32Array(nr);
  let right = 0;
  for (let i = 0; i < nq; i++) {
    for (let j = 0; j < nr; j++) {
      let s = 0;
      for (let d = 0; d < dim; d++) s += q[i * dim + d] * ref[j * dim + d];
      sims[j] = s;
    }
    if (vote(sims, refLabels, leaveOneOut ? i : -1) === qLabels[i]) right++;
  }
  return nq ? right / nq : 0;
}

/**
 * Scores of one space on one evaluation set. Without references, kNN is leave-one-out within the set
 * (for held-out labels, which have no training rows); with them, each row is judged by its neighbours
 * among the references (training rows of the same labels).
 */
export function spaceScores(x: Float32Array, dim: number, labels: readonly string[], seed: number, ref?: { x: Float32Array; labels: readonly string[] }): SpaceScores {
  let ari = 0;
  let nmi = 0;
  for (let k = 0; k < KMEANS_RUNS; k++) {
    const a = clusterAgreement(x, dim, labels, seed + k);
    ari += a.ari / KMEANS_RUNS;
    nmi += a.nmi / KMEANS_RUNS;
  }
  const { intra, inter } = meanCosines(x, dim, labels);
  const knn = ref ? knnAccuracy(x, labels, ref.x, ref.labels, dim, false) : knnAccuracy(x, labels, x, labels, dim, true);
  return { rows: labels.length, labels: new Set(labels).size, ari, nmi, knnAccuracy: knn, intraCosine: intra, interCosine: inter };
}

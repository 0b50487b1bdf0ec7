/**
 * Emerging topics: new tickets far from every cluster of the run (assigned `new`) that are dense among
 * themselves — what the next re-run would likely find as a cluster. Tickets assigned `noise` are left
 * out: they lie where the run already had unclustered tickets like them, so a group of them is an old
 * theme too small for a cluster, not a new one (on Bitext, every group found among them was). HDBSCAN straight on
 * their unit vectors (Euclidean distance between unit vectors orders pairs exactly as cosine does),
 * with no UMAP in front: the candidates are few (hundreds to a few thousand), a layout of so few
 * points is unstable, and the result must not depend on a random seed. Each topic is described as the
 * run's clusters are: c-TF-IDF keywords against the other candidates, the members nearest its centroid
 * as examples.
 */
import type { EmergingTopic } from '../../shared/api';
import { centroid, representatives } from '../cluster/examples';
import { hdbscan } from '../cluster/hdbscan';
import { ctfidf, KEYWORDS_PER_CLUSTER } from '../cluster/keywords';
import { buffers, type CpuTask } from '../workers/task';

/** Prim's MST over the candidates is O(n²·d) (1,200 took 3–4 s on 2 cores); the most recent this many are clustered. */
export const MAX_CANDIDATES = 3000;
const EXAMPLES = 5;
/**
 * Cosine at which new tickets count as alike, as HDBSCAN's cluster_selection_epsilon (the Euclidean
 * distance of two unit vectors that far apart). Without it a single cluster keeps only the points that
 * stay to its densest end (scikit-learn's allow_single_cluster labelling): 5 of 30 unsubscribe tickets
 * on the sample. With 0.5, 964 of 999 tickets of a Bitext intent the run never saw made one topic,
 * which took in none of the 16 tickets of known intents that were new too (0.3 took in 6).
 */
const TOPIC_MIN_COSINE = 0.5;
const EPSILON = Math.sqrt(2 - 2 * TOPIC_MIN_COSINE);

export interface Candidates {
  texts: readonly string[];
  /** Row-major n × dim, unit length. */
  vectors: Float32Array;
  dim: number;
  /** Epoch ms, NaN when undated. */
  dates: Float64Array;
  /** Source row, or null (a stored ticket without one). */
  rows: readonly (number | null)[];
}

const iso = (t: number) => (Number.isFinite(t) ? new Date(t).toISOString() : null);

export function emergingTopics(c: Candidates, minTopicSize: number): EmergingTopic[] {
  const n = c.texts.length;
  if (n < Math.max(2, minTopicSize)) return [];
  const r = hdbscan(c.vectors, n, c.dim, { minClusterSize: minTopicSize, minSamples: Math.min(minTopicSize, n), allowSingleCluster: true, clusterSelectionEpsilon: EPSILON });
  if (r.nClusters === 0) return [];
  const members: number[][] = Array.from({ length: r.nClusters }, () => []);
  r.labels.forEach((l, i) => l >= 0 && members[l].push(i));
  // Keywords set each topic apart from the other candidates (the rest are one class, −1).
  const keywords = ctfidf(c.texts, r.labels, KEYWORDS_PER_CLUSTER);
  const topics = members.map((m, l) => {
    const ds = m.map((i) => c.dates[i]).filter(Number.isFinite);
    const center = centroid(c.vectors, c.dim, m);
    return {
      size: m.length,
      keywords: keywords.get(l) ?? [],
      examples: representatives(c.vectors, c.dim, m, center, EXAMPLES).map((i) => ({ text: c.texts[i], row: c.rows[i], date: iso(c.dates[i]) })),
      first: ds.length ? iso(Math.min(...ds)) : null,
      last: ds.length ? iso(Math.max(...ds)) : null,
    };
  });
  topics.sort((a, b) => b.size - a.size);
  return topics.map((t, i) => ({ id: `emerging.${i}`, ...t }));
}

/**
 * The same as a worker task: HDBSCAN over up to MAX_CANDIDATES tickets is seconds of pure JS, which
 * must not hold the server's thread (a trends job from the extension runs in the server).
 */
export const emergingTopicsTask: CpuTask<{ candidates: Candidates; minTopicSize: number }, EmergingTopic[]> = {
  name: 'emergingTopics',
  run: ({ candidates, minTopicSize }) => emergingTopics(candidates, minTopicSize),
};

/** The candidates' buffers, moved to the worker rather than copied. */
export const candidateBuffers = (c: Candidates) => buffers(c.vectors, c.dates);

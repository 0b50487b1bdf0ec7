/**
 * New tickets into a run's clusters without re-running UMAP or HDBSCAN: a kNN vote over the run's own
 * members (its unique texts, each labelled with the path the run gave it), level by level down the
 * run's tree, with a "far from every cluster" test calibrated on the members themselves.
 *
 * Why not nearest centroid, or a transform into the UMAP layout (what BERTopic's `transform` does)?
 * A run's clusters are density-connected regions of the kNN graph, not balls around a centre: a long
 * or curved cluster has members nearer another cluster's centroid than its own, and noise (which has
 * no centroid) lies between clusters. A re-run puts a new ticket where its nearest neighbours are,
 * so voting among those neighbours — the run's noise a class of its own — agrees with a re-run far
 * more often (scripts/bench-assign.mjs measures both); and no second UMAP is fitted, so the fit's
 * own layout is never contradicted.
 *
 * The vote: the K nearest members (cosine), each weighing exp((s − s₁)/T) with s₁ the nearest one's
 * similarity, so a few close members outvote many distant ones; the top-level winner's share is the
 * ticket's probability. Then the same among the winner's members for its sub-clusters, down to the
 * deepest level the run has (a winner's own noise, `root.3.noise`, is a place too).
 *
 * Far from every cluster: the similarity to the winner's nearest member (the mean over its M nearest,
 * M = 1 by default) is compared with that cluster's threshold, a low quantile (0.5 %) of the same
 * figure over its own members, each with itself left out. So a tight cluster rejects what a loose one
 * would accept, and only about 1 in 200 of a cluster's own members would fail its test. The run's
 * noise is a place with a threshold of its own: a ticket among the run's unclustered tickets is
 * `noise`, as a re-run would leave it; one far even from those is `new`.
 */
import { ancestorPaths, isNoisePath, pathAtDepth, pathDepth, ROOT, TicketLensError, type AssignCalibration, type TicketAssignment } from '../../shared/api';
import { searchBase, topK, topKStreamed, type SearchBase, type TopK } from './search';

/** The run's members: unique texts' vectors (row-major n × dim, unit length) and leaf paths. */
export interface Members {
  dim: number;
  vectors: Float32Array;
  paths: readonly string[];
}

export interface AssignOptions {
  /** Neighbours that vote (default 15, UMAP's n_neighbors in the pipeline). */
  k?: number;
  /**
   * Nearest members of the winner whose mean similarity is tested (default 1, the nearest: on Bitext it
   * flagged more of a never-seen topic as new than the mean of 3 or 5 did — 96.6 % against 94.6 % for 5
   * — with the same 0.6 % of known-topic tickets flagged).
   */
  m?: number;
  /** Quantile of members' own similarities used as a cluster's threshold (default 0.005: 1 member in 200 would fail its own cluster's test). */
  quantile?: number;
  /** Vote temperature on cosine similarity (default 0.05, as nearest-centroid prediction uses). */
  temperature?: number;
  /**
   * Members per top-level place the thresholds are measured on (evenly spread; default 200, and fewer
   * when there are many places, so that at most CALIBRATION_QUERIES are searched): the normal fit
   * (threshold()) makes a few hundred enough, and calibrating is the one cost that grows with the run
   * (22,253 Bitext members, 110 places: ~4 s on 2 cores).
   */
  calibrationSample?: number;
  signal?: AbortSignal;
}

const DEFAULTS = { k: 15, m: 1, quantile: 0.005, temperature: 0.05, calibrationSample: 200 };
const CALIBRATION_QUERIES = 20_000;

/** A node of the run's tree: its members, and each member's label one level down. */
interface Node {
  path: string;
  members: Int32Array;
  labels: string[];
  base: SearchBase;
}

export interface Assigner {
  readonly members: number;
  readonly calibration: AssignCalibration;
  /** Assigns n tickets (row-major n × dim, unit length, in the run's embedding space). */
  assign(vectors: Float32Array, n: number, signal?: AbortSignal): Promise<TicketAssignment[]>;
}

function gather(vectors: Float32Array, dim: number, rows: ArrayLike<number>): Float32Array {
  const out = new Float32Array(rows.length * dim);
  for (let i = 0; i < rows.length; i++) out.set(vectors.subarray(rows[i] * dim, (rows[i] + 1) * dim), i * dim);
  return out;
}

/** The vote among neighbours: the winning label, its weight share, and the neighbours' positions that carry it. */
function vote(labels: readonly string[], idx: Int32Array, sim: Float32Array, from: number, k: number, temperature: number): { label: string; share: number; sims: number[] } {
  const weight = new Map<string, number>();
  let total = 0;
  let s1 = Number.NaN;
  for (let j = 0; j < k; j++) {
    const i = idx[from + j];
    if (Number.isNaN(s1)) s1 = sim[from + j];
    const w = Math.exp((sim[from + j] - s1) / temperature);
    weight.set(labels[i], (weight.get(labels[i]) ?? 0) + w);
    total += w;
  }
  let label = '';
  let best = -1;
  // Ties go to the label that sorts first, so the result does not depend on neighbour order.
  for (const [l, w] of weight) if (w > best || (w === best && l < label)) [label, best] = [l, w];
  const sims: number[] = [];
  for (let j = 0; j < k; j++) if (labels[idx[from + j]] === label) sims.push(sim[from + j]);
  return { label, share: total > 0 ? best / total : 0, sims };
}

const meanTop = (sims: readonly number[], m: number) => {
  const take = Math.min(m, sims.length);
  let s = 0;
  for (let i = 0; i < take; i++) s += sims[i];
  return take > 0 ? s / take : 0;
};

/** The standard normal's q-quantile (Acklam's rational approximation, relative error < 1.2e-9), for 0 < q < 0.5. */
function normalQuantile(q: number): number {
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  if (q < 0.02425) {
    const t = Math.sqrt(-2 * Math.log(q));
    return (((((c[0] * t + c[1]) * t + c[2]) * t + c[3]) * t + c[4]) * t + c[5]) / ((((d[0] * t + d[1]) * t + d[2]) * t + d[3]) * t + 1);
  }
  const u = q - 0.5;
  const r = u * u;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * u) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

/**
 * The q-quantile of a cluster's member scores: the empirical one, or the normal fit's (mean + z_q·sd)
 * when that is lower. A small cluster has too few members for a low empirical quantile — with 24 of
 * them it is simply the lowest score, which a new member of the cluster undercuts 1 time in 25, not
 * 1 in 200 — while a large one's scores are skewed low, where the empirical quantile is the lower.
 */
function threshold(xs: number[], q: number): number {
  if (xs.length === 0) return -1;
  xs.sort((a, b) => a - b);
  const pos = q * (xs.length - 1);
  const lo = Math.floor(pos);
  const empirical = xs[lo] + (xs[Math.min(lo + 1, xs.length - 1)] - xs[lo]) * (pos - lo);
  if (xs.length < 2 || q <= 0) return empirical;
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1));
  return Math.min(empirical, mean + normalQuantile(q) * sd);
}

/** The root's labels (each member's top-level place) and the search base of all members. */
function rootOf(members: Members): { labels: string[]; base: SearchBase } {
  return { labels: topLabels(members), base: searchBase(members.vectors, members.paths.length, members.dim) };
}

/** Each member's top-level place. */
const topLabels = (members: Members) => members.paths.map((p) => pathAtDepth(p, 1));

/** The k most similar members of each of nq queries. */
type Search = (queries: Float32Array, nq: number, k: number, signal?: AbortSignal) => Promise<TopK>;

/**
 * Every node with children, the root first: its members and their labels one level down. The root
 * holds every member in order, so its base is the members' own vectors (no copy).
 */
function buildNodes(members: Members, root: { labels: string[]; base: SearchBase }): Node[] {
  const byNode = new Map<string, number[]>();
  members.paths.forEach((p, i) => {
    for (const a of ancestorPaths(p).slice(1)) {
      let list = byNode.get(a);
      if (!list) byNode.set(a, (list = []));
      list.push(i);
    }
  });
  const nodes: Node[] = [{ path: ROOT, members: Int32Array.from(members.paths, (_, i) => i), labels: root.labels, base: root.base }];
  for (const [path, list] of byNode) {
    const labels = list.map((i) => pathAtDepth(members.paths[i], pathDepth(path) + 1));
    if (labels.every((l) => l === path)) continue; // a leaf: nothing below to choose
    const rows = Int32Array.from(list);
    nodes.push({ path, members: rows, labels, base: searchBase(gather(members.vectors, members.dim, rows), rows.length, members.dim) });
  }
  return nodes;
}

/** Evenly spread positions: up to `max` of 0..n−1, deterministic. */
function spread(n: number, max: number): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  return Array.from({ length: max }, (_, i) => Math.floor(((i + 0.5) * n) / max));
}

/**
 * The thresholds: each top-level place's sampled members, each against all the others. The one cost
 * of assigning that grows with the run (calibrationCache.ts keeps the result in the run folder).
 */
async function measureThresholds(members: Members, root: { labels: readonly string[]; search: Search }, o: typeof DEFAULTS, signal?: AbortSignal): Promise<AssignCalibration> {
  const n = members.paths.length;
  const k = Math.min(o.k, n);
  const byTop = new Map<string, number[]>();
  root.labels.forEach((l, i) => {
    let list = byTop.get(l);
    if (!list) byTop.set(l, (list = []));
    list.push(i);
  });
  const sample: number[] = [];
  const perPlace = Math.max(20, Math.min(o.calibrationSample, Math.floor(CALIBRATION_QUERIES / byTop.size)));
  for (const list of byTop.values()) for (const j of spread(list.length, perPlace)) sample.push(list[j]);
  const kk = Math.min(k + 1, n);
  const near = await root.search(gather(members.vectors, members.dim, sample), sample.length, kk, signal);
  const scores = new Map<string, number[]>();
  sample.forEach((i, q) => {
    const own = root.labels[i];
    const sims: number[] = [];
    for (let j = 0; j < kk; j++) {
      const nb = near.indices[q * kk + j];
      if (nb !== i && root.labels[nb] === own) sims.push(near.similarities[q * kk + j]);
    }
    let list = scores.get(own);
    if (!list) scores.set(own, (list = []));
    list.push(meanTop(sims, o.m));
  });
  const thresholds: Record<string, number> = {};
  for (const [label, list] of scores) if (!isNoisePath(label)) thresholds[label] = Number(threshold(list, o.quantile).toFixed(4));
  // The run's noise is sparse by definition: its members' distances to one another say nothing about
  // what is near it, and their low tail moved by 0.15 between calibration samples. A ticket counts as
  // among the noise when it is as near a noise member as the median cluster asks of its own.
  const clusterThresholds = Object.values(thresholds).sort((a, b) => a - b);
  for (const [label, list] of scores) {
    if (isNoisePath(label)) thresholds[label] = clusterThresholds.length ? clusterThresholds[clusterThresholds.length >> 1] : Number(threshold(list, o.quantile).toFixed(4));
  }
  return { k, m: o.m, quantile: o.quantile, thresholds, sampled: sample.length };
}

function checkMembers(members: Members): void {
  const n = members.paths.length;
  if (n === 0) throw new TicketLensError('bad_input', 'The run has no rows to compare new tickets with.');
  if (members.vectors.length !== n * members.dim) throw new TicketLensError('internal', `Members: ${members.vectors.length} numbers for ${n} × ${members.dim}.`);
}

/** The options' values, defaults filled in. */
export function assignSettings(options: AssignOptions = {}): typeof DEFAULTS {
  const { k, m, quantile, temperature, calibrationSample } = { ...DEFAULTS, ...options };
  return { k, m, quantile, temperature, calibrationSample };
}

/** The run's thresholds alone (what buildAssigner measures when it is given none). */
export async function calibrate(members: Members, options: AssignOptions = {}): Promise<AssignCalibration> {
  checkMembers(members);
  // One search, of every member: streamed, so that no transposed copy of the whole matrix is made for it.
  const labels = topLabels(members);
  const search: Search = (q, nq, k, signal) => topKStreamed(q, nq, members.vectors, members.paths.length, members.dim, k, signal);
  return measureThresholds(members, { labels, search }, assignSettings(options), options.signal);
}

/**
 * `calibration`: thresholds measured before on the same members with the same options (calibrationCache.ts),
 * used as they are; without it they are measured now.
 */
export async function buildAssigner(members: Members, options: AssignOptions = {}, calibration?: AssignCalibration): Promise<Assigner> {
  const o = assignSettings(options);
  checkMembers(members);
  const n = members.paths.length;
  const nodes = buildNodes(members, rootOf(members));
  const nodeOf = new Map(nodes.map((nd) => [nd.path, nd]));
  const root = nodes[0];
  const k = Math.min(o.k, n);
  const measured = calibration ?? (await measureThresholds(members, { labels: root.labels, search: (q, nq, kk, signal) => topK(q, nq, root.base, kk, signal) }, o, options.signal));
  const { thresholds } = measured;

  async function descend(vectors: Float32Array, dim: number, rows: number[], node: Node, out: TicketAssignment[], signal?: AbortSignal): Promise<void> {
    const kn = Math.min(k, node.members.length);
    const r = await topK(gather(vectors, dim, rows), rows.length, node.base, kn, signal);
    const next = new Map<string, number[]>();
    rows.forEach((t, q) => {
      const v = vote(node.labels, r.indices, r.similarities, q * kn, kn, o.temperature);
      out[t].cluster = v.label;
      if (!isNoisePath(v.label) && nodeOf.has(v.label)) {
        let list = next.get(v.label);
        if (!list) next.set(v.label, (list = []));
        list.push(t);
      }
    });
    for (const [path, list] of next) await descend(vectors, dim, list, nodeOf.get(path)!, out, signal);
  }

  return {
    members: n,
    calibration: measured,
    async assign(vectors, count, signal) {
      const dim = members.dim;
      if (vectors.length !== count * dim) throw new TicketLensError('internal', `Tickets: ${vectors.length} numbers for ${count} × ${dim}.`);
      const out: TicketAssignment[] = Array.from({ length: count }, () => ({ cluster: null, status: 'new', probability: 0, similarity: 0 }));
      if (count === 0) return out;
      const r = await topK(vectors, count, root.base, k, signal);
      const below = new Map<string, number[]>();
      for (let q = 0; q < count; q++) {
        const v = vote(root.labels, r.indices, r.similarities, q * k, k, o.temperature);
        const similarity = meanTop(v.sims, o.m);
        const a = out[q];
        a.probability = Number(v.share.toFixed(4));
        a.similarity = Number(similarity.toFixed(4));
        if (similarity < (thresholds[v.label] ?? -1)) continue; // far from every cluster: new
        a.cluster = v.label;
        a.status = isNoisePath(v.label) ? 'noise' : 'assigned';
        if (a.status === 'assigned' && nodeOf.has(v.label)) {
          let list = below.get(v.label);
          if (!list) below.set(v.label, (list = []));
          list.push(q);
        }
      }
      for (const [path, list] of below) await descend(vectors, dim, list, nodeOf.get(path)!, out, signal);
      return out;
    },
  };
}

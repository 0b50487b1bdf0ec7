/**
 * The adapter's effect as pictures: the same rows laid out in 2-D from the base sentence vectors and
 * from the vectors through the classifier's adapter, to be coloured by their given label side by side.
 * The layout is the cluster engine's own (the exact cosine kNN graph, then UMAP with the map's
 * min_dist 0.1, as a run's map is drawn), so the two pictures read like a run's map; both run off the
 * HTTP thread (kNN in onnxruntime, UMAP in a worker). On a seeded sample of at most
 * MAX_ADAPTER_MAP_ROWS rows: UMAP of 2,000 points is about a second, and a scatter of more says no more.
 */
import { MAX_ADAPTER_MAP_ROWS, type AdapterMaps } from '../../shared/evaluation';
import { knnGraph } from '../cluster/knn';
import { umapLayouts } from '../cluster/umap';
import { Prng } from '../vectors/prng';

const N_NEIGHBORS = 15;
const MIN_DIST = 0.1;

/** Up to `max` of n row indices, a seeded shuffle's first, ascending (all of them when n ≤ max). */
export function sampleRows(n: number, max: number, seed: number): number[] {
  const rows = Array.from({ length: n }, (_, i) => i);
  if (n <= max) return rows;
  const rng = new Prng(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [rows[i], rows[j]] = [rows[j], rows[i]];
  }
  return rows.slice(0, max).sort((a, b) => a - b);
}

/** The rows `rows` of n × dim `v`, each scaled to unit length (the kNN graph is cosine over unit vectors). */
export function unitRows(v: Float32Array, dim: number, rows: readonly number[]): Float32Array {
  const out = new Float32Array(rows.length * dim);
  rows.forEach((r, i) => {
    let s = 0;
    for (let d = 0; d < dim; d++) s += v[r * dim + d] ** 2;
    const k = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let d = 0; d < dim; d++) out[i * dim + d] = v[r * dim + d] * k;
  });
  return out;
}

async function layout(x: Float32Array, n: number, dim: number, seed: number, signal?: AbortSignal): Promise<number[]> {
  const knn = await knnGraph(x, n, dim, N_NEIGHBORS, { seed, signal });
  const [map] = await umapLayouts(knn, [{ nComponents: 2, nNeighbors: Math.min(N_NEIGHBORS, Math.max(2, n - 1)), minDist: MIN_DIST, seed }], signal);
  // Three decimals: the maps are for looking at, and evaluation.json stays small.
  return Array.from(map, (v) => Math.round(v * 1000) / 1000);
}

/**
 * Both maps of a sample of the rows: `raw` and `adapted` are n × dim (n = label.length), `label[r]` the
 * index the row's given label has in the evaluation's `labels`.
 */
export async function adapterMaps(raw: Float32Array, adapted: Float32Array, dim: number, label: ArrayLike<number>, seed: number, signal?: AbortSignal): Promise<AdapterMaps> {
  const rows = sampleRows(label.length, MAX_ADAPTER_MAP_ROWS, seed ^ 0x2d5a3c17);
  const base = await layout(unitRows(raw, dim, rows), rows.length, dim, seed, signal);
  const tuned = await layout(unitRows(adapted, dim, rows), rows.length, dim, seed, signal);
  return { label: rows.map((r) => label[r]), base, adapted: tuned };
}

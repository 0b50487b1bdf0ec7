/**
 * `--min-cluster-size auto`: a sweep over sizes from 0.2 % to 4 % of the rows, on one MST (it depends
 * only on minSamples, which the sweep holds fixed), keeping the size with the highest relative
 * validity (an MST approximation of DBCV that counts noise against coverage; see hdbscan/validity.ts).
 * Measured on Bitext (27 intents): validity peaked at the size with the best ARI against the intents.
 */
import type { SweepRow } from '../../shared/api';
import type { HdbscanOptions } from './types';
import { hdbscanFromMst, type HdbscanDetail, type Mst } from './hdbscan';

export function candidateSizes(n: number): number[] {
  const fractions = [0.002, 0.004, 0.007, 0.01, 0.02, 0.04];
  const sizes = fractions.map((f) => Math.max(5, Math.round(n * f)));
  return [...new Set(sizes)].filter((s) => s < n / 2).sort((a, b) => a - b);
}

export function sweepMinClusterSize(mst: Mst, n: number, base: Omit<HdbscanOptions, 'minClusterSize'>): { best: HdbscanDetail; chosen: number; table: SweepRow[] } {
  const sizes = candidateSizes(n);
  if (sizes.length === 0) sizes.push(Math.max(2, Math.floor(n / 2)));
  let best: HdbscanDetail | null = null;
  let chosen = sizes[0];
  const table: SweepRow[] = [];
  for (const s of sizes) {
    const r = hdbscanFromMst(mst, n, { ...base, minClusterSize: s });
    let noise = 0;
    for (const l of r.labels) if (l < 0) noise++;
    table.push({ minClusterSize: s, clusters: r.nClusters, noise: noise / n, validity: r.relativeValidity });
    if (!best || r.relativeValidity > best.relativeValidity) {
      best = r;
      chosen = s;
    }
  }
  return { best: best!, chosen, table };
}

export function formatSweep(table: readonly SweepRow[], chosen: number): string {
  const lines = ['min_cluster_size  clusters  noise   validity'];
  for (const r of table) {
    lines.push(`${String(r.minClusterSize).padStart(16)}  ${String(r.clusters).padStart(8)}  ${(r.noise * 100).toFixed(1).padStart(5)}%  ${r.validity.toFixed(3).padStart(8)}${r.minClusterSize === chosen ? '  ← chosen' : ''}`);
  }
  return lines.join('\n');
}

/**
 * The trends chart's geometry, apart from the canvas: which series are drawn (the largest clusters and
 * always the new/unassigned one), a round top for the count axis, and data → screen (device pixels).
 */
import type { TrendSeries, TrendsFile } from '../../src/shared/trends';

/** Lines drawn besides new/unassigned: more is a tangle no one reads at a glance. */
export const SERIES_DRAWN = 6;
const NEW = 'new';

/** The largest clusters (noise left out) and, last, new/unassigned when there is such a series. */
export function chartSeries(t: TrendsFile, max = SERIES_DRAWN): TrendSeries[] {
  const clusters = t.series.filter((s) => s.cluster !== NEW && !s.cluster.endsWith('.noise')).sort((a, b) => b.total - a.total);
  return [...clusters.slice(0, max), ...t.series.filter((s) => s.cluster === NEW)];
}

/** The smallest 1, 2 or 5 × 10ⁿ at or above `v` (at least 1). */
export function niceMax(v: number): number {
  if (v <= 1) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

export interface Frame {
  width: number;
  height: number;
  /** Left, right, top, bottom margins in device pixels (room for the axis labels). */
  margin: { l: number; r: number; t: number; b: number };
  buckets: number;
  yMax: number;
}

/** Screen position of bucket i's count c. */
export function toScreen(f: Frame, i: number, c: number): [number, number] {
  const w = f.width - f.margin.l - f.margin.r;
  const h = f.height - f.margin.t - f.margin.b;
  const x = f.margin.l + (f.buckets <= 1 ? w / 2 : (i / (f.buckets - 1)) * w);
  return [x, f.margin.t + h - (c / f.yMax) * h];
}

/** The bucket nearest to screen x, or −1 outside the plot. */
export function bucketAt(f: Frame, x: number): number {
  const w = f.width - f.margin.l - f.margin.r;
  if (f.buckets === 0 || x < f.margin.l - 10 || x > f.width - f.margin.r + 10) return -1;
  if (f.buckets === 1) return 0;
  return Math.min(f.buckets - 1, Math.max(0, Math.round(((x - f.margin.l) / w) * (f.buckets - 1))));
}

/** Indices of the buckets to label on the x axis: about `count` of them, evenly, the last always. */
export function labelledBuckets(n: number, count = 6): number[] {
  if (n === 0) return [];
  const step = Math.max(1, Math.ceil(n / count));
  const out: number[] = [];
  for (let i = 0; i < n; i += step) out.push(i);
  if (out[out.length - 1] !== n - 1) {
    if (n - 1 - out[out.length - 1] < step / 2) out.pop();
    out.push(n - 1);
  }
  return out;
}

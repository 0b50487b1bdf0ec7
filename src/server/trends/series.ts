/**
 * Tickets per cluster per day or week, and the clusters growing fastest: the last window against the
 * one before it, each cluster's ratio (current + 1) / (previous + 1) — the +1 keeps a cluster that
 * went from 0 to 3 from outranking one that went from 200 to 400 — among clusters with at least
 * `minCount` tickets in the last window, so a handful of tickets cannot top the list.
 * Buckets are UTC days, or ISO weeks starting on Monday.
 */
import { NEW_SERIES, topLevelPath, type TrendBucket, type TrendGrowth, type TrendSeries } from '../../shared/api';
import { DAY_MS } from '../store/ingest/dates';

/** A ticket as trends see it: when, and where it went (a path, `root.noise`, or null for new / unassigned). */
export interface DatedTicket {
  /** Epoch ms; NaN when undated. */
  at: number;
  cluster: string | null;
}


export function bucketStart(at: number, bucket: TrendBucket): number {
  const day = Math.floor(at / DAY_MS) * DAY_MS;
  if (bucket === 'day') return day;
  const weekday = (new Date(day).getUTCDay() + 6) % 7; // Monday 0
  return day - weekday * DAY_MS;
}

const isoDay = (t: number) => new Date(t).toISOString().slice(0, 10);

export interface SeriesResult {
  buckets: string[];
  series: Omit<TrendSeries, 'name'>[];
}

/** Top-level cluster (or `new`) of a ticket. */
export function seriesKey(cluster: string | null): string {
  return cluster === null ? NEW_SERIES : topLevelPath(cluster);
}

/** Counts per top-level cluster per bucket, every bucket from the first dated ticket to the last (empty ones too). */
export function countSeries(tickets: readonly DatedTicket[], bucket: TrendBucket): SeriesResult {
  const dated = tickets.filter((t) => Number.isFinite(t.at));
  if (dated.length === 0) return { buckets: [], series: [] };
  let first = Infinity;
  let last = -Infinity;
  for (const t of dated) {
    first = Math.min(first, t.at);
    last = Math.max(last, t.at);
  }
  const step = bucket === 'day' ? DAY_MS : 7 * DAY_MS;
  const start = bucketStart(first, bucket);
  const nb = Math.floor((bucketStart(last, bucket) - start) / step) + 1;
  const counts = new Map<string, number[]>();
  for (const t of dated) {
    const key = seriesKey(t.cluster);
    let c = counts.get(key);
    if (!c) counts.set(key, (c = new Array<number>(nb).fill(0)));
    c[Math.round((bucketStart(t.at, bucket) - start) / step)]++;
  }
  const series = [...counts].map(([cluster, c]) => ({ cluster, counts: c, total: c.reduce((s, x) => s + x, 0) }));
  // Largest first; the new/unassigned series last, where a reader looks for it.
  series.sort((a, b) => Number(a.cluster === NEW_SERIES) - Number(b.cluster === NEW_SERIES) || b.total - a.total || (a.cluster < b.cluster ? -1 : 1));
  return { buckets: Array.from({ length: nb }, (_, i) => isoDay(start + i * step)), series };
}

export interface GrowthResult {
  window: { currentStart: number; end: number; previousStart: number };
  growth: Omit<TrendGrowth, 'name'>[];
}

/**
 * The last `days` before `end` (exclusive; default: the end of the latest dated ticket's day, so the
 * windows are whole UTC days) against the `days` before them. Null without dated tickets.
 */
export function growth(tickets: readonly DatedTicket[], days: number, minCount: number, end?: number): GrowthResult | null {
  const dated = tickets.filter((t) => Number.isFinite(t.at));
  if (dated.length === 0) return null;
  const stop = end ?? bucketStart(Math.max(...dated.map((t) => t.at)), 'day') + DAY_MS;
  const currentStart = stop - days * DAY_MS;
  const previousStart = currentStart - days * DAY_MS;
  const cur = new Map<string, number>();
  const prev = new Map<string, number>();
  for (const t of dated) {
    if (t.at >= stop || t.at < previousStart) continue;
    const m = t.at >= currentStart ? cur : prev;
    const key = seriesKey(t.cluster);
    m.set(key, (m.get(key) ?? 0) + 1);
  }
  const out = [...cur]
    .filter(([, c]) => c >= minCount)
    .map(([cluster, current]) => {
      const previous = prev.get(cluster) ?? 0;
      return { cluster, current, previous, ratio: Number(((current + 1) / (previous + 1)).toFixed(3)) };
    })
    .sort((a, b) => b.ratio - a.ratio || b.current - a.current || (a.cluster < b.cluster ? -1 : 1));
  return { window: { currentStart, end: stop, previousStart }, growth: out };
}

/**
 * trends.json from dated tickets (sources.ts): tickets per top-level cluster per day or week, the
 * clusters growing fastest (series.ts), and emerging topics among the new tickets that fit no cluster
 * (emerging.ts), each named as the run names its clusters.
 */
import { clusterName, NEW_SERIES, TRENDS_FORMAT_VERSION, type ClusterRecord, type LoadedRun, type TrendBucket, type TrendsFile } from '../../shared/api';
import type { Embedder } from '../embed/types';
import { embedTexts } from '../assign/runMembers';
import { DAY_MS } from '../store/ingest/dates';
import { runTask } from '../workers/pool';
import { candidateBuffers, emergingTopicsTask, MAX_CANDIDATES, type Candidates } from './emerging';
import { countSeries, growth } from './series';
import { isCandidate, type TrendTicket } from './sources';

export interface TrendOptions {
  windowDays: number;
  /** Default: days when the tickets span at most 62 days, else weeks. */
  bucket?: TrendBucket | null;
  /** Least tickets a cluster needs in the last window to be ranked by growth. */
  minCount: number;
  minTopicSize: number;
  /** End of the last window (epoch ms, exclusive); default the end of the latest dated ticket's day. */
  until?: number | null;
}

export const DEFAULT_TREND_OPTIONS: TrendOptions = { windowDays: 7, minCount: 10, minTopicSize: 10 };

export function seriesName(cluster: string, byId: ReadonlyMap<string, ClusterRecord>): string {
  if (cluster === NEW_SERIES) return 'New / unassigned';
  const c = byId.get(cluster);
  return c ? clusterName(c) : cluster;
}

const iso = (t: number) => new Date(t).toISOString();

/** `embedder`: loaded only when candidates need vectors the sources did not give. */
export async function buildTrends(run: LoadedRun, tickets: readonly TrendTicket[], sources: string[], o: TrendOptions, embedder: (() => Promise<Embedder>) | null, signal?: AbortSignal): Promise<TrendsFile> {
  const byId = new Map(run.clusters.map((c) => [c.id, c]));
  const dated = tickets.filter((t) => Number.isFinite(t.at));
  let bucket = o.bucket ?? null;
  if (!bucket) {
    const span = dated.length ? Math.max(...dated.map((t) => t.at)) - Math.min(...dated.map((t) => t.at)) : 0;
    bucket = span <= 62 * DAY_MS ? 'day' : 'week';
  }
  const counted = countSeries(tickets, bucket);
  const g = growth(tickets, o.windowDays, o.minCount, o.until ?? undefined);

  // Emerging topics: the most recent candidates (undated ones after the dated), vectors from the store or embedded.
  const candidates = tickets
    .filter(isCandidate)
    .sort((a, b) => (Number.isFinite(b.at) ? b.at : -Infinity) - (Number.isFinite(a.at) ? a.at : -Infinity))
    .slice(0, MAX_CANDIDATES);
  let emerging: TrendsFile['emerging'] = [];
  if (candidates.length >= o.minTopicSize) {
    // Vectors from the store where it gave them, the rest embedded (cache first), in the model's own space.
    const missing = candidates.filter((c) => !c.vector);
    const e = missing.length > 0 && embedder ? await embedder() : null;
    const embedded = e ? await embedTexts(e, missing.map((c) => c.text), { signal }) : null;
    const dim = candidates.find((c) => c.vector)?.vector?.length ?? e?.info.dim ?? 0;
    const vectorOf = new Map<TrendTicket, Float32Array>();
    for (const c of candidates) if (c.vector) vectorOf.set(c, c.vector);
    missing.forEach((c, i) => embedded && vectorOf.set(c, embedded.subarray(i * dim, (i + 1) * dim)));
    const ready = candidates.filter((c) => vectorOf.has(c));
    const vectors = new Float32Array(ready.length * dim);
    ready.forEach((c, i) => vectors.set(vectorOf.get(c)!, i * dim));
    const input: Candidates = { texts: ready.map((c) => c.text), vectors, dim, dates: Float64Array.from(ready, (c) => c.at), rows: ready.map((c) => c.row) };
    emerging = await runTask(emergingTopicsTask, { candidates: input, minTopicSize: o.minTopicSize }, { signal, transfer: candidateBuffers(input) });
  }
  return {
    version: TRENDS_FORMAT_VERSION,
    runId: run.manifest.id,
    createdAt: new Date().toISOString(),
    bucket,
    windowDays: o.windowDays,
    buckets: counted.buckets,
    sources,
    dated: dated.length,
    undated: tickets.length - dated.length,
    series: counted.series.map((s) => ({ ...s, name: seriesName(s.cluster, byId) })),
    window: g ? { currentStart: iso(g.window.currentStart), end: iso(g.window.end), previousStart: iso(g.window.previousStart) } : null,
    growth: (g?.growth ?? []).map((x) => ({ ...x, name: seriesName(x.cluster, byId) })),
    minCount: o.minCount,
    emerging,
    minTopicSize: o.minTopicSize,
  };
}

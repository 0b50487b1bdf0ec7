/** Order statistics and a histogram with round bin widths, for the length distributions. */
import type { Histogram, Summary } from '../../shared/profile';

/** Nearest-rank percentile of sorted values: the smallest value with at least p of them at or below it. */
function rank(sorted: ArrayLike<number>, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

export function summarize(values: ArrayLike<number>): Summary {
  const sorted = Float64Array.from(values).sort();
  if (sorted.length === 0) return { min: 0, p25: 0, median: 0, mean: 0, p75: 0, p90: 0, p99: 0, max: 0 };
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    min: sorted[0],
    p25: rank(sorted, 0.25),
    median: rank(sorted, 0.5),
    mean: sum / sorted.length,
    p75: rank(sorted, 0.75),
    p90: rank(sorted, 0.9),
    p99: rank(sorted, 0.99),
    max: sorted[sorted.length - 1],
  };
}

/** 1, 2 or 5 times a power of ten: the bin width a reader can add up in their head. */
export function niceWidth(raw: number): number {
  if (!(raw > 1)) return 1;
  const p = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * p).find((w) => w >= raw)!;
}

/**
 * About `bins` edges of a round width from 0 up to `top` (pass the 99th percentile, so one very long
 * text does not squash every other bar into the first).
 */
export function roundEdges(top: number, bins = 20): number[] {
  const width = niceWidth(Math.max(top, 1) / bins);
  const n = Math.max(1, Math.ceil((top + 1) / width));
  return Array.from({ length: n + 1 }, (_, i) => i * width);
}

/** Counts per bin of `edges` (ascending, from 0): bin i is [edges[i], edges[i + 1]), the last one open above. */
export function histogram(values: ArrayLike<number>, edges: readonly number[]): Histogram {
  const counts = new Array<number>(edges.length).fill(0);
  for (let i = 0; i < values.length; i++) {
    // The last edge at or below the value: a binary search, as the widths need not be equal.
    let lo = 0;
    let hi = edges.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (edges[mid] <= values[i]) lo = mid;
      else hi = mid - 1;
    }
    counts[lo]++;
  }
  return { edges: [...edges], counts };
}

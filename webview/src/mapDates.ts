/**
 * Colour by date: the dated points' time span cut into equal periods, each a step of a sequential ramp
 * (viridis: ordered light to dark in every theme, and readable by the colour-blind), the undated ones
 * grey. A ramp of steps rather than a continuous one, because the renderer colours by category and a
 * legend of periods with their counts can be clicked like any other (a period stands out).
 */
export const RAMP = ['#440154', '#46327e', '#365c8d', '#277f8e', '#1fa187', '#4ac16d', '#a0da39', '#fde725'];

export interface DatePeriods {
  /** Epoch ms of the earliest and latest dated point (NaN when none is dated). */
  first: number;
  last: number;
  /** Period index per point, −1 when undated. */
  period: Int32Array;
  /** Each period's start and end (epoch ms), and its colour. */
  periods: { from: number; to: number; colour: string }[];
}

const DAY_MS = 86_400_000;

/** Cuts [first, last] into at most RAMP.length equal periods (one when every point has the same instant). */
export function datePeriods(date: Float64Array): DatePeriods {
  let first = Infinity;
  let last = -Infinity;
  for (const t of date) {
    if (Number.isNaN(t)) continue;
    if (t < first) first = t;
    if (t > last) last = t;
  }
  const period = new Int32Array(date.length).fill(-1);
  if (first > last) return { first: Number.NaN, last: Number.NaN, period, periods: [] };
  const n = last > first ? RAMP.length : 1;
  const width = (last - first) / n;
  const periods = Array.from({ length: n }, (_, i) => ({ from: first + i * width, to: i === n - 1 ? last : first + (i + 1) * width, colour: RAMP[Math.round((i * (RAMP.length - 1)) / Math.max(1, n - 1))] }));
  date.forEach((t, i) => {
    if (!Number.isNaN(t)) period[i] = width > 0 ? Math.min(n - 1, Math.floor((t - first) / width)) : 0;
  });
  return { first, last, period, periods };
}

/** An instant as the legend shows it: the UTC day, with the time when the whole span is under two days. */
export function dateText(t: number, spanMs: number): string {
  const iso = new Date(t).toISOString();
  return spanMs < 2 * DAY_MS ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}` : iso.slice(0, 10);
}

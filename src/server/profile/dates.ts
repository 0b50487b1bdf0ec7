/**
 * Date-column coverage, read with the ingest's parser (store/ingest/dates.ts) so "a date" means the
 * same in the profile as in the store and trends. Where ingest stops at the first cell that is not a
 * date, the profile counts them all: it is run to find exactly that.
 */
import type { DateProfile, RowRef } from '../../shared/profile';
import { parseDate, parseDateColumn } from '../store/ingest/dates';

/** Rows listed per problem, for "reveal in file". */
export const LISTED_ROWS = 20;
/** Beyond this many months from the first date to the last, only the months holding a date are listed. */
const MAX_FILLED_MONTHS = 240;

export interface DateCellAt extends RowRef {
  value: string;
}

const monthOf = (t: number) => new Date(t).toISOString().slice(0, 7);

function months(times: readonly number[], min: number, max: number): { month: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const t of times) counts.set(monthOf(t), (counts.get(monthOf(t)) ?? 0) + 1);
  const first = new Date(min);
  const last = new Date(max);
  const span = (last.getUTCFullYear() - first.getUTCFullYear()) * 12 + last.getUTCMonth() - first.getUTCMonth() + 1;
  if (span > MAX_FILLED_MONTHS) return [...counts].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([month, count]) => ({ month, count }));
  return Array.from({ length: span }, (_, i) => {
    const month = monthOf(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + i, 1));
    return { month, count: counts.get(month) ?? 0 };
  });
}

export function dateProfile(column: string, cells: readonly DateCellAt[], path: string): DateProfile {
  const filled = cells.filter((c) => c.value.trim() !== '');
  const isDate = (c: DateCellAt) => !Number.isNaN(parseDate(c.value)) || !Number.isNaN(parseDate(c.value, true));
  const readable = filled.filter(isDate);
  const unreadable = filled.filter((c) => !isDate(c));
  // The column's reading of slash dates, as ingest decides it; it refuses a column that mixes both orders.
  let mixedDayOrder = false;
  let times: number[];
  try {
    times = [...parseDateColumn(readable, path, column)];
  } catch {
    mixedDayOrder = true;
    times = readable.map((c) => (Number.isNaN(parseDate(c.value)) ? parseDate(c.value, true) : parseDate(c.value)));
  }
  const dayFirst = !mixedDayOrder && readable.some((c) => Number.isNaN(parseDate(c.value)));
  const min = times.length ? times.reduce((a, b) => Math.min(a, b)) : null;
  const max = times.length ? times.reduce((a, b) => Math.max(a, b)) : null;
  return {
    column,
    dated: times.length,
    empty: cells.length - filled.length,
    unparseable: unreadable.length,
    unparseableRows: unreadable.slice(0, LISTED_ROWS).map(({ row, line }) => ({ row, line })),
    dayFirst,
    mixedDayOrder,
    min: min === null ? null : new Date(min).toISOString(),
    max: max === null ? null : new Date(max).toISOString(),
    perMonth: min === null || max === null ? [] : months(times, min, max),
  };
}

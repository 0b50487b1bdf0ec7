/**
 * Counting for trends: tickets per cluster per day or ISO week, and growth — the last window against
 * the one before, the minimum count that keeps small clusters off the list, and the +1 that keeps a
 * cluster from nothing from an infinite ratio. Tickets are built here day by day, so every expected
 * figure follows from how they were made.
 */
import { describe, expect, it } from 'vitest';
import { bucketStart, countSeries, growth, type DatedTicket } from '../../../src/server/trends/series';
import { parseWindow } from '../../../src/server/cli/trends';

const DAY = 86_400_000;
/** 2024-03-04, a Monday. */
const START = Date.UTC(2024, 2, 4);

/** `perDay(d)` tickets of `cluster` on each of days 0..days−1, at 10:00 and on. */
function make(cluster: string | null, days: number, perDay: (d: number) => number): DatedTicket[] {
  const out: DatedTicket[] = [];
  for (let d = 0; d < days; d++) for (let i = 0; i < perDay(d); i++) out.push({ at: START + d * DAY + (10 + i) * 3_600_000 / 10, cluster });
  return out;
}

// Two weeks: root.0 steady (3 a day), root.1 from 1 to 5 a day, new tickets only in the second week,
// root.2 small (1 a day in the second week), and a sub-cluster counted with its top-level cluster.
const tickets: DatedTicket[] = [
  ...make('root.0', 14, () => 3),
  ...make('root.1', 14, (d) => (d < 7 ? 1 : 5)),
  ...make(null, 14, (d) => (d < 7 ? 0 : 2)),
  ...make('root.2.1', 14, (d) => (d < 7 ? 0 : 1)),
  { at: Number.NaN, cluster: 'root.0' },
];

describe('tickets per cluster per bucket', () => {
  it('counts every day from the first ticket to the last, sub-clusters under their top-level cluster, undated ones nowhere', () => {
    const s = countSeries(tickets, 'day');
    expect(s.buckets).toHaveLength(14);
    expect(s.buckets[0]).toBe('2024-03-04');
    expect(s.buckets[13]).toBe('2024-03-17');
    const by = new Map(s.series.map((x) => [x.cluster, x]));
    const days = (n: number, x: number) => new Array<number>(n).fill(x);
    expect(by.get('root.0')!.counts).toEqual(days(14, 3));
    expect(by.get('root.1')!.counts).toEqual([...days(7, 1), ...days(7, 5)]);
    expect(by.get('root.2')!.total).toBe(7);
    expect(by.get('new')!.total).toBe(14);
    // Largest first, new/unassigned last.
    expect(s.series.map((x) => x.cluster)).toEqual(['root.0', 'root.1', 'root.2', 'new']);
  });

  it('counts ISO weeks from Monday', () => {
    expect(new Date(bucketStart(Date.UTC(2024, 2, 10, 23), 'week')).toISOString()).toBe('2024-03-04T00:00:00.000Z'); // a Sunday
    expect(new Date(bucketStart(Date.UTC(2024, 2, 11, 0), 'week')).toISOString()).toBe('2024-03-11T00:00:00.000Z');
    const s = countSeries(tickets, 'week');
    expect(s.buckets).toEqual(['2024-03-04', '2024-03-11']);
    expect(s.series.find((x) => x.cluster === 'root.1')!.counts).toEqual([7, 35]);
  });
});

describe('growth', () => {
  it('ranks the last 7 days against the 7 before by (current + 1) / (previous + 1)', () => {
    const g = growth(tickets, 7, 5)!;
    expect(new Date(g.window.currentStart).toISOString().slice(0, 10)).toBe('2024-03-11');
    expect(g.growth.map((x) => [x.cluster, x.current, x.previous, x.ratio])).toEqual([
      ['new', 14, 0, 15],
      ['root.2', 7, 0, 8],
      ['root.1', 35, 7, 4.5],
      ['root.0', 21, 21, 1],
    ]);
  });

  it('leaves out clusters under the minimum count in the last window', () => {
    expect(growth(tickets, 7, 15)!.growth.map((x) => x.cluster)).toEqual(['root.1', 'root.0']);
  });

  it('ends the window where it is told to', () => {
    // Ending after day 6: the last window is days 0–6 with nothing before it.
    const g = growth(tickets, 7, 1, START + 7 * DAY)!;
    expect(g.growth.map((x) => [x.cluster, x.current, x.previous])).toEqual([
      ['root.0', 21, 0],
      ['root.1', 7, 0],
    ]);
  });

  it('is null without dated tickets', () => {
    expect(growth([{ at: Number.NaN, cluster: 'root.0' }], 7, 1)).toBeNull();
  });
});

describe('--window', () => {
  it('reads days and weeks and refuses anything else', () => {
    expect(parseWindow('7d')).toBe(7);
    expect(parseWindow('14')).toBe(14);
    expect(parseWindow('2w')).toBe(14);
    for (const bad of ['0d', '1.5d', 'week', '-3', '7h']) expect(() => parseWindow(bad), bad).toThrow(/--window/);
  });
});

/**
 * Date coverage reads cells as ingest does (store/ingest/dates.ts) but counts every problem instead of
 * stopping at the first: slash dates day first only when a cell says so, a column mixing both orders
 * flagged (ingest refuses it), cells that are not dates counted and listed, months without a date kept.
 */
import { describe, expect, it } from 'vitest';
import { dateProfile, type DateCellAt } from '../../../src/server/profile/dates';

const cells = (values: string[]): DateCellAt[] => values.map((value, i) => ({ row: i + 1, line: i + 2, value }));

describe('date coverage', () => {
  it('reads slash dates month first unless a cell can only be day first', () => {
    const us = dateProfile('d', cells(['3/5/2024', '12/1/2024']), 'f.csv');
    expect([us.dayFirst, us.min, us.max]).toEqual([false, '2024-03-05T00:00:00.000Z', '2024-12-01T00:00:00.000Z']);
    const eu = dateProfile('d', cells(['3/5/2024', '13/1/2024']), 'f.csv');
    expect([eu.dayFirst, eu.mixedDayOrder, eu.min, eu.max]).toEqual([true, false, '2024-01-13T00:00:00.000Z', '2024-05-03T00:00:00.000Z']);
  });

  it('flags a column mixing day-first and month-first dates, and still reads each cell', () => {
    const d = dateProfile('d', cells(['13/1/2024', '1/13/2024', '2024-02-01']), 'f.csv');
    expect(d.mixedDayOrder).toBe(true);
    expect(d.dayFirst).toBe(false);
    expect(d.dated).toBe(3);
    expect(d.perMonth).toEqual([
      { month: '2024-01', count: 2 },
      { month: '2024-02', count: 1 },
    ]);
  });

  it('counts every cell that is not a date, lists their rows and lines, and keeps empty months', () => {
    const d = dateProfile('d', cells(['2024-01-31T23:30:00-02:00', 'soon', '', '2/30/2024', '2024-04-02', '  ']), 'f.csv');
    expect(d).toMatchObject({ dated: 2, empty: 2, unparseable: 2, min: '2024-02-01T01:30:00.000Z', max: '2024-04-02T00:00:00.000Z' });
    expect(d.unparseableRows).toEqual([
      { row: 2, line: 3 },
      { row: 4, line: 5 },
    ]);
    expect(d.perMonth).toEqual([
      { month: '2024-02', count: 1 },
      { month: '2024-03', count: 0 },
      { month: '2024-04', count: 1 },
    ]);
  });
});

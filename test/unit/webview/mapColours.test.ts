// The map's colour schemes on a small run: every point in exactly one legend entry, the counts from the
// points themselves, sub-clusters of the drilled-into cluster, labels, and the focus fading the rest.
import { describe, expect, it } from 'vitest';
import { paletteOf, rgbOf, schemeOf } from '../../../webview/src/mapColours';
import { PALETTE } from '../../../webview/src/colours';
import { RAMP } from '../../../webview/src/mapDates';
import { sampleRun } from './fixture';

describe('map colours', () => {
  it('by cluster: one entry per top-level cluster, in the list order, with the list colours', () => {
    const run = sampleRun();
    const s = schemeOf(run, 'cluster', null);
    expect(s.entries.map((e) => e.name)).toEqual(['Refunds', 'Invoices', 'Noise (root.noise)', 'Not in any listed cluster']);
    // Points: root.0, noise, root.1.0, root.1.1, root.1 → top-level entries 0, 2, 1, 1, 1.
    expect([...s.categories]).toEqual([0, 2, 1, 1, 1]);
    expect(s.entries.map((e) => e.count)).toEqual([1, 3, 1, 0]);
    expect(s.entries[0].colour).toBe(PALETTE[0]);
    expect(s.entries[2].alpha).toBeLessThan(s.entries[0].alpha);
  });

  it('by sub-cluster: the drilled cluster split into its children, the rest grouped and faded', () => {
    const s = schemeOf(sampleRun(), 'sub', 'root.1');
    expect(s.entries.map((e) => e.name)).toEqual(['Lost invoices', 'Invoice copies', 'Invoices (no sub-cluster)', 'Other clusters']);
    expect([...s.categories]).toEqual([3, 3, 0, 1, 2]);
    expect(s.entries[3].alpha).toBeLessThan(0.5);
    expect(s.entries.map((e) => e.clusterId)).toEqual(['root.1.0', 'root.1.1', 'root.1', null]);
  });

  it('by label column: one entry per label and one for rows without', () => {
    const s = schemeOf(sampleRun(), 'label', null);
    expect(s.entries.map((e) => `${e.name}:${e.count}`)).toEqual(['refund:2', 'invoice:2', 'No label:1']);
    expect([...s.categories]).toEqual([0, 2, 1, 1, 0]);
  });

  it('falls back to clusters when the points carry no labels, or there is nothing to drill into', () => {
    const run = sampleRun();
    expect(schemeOf({ ...run, points: { ...run.points, label: null } }, 'label', null).by).toBe('cluster');
    expect(schemeOf(run, 'sub', null).by).toBe('cluster');
  });

  it('the palette fades every entry outside the focus, and none without one', () => {
    const { entries } = schemeOf(sampleRun(), 'cluster', null);
    const all = paletteOf(entries, new Set());
    const focused = paletteOf(entries, new Set([1]));
    expect([...all.slice(0, 3)]).toEqual(rgbOf(PALETTE[0]));
    expect(all[3]).toBe(Math.round(entries[0].alpha * 255));
    expect(focused[4 + 3]).toBe(all[4 + 3]);
    expect(focused[3]).toBeLessThan(all[3]);
  });

  it('by date: the dated points in periods along the ramp, first to last, the undated apart', () => {
    const run = sampleRun();
    const day = (d: string) => Date.parse(`${d}T00:00:00Z`);
    // 1 Jan, 9 Jan (the last), undated, 5 Jan (mid-span), 1 Jan.
    const date = Float64Array.of(day('2024-01-01'), day('2024-01-09'), Number.NaN, day('2024-01-05'), day('2024-01-01'));
    const s = schemeOf({ ...run, points: { ...run.points, date, dateColumn: 'created' } }, 'date', null);
    expect(s.by).toBe('date');
    expect(s.entries).toHaveLength(RAMP.length + 1);
    const last = RAMP.length - 1;
    expect([...s.categories]).toEqual([0, last, RAMP.length, RAMP.length / 2, 0]);
    expect(s.entries[0].colour).toBe(RAMP[0]);
    expect(s.entries[last].colour).toBe(RAMP[last]);
    expect(s.entries.at(-1)).toMatchObject({ name: 'No date', count: 1 });
    expect(s.entries[0].name).toBe('2024-01-01 – 2024-01-02');
    expect(s.ramp).toEqual({ column: 'created', first: '2024-01-01', last: '2024-01-09', colours: RAMP });
  });

  it('by date over less than two days: the periods name hours', () => {
    const run = sampleRun();
    const t = Date.parse('2024-03-05T08:00:00Z');
    const date = Float64Array.from([0, 1, 2, 3, 4], (h) => t + h * 3_600_000);
    const s = schemeOf({ ...run, points: { ...run.points, date, dateColumn: 'opened' } }, 'date', null);
    expect(s.ramp?.first).toBe('2024-03-05 08:00');
    expect(s.ramp?.last).toBe('2024-03-05 12:00');
    expect(s.entries.reduce((n, e) => n + e.count, 0)).toBe(5);
  });

  it('by date with every point at one instant, or none dated', () => {
    const run = sampleRun();
    const one = schemeOf({ ...run, points: { ...run.points, date: new Float64Array(5).fill(Date.parse('2024-02-02')), dateColumn: 'd' } }, 'date', null);
    expect(one.entries.map((e) => `${e.name}:${e.count}`)).toEqual(['2024-02-02 00:00:5', 'No date:0']);
    const none = schemeOf({ ...run, points: { ...run.points, date: new Float64Array(5).fill(Number.NaN), dateColumn: 'd' } }, 'date', null);
    expect(none.entries.map((e) => `${e.name}:${e.count}`)).toEqual(['No date:5']);
    expect(none.ramp).toBeUndefined();
    // Without dates the map stays coloured by cluster.
    expect(schemeOf(run, 'date', null).by).toBe('cluster');
  });

  it("by predicted category: each point's deepest cluster with a suggested category, the largest first", () => {
    const run = sampleRun();
    const clusters = run.clusters.map((c) => ({ ...c, category: c.id === 'root.0' ? 'Refunds' : c.id === 'root.1' ? 'Billing' : c.id === 'root.1.1' ? 'Documents' : null }));
    const s = schemeOf({ ...run, clusters }, 'category', null);
    // Points: root.0, noise, root.1.0 (inherits Billing), root.1.1 (its own), root.1.
    expect(s.entries.map((e) => `${e.name}:${e.count}`)).toEqual(['Billing:2', 'Documents:1', 'Refunds:1', 'No suggested category:1']);
    expect([...s.categories]).toEqual([2, 3, 0, 1, 0]);
    expect(schemeOf(run, 'category', null).by).toBe('cluster');
  });
});

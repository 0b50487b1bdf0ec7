// The map's colour schemes on a small run: every point in exactly one legend entry, the counts from the
// points themselves, sub-clusters of the drilled-into cluster, labels, and the focus fading the rest.
import { describe, expect, it } from 'vitest';
import { paletteOf, rgbOf, schemeOf } from '../../../webview/src/mapColours';
import { PALETTE } from '../../../webview/src/colours';
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
});

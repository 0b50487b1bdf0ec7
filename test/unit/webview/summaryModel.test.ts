import { describe, expect, it } from 'vitest';
import { NOISE_SWATCH, PALETTE, swatchColour } from '../../../webview/src/colours';
import { purityHeader, purityRows } from '../../../webview/src/purityRows';
import { childrenOf, metricsLine, selectedTopIndex, topClusters } from '../../../webview/src/runView';
import { sampleRun } from './fixture';

describe('cluster colours', () => {
  it("a swatch wears its top-level cluster's palette colour, the palette wrapping round; noise is grey", () => {
    for (let i = 0; i < PALETTE.length * 2 + 3; i++) expect(swatchColour(i, false)).toBe(PALETTE[i % PALETTE.length]);
    expect(new Set(PALETTE).size).toBe(PALETTE.length);
    expect(swatchColour(3, true)).toBe(NOISE_SWATCH);
    expect(PALETTE).not.toContain(NOISE_SWATCH);
  });
});

describe('the run as the summary shows it', () => {
  it('lists top-level clusters in the order the map points index', () => {
    const run = sampleRun();
    const top = topClusters(run);
    expect(top.map((c) => c.id)).toEqual(['root.0', 'root.1', 'root.noise']);
    expect(childrenOf(run, 'root.1').map((c) => c.id)).toEqual(['root.1.0', 'root.1.1']);
  });

  it('maps a selection, at any depth, to its top-level cluster', () => {
    const top = topClusters(sampleRun());
    expect(selectedTopIndex(top, 'root.1.1')).toBe(1);
    expect(selectedTopIndex(top, 'root.0')).toBe(0);
    expect(selectedTopIndex(top, 'root.noise')).toBe(2);
    expect(selectedTopIndex(top, null)).toBe(-1);
    expect(selectedTopIndex(top, 'root.9')).toBe(-1);
  });

  it('counts clusters without noise, and gives the metrics only when the run has them', () => {
    const run = sampleRun();
    expect(metricsLine(run)).toBe('30 rows · 2 clusters · against intent: ARI 0.512, NMI 0.600 (noise excluded: ARI 0.700, NMI 0.800)');
    expect(metricsLine({ ...run, metrics: null })).toBe('30 rows · 2 clusters');
  });
});

describe('purity table', () => {
  it('puts the worst-kept label first and names the cluster holding it', () => {
    const rows = purityRows(sampleRun());
    expect(rows.map((r) => r.label)).toEqual(['invoice', 'delivery', 'refund']);
    expect(rows[0]).toEqual({ label: 'invoice', rows: '9', mostlyIn: 'Lost invoices', share: '33%', cluster: 'root.1.0' });
  });

  it('shows the path of a cluster the run does not list', () => {
    expect(purityRows(sampleRun()).find((r) => r.label === 'delivery')?.mostlyIn).toBe('root.7');
  });

  it('does not reorder the run it was given', () => {
    const run = sampleRun();
    purityRows(run);
    expect(run.purity.map((p) => p.label)).toEqual(['refund', 'invoice', 'delivery']);
  });

  it('heads the first column with the label column', () => {
    expect(purityHeader(sampleRun())).toEqual(['intent', 'rows', 'mostly in', 'share']);
    expect(purityHeader({ ...sampleRun(), labelColumn: null })[0]).toBe('label');
  });
});

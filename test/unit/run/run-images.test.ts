/**
 * The run's pictures beside its files: one map per level of the tree (map-depth-N.png, coloured by the
 * clusters of that level) and the size chart (sizes.svg). The colourings are checked on rows whose
 * paths we choose; the SVG is checked as XML with names a ticket or an LLM could write.
 */
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import type { AssignmentRow, ClusterRecord } from '../../../src/shared/api';
import { mapInput, writeMaps } from '../../../src/server/run/mapPng';
import { sizeChartSvg } from '../../../src/server/run/sizeChart';

const row = (i: number, cluster: string, x: number, y: number): AssignmentRow => ({ row: i + 1, line: i + 2, text: `t${i}`, cluster, probability: 1, outlierScore: 0, x, y, wasNoise: false });

const PATHS = ['root.0.0', 'root.0.1', 'root.0.noise', 'root.1', 'root.2.0', 'root.noise'];
const rows = PATHS.flatMap((p, k) => Array.from({ length: 10 }, (_, j) => row(k * 10 + j, p, k * 3 + (j % 3) * 0.1, (j % 5) * 0.1)));

describe('per-depth maps', () => {
  it('colours level 2 by sub-cluster; a row without a sub-cluster at that level (or in its noise) is grey', () => {
    const m = mapInput(rows, false);
    expect(m.files).toEqual(['map.png', 'map-depth-2.png']);
    const colourOf = (c: Int32Array, path: string) => new Set(rows.flatMap((r, i) => (r.cluster === path ? [c[i]] : [])));
    const [top, depth2] = m.colours;
    // At the top, root.0's sub-clusters share root.0's colour; at depth 2 they differ.
    expect(colourOf(top, 'root.0.0')).toEqual(colourOf(top, 'root.0.1'));
    expect([...colourOf(depth2, 'root.0.0')][0]).not.toBe([...colourOf(depth2, 'root.0.1')][0]);
    expect(colourOf(depth2, 'root.2.0').size).toBe(1);
    for (const grey of ['root.0.noise', 'root.1', 'root.noise']) expect(colourOf(depth2, grey), grey).toEqual(new Set([-1]));
    expect(colourOf(depth2, 'root.0.0')).not.toEqual(new Set([-1]));
  });

  it('a one-level run has no depth map; a labelled one has its label map second', () => {
    const flat = rows.map((r) => ({ ...r, cluster: r.cluster.split('.').slice(0, 2).join('.'), label: r.cluster }));
    expect(mapInput(flat, true).files).toEqual(['map.png', 'map-labels.png']);
  });

  it('writes the depth map as a PNG with the sub-clusters in different colours', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tl-run-images-'));
    await writeMaps(dir, rows, false);
    expect(readdirSync(dir).sort()).toEqual(['map-depth-2.png', 'map.png']);
    const png = PNG.sync.read(readFileSync(join(dir, 'map-depth-2.png')));
    const colours = new Set<string>();
    for (let i = 0; i < png.data.length; i += 4) colours.add(`${png.data[i]},${png.data[i + 1]},${png.data[i + 2]}`);
    // white, grey (noise and rows without a level-2 cluster), and the three sub-clusters' colours
    expect(colours.size).toBe(5);
  });
});

const cluster = (id: string, size: number, over: Partial<ClusterRecord> = {}): ClusterRecord => ({
  id,
  parent: id.split('.').length > 2 ? id.split('.').slice(0, -1).join('.') : null,
  depth: id.split('.').length - 1,
  size,
  isNoise: id.endsWith('.noise'),
  keywords: [{ term: 'refund', score: 1 }],
  examples: [],
  label: null,
  description: null,
  labelSource: null,
  reviewed: false,
  ...over,
});

describe('sizes.svg', () => {
  const hostile = `<script>alert(1)</script> & "quotes" \u0007bell`;
  const svg = sizeChartSvg([cluster('root.noise', 500), cluster('root.0', 20, { label: hostile, labelSource: 'llm' }), cluster('root.1', 70, { label: 'Track order', labelSource: 'user' }), cluster('root.1.0', 40)], 590);

  it('draws one bar per top-level cluster, largest first, noise last', () => {
    const names = [...svg.matchAll(/text-anchor="end">([^<]*)</g)].map((m) => m[1]);
    expect(names).toEqual(['Track order', '&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot; bell', 'Noise (unclustered)']);
    expect(svg).toContain('70 (11.9%)');
    expect(svg).toContain('500 (84.7%)');
  });

  it('holds names as escaped text: no markup of theirs, no control characters', () => {
    expect(svg).not.toContain('<script');
    // eslint-disable-next-line no-control-regex -- the characters XML 1.0 forbids
    expect(svg).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
    // Well-formed: every tag we open is closed.
    const opened = (svg.match(/<(g|text|title|svg)[ >]/g) ?? []).length;
    const closed = (svg.match(/<\/(g|text|title|svg)>/g) ?? []).length;
    expect(opened).toBe(closed);
  });
});

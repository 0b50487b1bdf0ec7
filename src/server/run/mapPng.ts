/**
 * map.png: the 2-d layout, one dot per row, coloured by top-level cluster (noise in light grey,
 * drawn first so clusters stay visible); map-labels.png coloured by the label column. pngjs encodes.
 */
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { topLevelNumber, type AssignmentRow } from '../../shared/api';
import { writeFileAtomic } from '../data/atomic';

export const MAP_PNG = 'map.png';
export const MAP_LABELS_PNG = 'map-labels.png';

const SIZE = 1000;
const MARGIN = 20;
// Tableau-20-like palette: distinct on white and colour-blind friendly enough for 10+ classes.
const PALETTE = [
  [31, 119, 180], [255, 127, 14], [44, 160, 44], [214, 39, 40], [148, 103, 189], [140, 86, 75], [227, 119, 194], [188, 189, 34], [23, 190, 207], [127, 127, 127],
  [174, 199, 232], [255, 187, 120], [152, 223, 138], [255, 152, 150], [197, 176, 213], [196, 156, 148], [247, 182, 210], [219, 219, 141], [158, 218, 229], [57, 59, 121],
];
const NOISE = [215, 215, 215];

function draw(rows: readonly AssignmentRow[], colourOf: (r: AssignmentRow) => number[] | null): Buffer {
  const png = new PNG({ width: SIZE, height: SIZE });
  png.data.fill(255);
  let minX = Infinity;
  let maxX = -Infinity;
  let minY = Infinity;
  let maxY = -Infinity;
  for (const r of rows) {
    minX = Math.min(minX, r.x);
    maxX = Math.max(maxX, r.x);
    minY = Math.min(minY, r.y);
    maxY = Math.max(maxY, r.y);
  }
  const sx = (SIZE - 2 * MARGIN) / (maxX - minX || 1);
  const sy = (SIZE - 2 * MARGIN) / (maxY - minY || 1);
  const plot = (r: AssignmentRow, c: number[]) => {
    const px = Math.round(MARGIN + (r.x - minX) * sx);
    const py = Math.round(SIZE - MARGIN - (r.y - minY) * sy);
    for (let dy = -1; dy <= 1; dy++)
      for (let dx = -1; dx <= 1; dx++) {
        const x = px + dx;
        const y = py + dy;
        if (x < 0 || y < 0 || x >= SIZE || y >= SIZE) continue;
        const o = (y * SIZE + x) * 4;
        png.data[o] = c[0];
        png.data[o + 1] = c[1];
        png.data[o + 2] = c[2];
        png.data[o + 3] = 255;
      }
  };
  for (const r of rows) if (!colourOf(r)) plot(r, NOISE);
  for (const r of rows) {
    const c = colourOf(r);
    if (c) plot(r, c);
  }
  return PNG.sync.write(png);
}

export function renderMap(rows: readonly AssignmentRow[], withLabels: boolean): { byCluster: Buffer; byLabel: Buffer | null } {
  const byCluster = draw(rows, (r) => {
    const top = topLevelNumber(r.cluster);
    return top === null ? null : PALETTE[top % PALETTE.length];
  });
  if (!withLabels) return { byCluster, byLabel: null };
  const labels = [...new Set(rows.map((r) => r.label ?? ''))].sort();
  const idx = new Map(labels.map((l, i) => [l, i]));
  const byLabel = draw(rows, (r) => PALETTE[idx.get(r.label ?? '')! % PALETTE.length]);
  return { byCluster, byLabel };
}

/** map.png, and map-labels.png when the run has a label column. */
export async function writeMaps(dir: string, rows: readonly AssignmentRow[], withLabels: boolean): Promise<void> {
  const maps = renderMap(rows, withLabels);
  await writeFileAtomic(join(dir, MAP_PNG), maps.byCluster);
  if (maps.byLabel) await writeFileAtomic(join(dir, MAP_LABELS_PNG), maps.byLabel);
}

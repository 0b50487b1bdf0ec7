/**
 * map.png: the 2-d layout, one dot per row, coloured by top-level cluster (noise in light grey,
 * drawn first so clusters stay visible); map-labels.png coloured by the label column; map-depth-N.png
 * coloured by the clusters of level N, as the insights pipeline this grew from draws one map per depth. pngjs encodes,
 * in a worker thread (renderMapsTask): its filtering and deflate of two 1000 × 1000 images held the
 * HTTP thread for ~0.27 s at 4,000 rows and ~0.5 s at 27,000.
 */
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { comparePaths, isNoisePath, pathAtDepth, pathDepth, topLevelNumber, type AssignmentRow } from '../../shared/api';
import { writeFileAtomic } from '../data/atomic';
import { runTask } from '../workers/pool';
import { buffers, type CpuTask } from '../workers/task';

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
/** A row's colour in MapInput.colours that means noise. */
const NOISE_COLOUR = -1;

/** What the maps are drawn from: the rows' positions and, per map, each row's palette index (NOISE_COLOUR: noise). */
export interface MapInput {
  x: Float64Array;
  y: Float64Array;
  colours: Int32Array[];
}

function draw(x: Float64Array, y: Float64Array, colour: Int32Array): Buffer {
  const png = new PNG({ width: SIZE, height: SIZE });
  png.data.fill(255);
  let minX = Infinity;
  let maxX = -Infinity;
  let minY = Infinity;
  let maxY = -Infinity;
  for (let r = 0; r < x.length; r++) {
    minX = Math.min(minX, x[r]);
    maxX = Math.max(maxX, x[r]);
    minY = Math.min(minY, y[r]);
    maxY = Math.max(maxY, y[r]);
  }
  const sx = (SIZE - 2 * MARGIN) / (maxX - minX || 1);
  const sy = (SIZE - 2 * MARGIN) / (maxY - minY || 1);
  const plot = (r: number, c: number[]) => {
    const px = Math.round(MARGIN + (x[r] - minX) * sx);
    const py = Math.round(SIZE - MARGIN - (y[r] - minY) * sy);
    for (let dy = -1; dy <= 1; dy++)
      for (let dx = -1; dx <= 1; dx++) {
        const qx = px + dx;
        const qy = py + dy;
        if (qx < 0 || qy < 0 || qx >= SIZE || qy >= SIZE) continue;
        const o = (qy * SIZE + qx) * 4;
        png.data[o] = c[0];
        png.data[o + 1] = c[1];
        png.data[o + 2] = c[2];
        png.data[o + 3] = 255;
      }
  };
  for (let r = 0; r < x.length; r++) if (colour[r] === NOISE_COLOUR) plot(r, NOISE);
  for (let r = 0; r < x.length; r++) if (colour[r] !== NOISE_COLOUR) plot(r, PALETTE[colour[r]]);
  return PNG.sync.write(png);
}

/** One PNG per colouring in the input, in its order. */
export const renderMapsTask: CpuTask<MapInput, Uint8Array[]> = {
  name: 'renderMaps',
  run: ({ x, y, colours }) => colours.map((c) => draw(x, y, c)),
};

/** One map per depth below the top (`map-depth-2.png` …): the file name for a depth. */
export const mapDepthPng = (depth: number) => `map-depth-${depth}.png`;
export const MAP_DEPTH_PNG = /^map-depth-[2-9]\.png$/;

/** The maps' input, with the file each colouring goes to. */
export interface Maps extends MapInput {
  files: string[];
}

/**
 * By top-level cluster (map.png); by label when `withLabels` (labels coloured in sorted order); and,
 * for a run with sub-clusters, one map per deeper level coloured by the path cut to that depth, so
 * a cluster's sub-clusters stand apart (a row whose path ends above that depth, or in noise, is grey).
 */
export function mapInput(rows: readonly AssignmentRow[], withLabels: boolean): Maps {
  const n = rows.length;
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  const byCluster = new Int32Array(n);
  // A few hundred distinct paths among the rows: each parsed once.
  const colourOfPath = new Map<string, number>();
  let maxDepth = 1;
  for (let r = 0; r < n; r++) {
    const a = rows[r];
    x[r] = a.x;
    y[r] = a.y;
    let c = colourOfPath.get(a.cluster);
    if (c === undefined) {
      const top = topLevelNumber(a.cluster);
      colourOfPath.set(a.cluster, (c = top === null ? NOISE_COLOUR : top % PALETTE.length));
      maxDepth = Math.max(maxDepth, pathDepth(a.cluster));
    }
    byCluster[r] = c;
  }
  const colours = [byCluster];
  const files = [MAP_PNG];
  if (withLabels) {
    const labels = [...new Set(rows.map((r) => r.label ?? ''))].sort();
    const idx = new Map(labels.map((l, i) => [l, i % PALETTE.length]));
    colours.push(Int32Array.from(rows, (r) => idx.get(r.label ?? '')!));
    files.push(MAP_LABELS_PNG);
  }
  const paths = [...colourOfPath.keys()];
  for (let depth = 2; depth <= maxDepth; depth++) {
    const cut = new Map(paths.map((p) => [p, pathDepth(p) < depth || isNoisePath(pathAtDepth(p, depth)) || topLevelNumber(p) === null ? null : pathAtDepth(p, depth)]));
    const order = [...new Set([...cut.values()].filter((p): p is string => p !== null))].sort(comparePaths);
    const idx = new Map(order.map((p, i) => [p, i % PALETTE.length]));
    colours.push(
      Int32Array.from(rows, (r) => {
        const p = cut.get(r.cluster);
        return p ? idx.get(p)! : NOISE_COLOUR;
      }),
    );
    files.push(mapDepthPng(depth));
  }
  return { x, y, colours, files };
}

/** map.png, map-labels.png when the run has a label column, map-depth-N.png per deeper level; `signal` stops the drawing. */
export async function writeMaps(dir: string, rows: readonly AssignmentRow[], withLabels: boolean, signal?: AbortSignal): Promise<void> {
  const { files, ...input } = mapInput(rows, withLabels);
  const images = await runTask(renderMapsTask, input, { signal, transfer: buffers(input.x, input.y, ...input.colours) });
  for (let i = 0; i < files.length; i++) await writeFileAtomic(join(dir, files[i]), images[i]);
}

/**
 * What the map's colours mean: by top-level cluster (as the list's swatches), by the run's label
 * column, or by sub-cluster inside one drilled-into top-level cluster. A scheme gives every point a
 * category and every category a legend entry; the renderer's palette is built from the entries, with
 * the ones not in focus faded.
 */
import { isAncestorOrSelf, pathAtDepth, pathDepth } from '../../src/shared/clusterPath';
import type { RunView } from '../../src/shared/webviewProtocol';
import { PALETTE } from './colours';
import { topClusters } from './runView';

export type ColourBy = 'cluster' | 'label' | 'sub';

export interface LegendEntry {
  name: string;
  /** CSS colour of the swatch. */
  colour: string;
  count: number;
  /** The cluster the entry stands for, when it is one (clicking it selects it). */
  clusterId: string | null;
  /** Base opacity of its points: noise and "other clusters" recede. */
  alpha: number;
}

export interface Scheme {
  by: ColourBy;
  /** Each point's entry index, by point index. */
  categories: Uint16Array;
  entries: LegendEntry[];
}

const GREY = '#808080';
const POINT_ALPHA = 0.9;
const NOISE_ALPHA = 0.35;
const FADED = 0.15;

/** The scheme for colouring by `by`; `drill` is the top-level cluster whose sub-clusters 'sub' shows. */
export function schemeOf(run: RunView, by: ColourBy, drill: string | null): Scheme {
  if (by === 'label' && run.points.label) return labelScheme(run, run.points.label);
  if (by === 'sub' && drill) return subScheme(run, drill);
  return clusterScheme(run);
}

function clusterScheme(run: RunView): Scheme {
  const top = topClusters(run);
  const topIndex = new Map(top.map((c, i) => [c.id, i]));
  const entries: LegendEntry[] = top.map((c, i) => ({ name: c.label, colour: c.isNoise ? GREY : PALETTE[i % PALETTE.length], count: 0, clusterId: c.id, alpha: c.isNoise ? NOISE_ALPHA : POINT_ALPHA }));
  const unlisted = entries.push({ name: 'Not in any listed cluster', colour: GREY, count: 0, clusterId: null, alpha: NOISE_ALPHA }) - 1;
  const ofCluster = Int32Array.from(run.clusters, (c) => topIndex.get(pathAtDepth(c.id, 1)) ?? unlisted);
  return assign(run, entries, (c) => (c < 0 ? unlisted : ofCluster[c]), 'cluster');
}

function labelScheme(run: RunView, label: Int32Array): Scheme {
  const entries: LegendEntry[] = run.points.labels.map((name, i) => ({ name, colour: PALETTE[i % PALETTE.length], count: 0, clusterId: null, alpha: POINT_ALPHA }));
  const none = entries.push({ name: 'No label', colour: GREY, count: 0, clusterId: null, alpha: NOISE_ALPHA }) - 1;
  const categories = Uint16Array.from(label, (l) => (l < 0 || l >= none ? none : l));
  for (const c of categories) entries[c].count++;
  return { by: 'label', categories, entries };
}

function subScheme(run: RunView, drill: string): Scheme {
  const depth = pathDepth(drill) + 1;
  const children = run.clusters.filter((c) => c.parent === drill);
  const childIndex = new Map(children.map((c, i) => [c.id, i]));
  const entries: LegendEntry[] = children.map((c, i) => ({ name: c.label, colour: c.isNoise ? GREY : PALETTE[i % PALETTE.length], count: 0, clusterId: c.id, alpha: c.isNoise ? NOISE_ALPHA : POINT_ALPHA }));
  const self = run.clusters.find((c) => c.id === drill);
  const unsplit = entries.push({ name: `${self?.label ?? drill} (no sub-cluster)`, colour: GREY, count: 0, clusterId: drill, alpha: POINT_ALPHA }) - 1;
  const outside = entries.push({ name: 'Other clusters', colour: GREY, count: 0, clusterId: null, alpha: FADED }) - 1;
  const ofCluster = Int32Array.from(run.clusters, (c) => (isAncestorOrSelf(drill, c.id) ? (childIndex.get(pathAtDepth(c.id, depth)) ?? unsplit) : outside));
  return assign(run, entries, (c) => (c < 0 ? outside : ofCluster[c]), 'sub');
}

function assign(run: RunView, entries: LegendEntry[], categoryOf: (cluster: number) => number, by: ColourBy): Scheme {
  const categories = Uint16Array.from(run.points.cluster, categoryOf);
  for (const c of categories) entries[c].count++;
  return { by, categories, entries };
}

/** RGBA bytes per entry; with a focus, the entries outside it fade (the selected cluster, a legend pick). */
export function paletteOf(entries: readonly LegendEntry[], focus: ReadonlySet<number>): Uint8Array {
  const rgba = new Uint8Array(entries.length * 4);
  entries.forEach((e, i) => {
    const [r, g, b] = rgbOf(e.colour);
    const alpha = focus.size && !focus.has(i) ? Math.min(e.alpha, FADED) : e.alpha;
    rgba.set([r, g, b, Math.round(alpha * 255)], i * 4);
  });
  return rgba;
}

/** `#rrggbb` → [r, g, b]. */
export function rgbOf(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/**
 * What the map's colours mean: by top-level cluster (as the list's swatches), by the run's label
 * column, by sub-cluster inside one drilled-into top-level cluster, by date (mapDates.ts) or by
 * predicted category. A scheme gives every point a category and every category a legend entry; the
 * renderer's palette is built from the entries, with the ones not in focus faded.
 *
 * The predicted category is Claude's suggested category of the point's cluster (its deepest cluster
 * that has one): the one prediction a run already holds for every row. A classifier over every row
 * would embed the whole file again (a normalised run's texts are not the ones in the embedding cache)
 * — minutes at 100k rows for a colouring; per-row predictions against a label column are what
 * Evaluate Classifier shows.
 */
import { isAncestorOrSelf, pathAtDepth, pathDepth } from '../../src/shared/clusterPath';
import type { RunView } from '../../src/shared/webviewProtocol';
import { PALETTE } from './colours';
import { dateText, datePeriods } from './mapDates';
import { topClusters } from './runView';

export type ColourBy = 'cluster' | 'label' | 'sub' | 'date' | 'category';

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
  /** Colouring by date: the ramp from the first to the last instant, for the legend's scale. */
  ramp?: { column: string; first: string; last: string; colours: string[] };
}

const GREY = '#808080';
const POINT_ALPHA = 0.9;
const NOISE_ALPHA = 0.35;
const FADED = 0.15;

/** The scheme for colouring by `by`; `drill` is the top-level cluster whose sub-clusters 'sub' shows. */
export function schemeOf(run: RunView, by: ColourBy, drill: string | null): Scheme {
  if (by === 'label' && run.points.label) return labelScheme(run, run.points.label);
  if (by === 'date' && run.points.date && run.points.dateColumn) return dateScheme(run.points.date, run.points.dateColumn);
  if (by === 'category' && hasCategories(run)) return categoryScheme(run);
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

function dateScheme(date: Float64Array, column: string): Scheme {
  const d = datePeriods(date);
  const span = d.last - d.first;
  const entries: LegendEntry[] = d.periods.map((p) => ({ name: p.from === p.to ? dateText(p.from, span) : `${dateText(p.from, span)} – ${dateText(p.to, span)}`, colour: p.colour, count: 0, clusterId: null, alpha: POINT_ALPHA }));
  const none = entries.push({ name: 'No date', colour: GREY, count: 0, clusterId: null, alpha: NOISE_ALPHA }) - 1;
  const categories = Uint16Array.from(d.period, (p) => (p < 0 ? none : p));
  for (const c of categories) entries[c].count++;
  const ramp = d.periods.length ? { column, first: dateText(d.first, span), last: dateText(d.last, span), colours: d.periods.map((p) => p.colour) } : undefined;
  return { by: 'date', categories, entries, ...(ramp ? { ramp } : {}) };
}

/** Whether any cluster has a suggested category (colour by predicted category is offered only then). */
export function hasCategories(run: RunView): boolean {
  return run.clusters.some((c) => c.category !== null);
}

function categoryScheme(run: RunView): Scheme {
  const byId = new Map(run.clusters.map((c) => [c.id, c]));
  // Each cluster's own category, else its nearest ancestor's.
  const categoryOf = run.clusters.map((c) => {
    for (let k: (typeof c) | undefined = c; k; k = k.parent === null ? undefined : byId.get(k.parent)) if (k.category !== null) return k.category;
    return null;
  });
  const counts = new Map<string, number>();
  for (const c of run.points.cluster) {
    const name = c < 0 ? null : categoryOf[c];
    if (name !== null) counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  const names = [...counts.keys()].sort((a, b) => counts.get(b)! - counts.get(a)! || a.localeCompare(b));
  const index = new Map(names.map((n, i) => [n, i]));
  const entries: LegendEntry[] = names.map((name, i) => ({ name, colour: PALETTE[i % PALETTE.length], count: 0, clusterId: null, alpha: POINT_ALPHA }));
  const none = entries.push({ name: 'No suggested category', colour: GREY, count: 0, clusterId: null, alpha: NOISE_ALPHA }) - 1;
  const ofCluster = Int32Array.from(categoryOf, (name) => (name === null ? none : index.get(name)!));
  return assign(run, entries, (c) => (c < 0 ? none : ofCluster[c]), 'category');
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

/**
 * adapter-maps.svg: the same rows laid out from the base vectors and through the adapter, side by
 * side, each dot coloured by its given label, with the k-means ARI / NMI of each space under its map
 * and a legend of the labels (the Tableau palette repeats past ten classes; the legend names them all).
 */
import type { AdapterEffect, Evaluation } from '../../../shared/evaluation';
import { fixed, name, page, PALETTE, xml } from './svgText';

const MAP = 360;
const GAP = 40;
const LEFT = 20;
const TOP = 50;
const LEGEND_ROW = 16;

/** Each map's points scaled into a MAP × MAP square (its own bounds: the two spaces differ in scale). */
function scaled(xy: readonly number[]): [number, number][] {
  let minX = Infinity;
  let maxX = -Infinity;
  let minY = Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < xy.length; i += 2) {
    minX = Math.min(minX, xy[i]);
    maxX = Math.max(maxX, xy[i]);
    minY = Math.min(minY, xy[i + 1]);
    maxY = Math.max(maxY, xy[i + 1]);
  }
  const pad = 8;
  const sx = (MAP - 2 * pad) / (maxX - minX || 1);
  const sy = (MAP - 2 * pad) / (maxY - minY || 1);
  const out: [number, number][] = [];
  for (let i = 0; i < xy.length; i += 2) out.push([pad + (xy[i] - minX) * sx, MAP - pad - (xy[i + 1] - minY) * sy]);
  return out;
}

function panel(x0: number, title: string, xy: readonly number[], label: readonly number[], score: string): string[] {
  const body = [`<text x="${x0}" y="${TOP - 8}" font-weight="bold">${xml(title)}</text>`, `<rect x="${x0}" y="${TOP}" width="${MAP}" height="${MAP}" fill="none" stroke="#999999"/>`];
  scaled(xy).forEach(([x, y], i) => body.push(`<circle cx="${fixed(x0 + x)}" cy="${fixed(TOP + y)}" r="2" fill="${PALETTE[label[i] % PALETTE.length]}" fill-opacity="0.8"/>`));
  body.push(`<text x="${x0}" y="${TOP + MAP + 18}">${xml(score)}</text>`);
  return body;
}

/** The picture, or null when the evaluation has no maps (no adapter, or an evaluation from before them). */
export function adapterMapsSvg(e: Evaluation): string | null {
  const a: AdapterEffect | null = e.adapterEffect;
  const m = a?.maps;
  if (!a || !m) return null;
  const legendX = LEFT + 2 * MAP + GAP + 30;
  const shown = [...new Set(m.label)].sort((p, q) => p - q);
  const height = Math.max(TOP + MAP + 40, TOP + shown.length * LEGEND_ROW + 20);
  const body = [
    ...panel(LEFT, 'base sentence vectors', m.base, m.label, `k-means against the labels: ARI ${fixed(a.ariBase, 3)}, NMI ${fixed(a.nmiBase, 3)}`),
    ...panel(LEFT + MAP + GAP, "through the classifier's adapter", m.adapted, m.label, `k-means against the labels: ARI ${fixed(a.ariAdapted, 3)}, NMI ${fixed(a.nmiAdapted, 3)}`),
  ];
  shown.forEach((l, i) => {
    const y = TOP + i * LEGEND_ROW;
    body.push(`<rect x="${legendX}" y="${y}" width="10" height="10" fill="${PALETTE[l % PALETTE.length]}"/><text x="${legendX + 14}" y="${y + 9}" font-size="11">${name(e.labels[l] ?? String(l), 40)}</text>`);
  });
  return page(legendX + 300, height, `The adapter's effect on ${m.label.length} rows of ${e.model.task}, coloured by the label in “${e.input.labelColumn}” (UMAP of each space)`, body);
}

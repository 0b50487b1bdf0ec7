/**
 * sizes.svg: the top-level clusters' sizes as a bar chart, largest first and noise last, each bar
 * named as the views name it (clusterName) with its row count and share — the size chart the insights
 * pipeline this grew from writes beside its maps. SVG rather than PNG because the names are text: an
 * SVG carries them as text (VS Code previews it, a browser scales it), where a PNG would need a font
 * rasteriser. Names come from tickets and LLM answers, so every one is XML-escaped.
 */
import { join } from 'node:path';
import { clusterName, type ClusterRecord } from '../../shared/api';
import { writeFileAtomic } from '../data/atomic';
import { name as clippedName, oneLine, xml } from '../evaluation/svg/svgText';

export const SIZES_SVG = 'sizes.svg';

const BAR = 18;
const GAP = 6;
const NAME_W = 300;
const BAR_W = 420;
const NAME_CHARS = 45;

export function sizeChartSvg(clusters: readonly ClusterRecord[], rows: number): string {
  const top = clusters.filter((c) => c.depth === 1).sort((a, b) => Number(a.isNoise) - Number(b.isNoise) || b.size - a.size);
  const max = Math.max(1, ...top.map((c) => c.size));
  const height = GAP + top.length * (BAR + GAP) + 24;
  const width = NAME_W + BAR_W + 140;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${GAP}" y="16" font-weight="bold">Cluster sizes (${rows} rows)</text>`,
  ];
  top.forEach((c, i) => {
    const y = 24 + GAP + i * (BAR + GAP);
    const w = Math.max(1, Math.round((c.size / max) * BAR_W));
    const label = clippedName(c.isNoise ? 'Noise (unclustered)' : clusterName(c), NAME_CHARS);
    const share = rows > 0 ? ((c.size / rows) * 100).toFixed(1) : '0.0';
    out.push(
      `<g><title>${xml(`${c.id}: ${oneLine(clusterName(c))}`)}</title>`,
      `<text x="${NAME_W - GAP}" y="${y + BAR - 5}" text-anchor="end">${label}</text>`,
      `<rect x="${NAME_W}" y="${y}" width="${w}" height="${BAR}" fill="${c.isNoise ? '#c8c8c8' : '#1f77b4'}"/>`,
      `<text x="${NAME_W + w + GAP}" y="${y + BAR - 5}">${c.size} (${share}%)</text></g>`,
    );
  });
  out.push('</svg>');
  return out.join('\n');
}

export async function writeSizeChart(dir: string, clusters: readonly ClusterRecord[], rows: number): Promise<void> {
  await writeFileAtomic(join(dir, SIZES_SVG), sizeChartSvg(clusters, rows));
}

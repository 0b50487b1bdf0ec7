/** per-class.svg: precision, recall and F1 of each class as three bars, in the evaluation's class order. */
import type { Evaluation } from '../../../shared/evaluation';
import { fixed, name, page, PALETTE } from './svgText';

const METRICS = [
  ['precision', PALETTE[0]],
  ['recall', PALETTE[1]],
  ['f1', PALETTE[2]],
] as const;

export function perClassSvg(e: Evaluation): string {
  const nameW = 320;
  const barW = 420;
  const bar = 6;
  const group = 3 * bar + 8;
  const top = 50;
  const height = top + e.perClass.length * group + 40;
  const width = nameW + barW + 130;
  const body: string[] = [];
  METRICS.forEach(([m, colour], k) => {
    body.push(`<rect x="${nameW + k * 110}" y="28" width="10" height="10" fill="${colour}"/><text x="${nameW + k * 110 + 14}" y="37">${m === 'f1' ? 'F1' : m}</text>`);
  });
  e.perClass.forEach((c, i) => {
    const y = top + i * group;
    body.push(`<text x="${nameW - 8}" y="${y + group / 2 + 2}" text-anchor="end" font-size="11">${name(c.label, 40)} (${c.support})</text>`);
    METRICS.forEach(([m, colour], k) => {
      const w = Math.max(0.5, c[m] * barW);
      body.push(`<rect x="${nameW}" y="${y + k * bar}" width="${fixed(w)}" height="${bar - 1}" fill="${colour}"><title>${m} ${fixed(100 * c[m])}%</title></rect>`);
    });
    body.push(`<text x="${nameW + barW + 8}" y="${y + group / 2 + 2}" font-size="11">F1 ${fixed(100 * c.f1)}%</text>`);
  });
  for (const t of [0, 0.5, 1]) body.push(`<line x1="${nameW + t * barW}" y1="${top - 4}" x2="${nameW + t * barW}" y2="${height - 36}" stroke="#999999" stroke-dasharray="2,3"/><text x="${nameW + t * barW}" y="${height - 22}" text-anchor="middle">${t * 100}%</text>`);
  return page(width, height, `Precision, recall and F1 per class of ${e.model.task} (macro-F1 ${fixed(100 * e.macroF1)}%)`, body);
}

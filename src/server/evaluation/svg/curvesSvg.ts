/**
 * roc.svg (one-vs-rest ROC curves, the micro-average drawn thick) and reliability.svg (accuracy
 * against confidence per bin, the diagonal being perfect calibration): line plots on a unit square.
 */
import type { Evaluation } from '../../../shared/evaluation';
import { fixed, name, page, PALETTE } from './svgText';

const SIDE = 400;
const LEFT = 60;
const TOP = 40;

const px = (x: number) => fixed(LEFT + x * SIDE, 2);
const py = (y: number) => fixed(TOP + (1 - y) * SIDE, 2);

function axes(xTitle: string, yTitle: string): string[] {
  const out = [`<rect x="${LEFT}" y="${TOP}" width="${SIDE}" height="${SIDE}" fill="none" stroke="#666666"/>`];
  for (const t of [0, 0.25, 0.5, 0.75, 1]) {
    out.push(`<text x="${px(t)}" y="${TOP + SIDE + 16}" text-anchor="middle" font-size="11">${t}</text>`, `<text x="${LEFT - 6}" y="${fixed(TOP + (1 - t) * SIDE + 4)}" text-anchor="end" font-size="11">${t}</text>`);
  }
  out.push(
    `<text x="${LEFT + SIDE / 2}" y="${TOP + SIDE + 34}" text-anchor="middle">${xTitle}</text>`,
    `<text transform="translate(16,${TOP + SIDE / 2}) rotate(-90)" text-anchor="middle">${yTitle}</text>`,
    `<line x1="${px(0)}" y1="${py(0)}" x2="${px(1)}" y2="${py(1)}" stroke="#999999" stroke-dasharray="4,4"/>`,
  );
  return out;
}

/** Curves for at most this many classes get a legend entry (the weakest by AUC); the rest are drawn grey. */
const NAMED_CURVES = 10;

export function rocSvg(e: Evaluation): string {
  const named = [...e.roc.perClass].filter((c) => c.auc !== null).sort((a, b) => (a.auc ?? 1) - (b.auc ?? 1)).slice(0, NAMED_CURVES);
  const body = axes('false-positive rate', 'true-positive rate');
  const line = (pts: [number, number][]) => pts.map(([x, y]) => `${px(x)},${py(y)}`).join(' ');
  for (const c of e.roc.perClass) if (!named.includes(c) && c.points.length) body.push(`<polyline points="${line(c.points)}" fill="none" stroke="#cccccc" stroke-width="1"/>`);
  named.forEach((c, i) => body.push(`<polyline points="${line(c.points)}" fill="none" stroke="${PALETTE[i % PALETTE.length]}" stroke-width="1.5"/>`));
  body.push(`<polyline points="${line(e.roc.micro.points)}" fill="none" stroke="#000000" stroke-width="3"/>`);
  const lx = LEFT + SIDE + 20;
  body.push(`<line x1="${lx}" y1="${TOP + 6}" x2="${lx + 20}" y2="${TOP + 6}" stroke="#000000" stroke-width="3"/><text x="${lx + 26}" y="${TOP + 10}">micro-average (AUC ${fixed(e.roc.micro.auc ?? 0, 3)})</text>`);
  named.forEach((c, i) => {
    const y = TOP + 26 + i * 18;
    body.push(`<line x1="${lx}" y1="${y}" x2="${lx + 20}" y2="${y}" stroke="${PALETTE[i % PALETTE.length]}" stroke-width="2"/><text x="${lx + 26}" y="${y + 4}">${name(c.label, 30)} (${fixed(c.auc ?? 0, 3)})</text>`);
  });
  if (e.roc.perClass.length > named.length) body.push(`<text x="${lx}" y="${TOP + 34 + named.length * 18}" fill="#777777">grey: the other ${e.roc.perClass.length - named.length} classes</text>`);
  return page(LEFT + SIDE + 320, TOP + SIDE + 50, `ROC curves of ${e.model.task}, one class against the rest (the ${named.length} lowest AUC named; macro AUC ${e.macroAuc === null ? 'n/a' : fixed(e.macroAuc, 3)})`, body);
}

export function reliabilitySvg(e: Evaluation): string {
  const body = axes('confidence (top-class probability)', 'accuracy');
  const { bins, ece } = e.reliability;
  const maxCount = Math.max(1, ...bins.map((b) => b.count));
  for (const b of bins) {
    const w = (b.hi - b.lo) * SIDE;
    if (b.accuracy !== null) body.push(`<rect x="${px(b.lo)}" y="${py(b.accuracy)}" width="${fixed(w - 2)}" height="${fixed(b.accuracy * SIDE, 2)}" fill="${PALETTE[0]}" fill-opacity="0.75"><title>${fixed(100 * b.lo, 0)}–${fixed(100 * b.hi, 0)}%: ${b.count} rows, accuracy ${fixed(100 * b.accuracy)}%</title></rect>`);
    if (b.meanConfidence !== null) body.push(`<circle cx="${px(b.meanConfidence)}" cy="${py(b.meanConfidence)}" r="3" fill="${PALETTE[3]}"/>`);
    // rows per bin, as a thin strip under the plot
    body.push(`<rect x="${px(b.lo)}" y="${TOP + SIDE + 40}" width="${fixed(w - 2)}" height="${fixed((8 * b.count) / maxCount + (b.count ? 1 : 0), 2)}" fill="#777777"/>`);
  }
  body.push(`<text x="${LEFT + SIDE + 20}" y="${TOP + 10}">bars: accuracy per bin</text>`, `<text x="${LEFT + SIDE + 20}" y="${TOP + 28}" fill="${PALETTE[3]}">dots: mean confidence</text>`, `<text x="${LEFT + SIDE + 20}" y="${TOP + 46}">ECE ${fixed(ece, 4)}</text>`, `<text x="${LEFT + SIDE + 20}" y="${TOP + SIDE + 48}" fill="#777777">rows per bin</text>`);
  return page(LEFT + SIDE + 220, TOP + SIDE + 60, `Reliability of ${e.model.task}: ${bins.length} confidence bins`, body);
}

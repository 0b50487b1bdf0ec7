/**
 * confusion.svg: the confusion matrix as a heatmap in the evaluation's class order, each cell shaded by
 * the share of its row (the given class) it holds, with the count written in it while the cells are
 * big enough to read.
 */
import type { Evaluation } from '../../../shared/evaluation';
import { fixed, name, page, xml } from './svgText';

export function confusionSvg(e: Evaluation): string {
  const C = e.labels.length;
  const cell = Math.max(10, Math.min(36, Math.floor(900 / Math.max(1, C))));
  const nameW = 200;
  const top = 40 + nameW;
  const left = nameW + 30;
  const width = left + C * cell + 20;
  const height = top + C * cell + 40;
  const body: string[] = [];
  const font = Math.min(12, Math.max(7, cell - 4));
  e.labels.forEach((l, i) => {
    body.push(`<text x="${left - 6}" y="${top + i * cell + cell / 2 + 4}" text-anchor="end" font-size="${font}">${name(l)}</text>`);
    const x = left + i * cell + cell / 2 + 4;
    body.push(`<text transform="translate(${x},${top - 6}) rotate(-90)" font-size="${font}">${name(l)}</text>`);
  });
  e.confusion.forEach((row, i) => {
    const total = row.reduce((s, v) => s + v, 0);
    row.forEach((v, j) => {
      const share = total ? v / total : 0;
      const fill = i === j ? `rgba(31,119,180,${fixed(0.08 + 0.92 * share, 3)})` : v ? `rgba(214,39,40,${fixed(0.15 + 0.85 * share, 3)})` : '#f5f5f5';
      body.push(`<rect x="${left + j * cell}" y="${top + i * cell}" width="${cell - 1}" height="${cell - 1}" fill="${fill}"><title>${xml(`${e.labels[i]} → ${e.labels[j]}: ${v} of ${total}`)}</title></rect>`);
      if (v && cell >= 18) body.push(`<text x="${left + j * cell + cell / 2}" y="${top + i * cell + cell / 2 + 4}" text-anchor="middle" font-size="${Math.min(11, cell / 2.6)}" fill="${share > 0.6 ? '#ffffff' : '#000000'}">${v}</text>`);
    });
  });
  body.push(`<text x="${left}" y="${top + C * cell + 24}">rows: given label · columns: predicted · blue: right, red: wrong (shade: share of the row)</text>`);
  return page(width, height, `Confusion matrix of ${e.model.task} (${e.rows} rows, accuracy ${fixed(100 * e.accuracy)}%)`, body);
}

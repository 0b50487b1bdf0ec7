/**
 * What every evaluation picture shares: XML escaping (class names and tickets come from the user's
 * data), one-line clipped names (also the run's size chart, run/sizeChart.ts), the page frame and a categorical palette (Tableau 10, the one
 * matplotlib draws with, so the pictures read like the notebooks this grew from).
 */
export const xml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

// Control characters are not allowed in XML 1.0 even escaped; a label from a CSV may hold them.
// eslint-disable-next-line no-control-regex -- matching them is the point
export const oneLine = (s: string): string => s.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s+/g, ' ').trim();

/** A name on one line, at most `max` characters, escaped. */
export const name = (s: string, max = 32): string => {
  const l = oneLine(s);
  return xml(l.length > max ? `${l.slice(0, max - 1)}…` : l);
};

export const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

export function page(width: number, height: number, title: string, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="10" y="18" font-weight="bold">${xml(title)}</text>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

export const fixed = (x: number, d = 1): string => x.toFixed(d);

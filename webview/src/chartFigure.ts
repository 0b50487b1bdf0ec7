/**
 * A Chart.js chart as the report pages (profile, evaluation) show it. A canvas says nothing to a
 * screen reader and takes no focus, so each chart is an image with a label, followed by a button that
 * shows the same numbers as a table. Colours are the theme's (--vscode-charts-*): a chart is described
 * by a function of the theme, and rebuilt from it whenever VS Code switches theme. Chart.js was chosen
 * for its CSP fit and size (webview/src/profile/charts.ts, docs/measurements/charts.md); each page
 * registers the chart parts it draws.
 */
import { Chart, type ChartConfiguration } from 'chart.js';
import { el } from './dom';

/** Series colours, by the theme's chart colour names. */
const SERIES = ['--vscode-charts-blue', '--vscode-charts-orange', '--vscode-charts-green', '--vscode-charts-red', '--vscode-charts-purple', '--vscode-charts-yellow'];
const FALLBACK = ['#3794ff', '#d18616', '#89d185', '#f14c4c', '#b180d7', '#cca700'];

export interface Theme {
  series: string[];
  text: string;
  grid: string;
  font: string;
}

function theme(): Theme {
  const css = getComputedStyle(document.body);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  return { series: SERIES.map((s, i) => v(s, FALLBACK[i])), text: v('--vscode-foreground', '#cccccc'), grid: v('--vscode-charts-lines', 'rgba(128,128,128,0.35)'), font: v('--vscode-font-family', 'sans-serif') };
}

/** The table a chart's button shows: its header and rows of text (the first column names, the others are numbers). */
export interface TableSpec {
  head: string[];
  rows: string[][];
}

/** A chart in the colours of a theme. */
export type Build = (t: Theme) => ChartConfiguration;

const charts = new Map<Chart, Build>();

export interface FigureOptions {
  /** The chart's height in pixels (default: the page's .chart rule). */
  height?: number;
  /** Show the title above the chart (a page whose sections already name their charts leaves it out). */
  caption?: boolean;
}

export function chartFigure(title: string, build: Build, table: TableSpec, o: FigureOptions = {}): HTMLElement {
  const fig = el('figure');
  const box = el('div', { class: 'chart' });
  // Set through the CSSOM, which the CSP allows (a style attribute it would refuse).
  if (o.height) box.style.height = `${o.height}px`;
  const canvas = el('canvas', { role: 'img', 'aria-label': `${title}; the button below shows it as a table.` });
  box.append(canvas);
  const t = el('table');
  t.append(el('caption', { class: 'note' }, title));
  const tr = el('tr');
  table.head.forEach((h, i) => tr.append(el('th', { scope: 'col', ...(i ? { class: 'num' } : {}) }, h)));
  t.append(tr);
  for (const r of table.rows) {
    const row = el('tr');
    r.forEach((c, i) => row.append(el('td', i ? { class: 'num' } : {}, c)));
    t.append(row);
  }
  t.hidden = true;
  const toggle = el('button', { class: 'toggle', type: 'button', 'aria-expanded': 'false' }, 'Show as table');
  toggle.addEventListener('click', () => {
    t.hidden = !t.hidden;
    toggle.setAttribute('aria-expanded', String(!t.hidden));
    toggle.textContent = t.hidden ? 'Show as table' : 'Hide table';
  });
  if (o.caption !== false) fig.append(el('figcaption', {}, title));
  fig.append(box, toggle, t);
  // Drawn once in the page: Chart.js measures its container.
  requestAnimationFrame(() => charts.set(new Chart(canvas, build(theme())), build));
  return fig;
}

/** Forgets the charts of a page about to be replaced. */
export function clearCharts(): void {
  for (const c of charts.keys()) c.destroy();
  charts.clear();
}

/** VS Code switches theme by changing the body's class: every chart is rebuilt in the new colours. */
export function followTheme(): void {
  new MutationObserver(() => {
    const t = theme();
    for (const [c, build] of charts) {
      const next = build(t);
      c.data = next.data;
      c.options = next.options ?? {};
      c.update();
    }
  }).observe(document.body, { attributes: true, attributeFilter: ['class'] });
}

/**
 * The evaluation's charts, drawn by Chart.js on a canvas (chosen for the profile page for its CSP fit
 * and size: webview/src/profile/charts.ts): per-class precision / recall / F1 bars, ROC curves,
 * the reliability diagram and the adapter's ARI / NMI bars. As on the profile page, each canvas is an
 * image with a label followed by a button that shows the same numbers as a table, and the colours are
 * the theme's, read again when VS Code switches theme.
 */
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip, type ChartConfiguration } from 'chart.js';
import { el } from '../dom';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, Legend, Tooltip);

/** Series colours, by the theme's chart colour names. */
const SERIES = ['--vscode-charts-blue', '--vscode-charts-orange', '--vscode-charts-green', '--vscode-charts-red', '--vscode-charts-purple', '--vscode-charts-yellow'];
const FALLBACK = ['#3794ff', '#d18616', '#89d185', '#f14c4c', '#b180d7', '#cca700'];

interface Theme {
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

/** The table a chart's button shows: its caption, header and rows of text. */
export interface TableSpec {
  head: string[];
  rows: string[][];
}

/** A chart's datasets say which series colour they take (`colour`: an index into SERIES). */
type Build = (t: Theme) => ChartConfiguration;

const charts = new Map<Chart, Build>();

function figure(title: string, build: Build, table: TableSpec, height?: number): HTMLElement {
  const fig = el('figure');
  const box = el('div', { class: 'chart' });
  if (height) box.style.height = `${height}px`;
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
  fig.append(el('figcaption', {}, title), box, toggle, t);
  // Drawn once in the page: Chart.js measures its container.
  requestAnimationFrame(() => {
    const c = new Chart(canvas, build(theme()));
    charts.set(c, build);
  });
  return fig;
}

const axis = (t: Theme, title: string, extra: Record<string, unknown> = {}) => ({ title: { display: true, text: title, color: t.text }, ticks: { color: t.text }, grid: { color: t.grid }, ...extra });
const base = (t: Theme) => ({ responsive: true, maintainAspectRatio: false, animation: false as const, font: { family: t.font }, plugins: { legend: { labels: { color: t.text } }, tooltip: { enabled: true } } });

export interface BarsSpec {
  title: string;
  categories: string[];
  categoryName: string;
  series: { name: string; values: number[] }[];
  valueName: string;
  max?: number;
  horizontal?: boolean;
  format: (v: number) => string;
}

/** Grouped bars: one group per category, one bar per series. */
export function bars(s: BarsSpec): HTMLElement {
  const build: Build = (t) => ({
    type: 'bar',
    data: { labels: s.categories, datasets: s.series.map((d, i) => ({ label: d.name, data: d.values, backgroundColor: t.series[i], borderColor: t.series[i] })) },
    options: {
      ...base(t),
      indexAxis: s.horizontal ? 'y' : 'x',
      scales: s.horizontal ? { x: axis(t, s.valueName, { min: 0, max: s.max }), y: axis(t, s.categoryName, { ticks: { color: t.text, autoSkip: false } }) } : { x: axis(t, s.categoryName), y: axis(t, s.valueName, { min: 0, max: s.max }) },
    },
  });
  const height = s.horizontal ? Math.max(240, s.categories.length * (8 * s.series.length + 6) + 80) : undefined;
  return figure(s.title, build, { head: [s.categoryName, ...s.series.map((d) => d.name)], rows: s.categories.map((c, i) => [c, ...s.series.map((d) => s.format(d.values[i]))]) }, height);
}

export interface CurvesSpec {
  title: string;
  xName: string;
  yName: string;
  curves: { name: string; points: [number, number][]; width?: number; dashed?: boolean; colour?: number }[];
  table: TableSpec;
}

/** Lines on the unit square (ROC curves, the reliability curve and its diagonal). */
export function curves(s: CurvesSpec): HTMLElement {
  const build: Build = (t) => ({
    type: 'line',
    data: {
      datasets: s.curves.map((c, i) => {
        const colour = c.colour === undefined ? t.series[i % t.series.length] : c.colour < 0 ? t.grid : t.series[c.colour];
        const data = c.points.map(([x, y]) => ({ x, y }));
        return { label: c.name, data, borderColor: colour, backgroundColor: colour, borderWidth: c.width ?? 1.5, borderDash: c.dashed ? [4, 4] : [], pointRadius: c.points.length <= 12 ? 3 : 0, tension: 0 };
      }),
    },
    options: { ...base(t), scales: { x: axis(t, s.xName, { type: 'linear', min: 0, max: 1 }), y: axis(t, s.yName, { min: 0, max: 1 }) } },
  });
  return figure(s.title, build, s.table, 380);
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

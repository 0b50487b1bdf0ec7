/**
 * Bar charts for the profile page, drawn by Chart.js on a canvas. Chart.js rather than Observable Plot:
 * both run without eval, but Plot appends a <style> element to every chart, which this page's CSP (a
 * nonce on the one stylesheet, no 'unsafe-inline') refuses; Chart.js styles its canvas through the
 * CSSOM only. It is also the smaller of the two in this bundle: measured with esbuild's metafile
 * (minified ESM, es2022), the bar chart with the components registered below is 151 KB (53 KB gzip)
 * against Plot's 250 KB (86 KB gzip); docs/measurements/charts.md.
 *
 * A canvas says nothing to a screen reader and takes no focus, so each chart is an image with a
 * label, followed by a button that shows the same numbers as a table. Colours are the theme's
 * (--vscode-charts-*), read again whenever VS Code switches theme.
 */
import { BarController, BarElement, CategoryScale, Chart, LinearScale, Tooltip, type ChartConfiguration } from 'chart.js';
import { el } from '../dom';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);

export interface BarSpec {
  /** The chart's accessible name and the table's caption. */
  title: string;
  labels: string[];
  values: number[];
  /** What a bar counts, and what the categories are: the axis titles and the table's headers. */
  valueName: string;
  categoryName: string;
  /** Bars across (many long category names, e.g. labels or words). */
  horizontal?: boolean;
}

interface Theme {
  bar: string;
  text: string;
  grid: string;
  font: string;
}

const charts = new Set<Chart<'bar'>>();

function theme(): Theme {
  const css = getComputedStyle(document.body);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  return {
    bar: v('--vscode-charts-blue', '#3794ff'),
    text: v('--vscode-foreground', '#cccccc'),
    grid: v('--vscode-charts-lines', 'rgba(128,128,128,0.35)'),
    font: v('--vscode-font-family', 'sans-serif'),
  };
}

function config(spec: BarSpec, t: Theme): ChartConfiguration<'bar'> {
  // Bars across get a row each (see barChart): every category is named. Bars up may thin out their names.
  const axis = (title: string, every = false) => ({ title: { display: true, text: title, color: t.text }, ticks: { color: t.text, autoSkip: !every }, grid: { color: t.grid } });
  return {
    type: 'bar',
    data: { labels: spec.labels, datasets: [{ label: spec.valueName, data: spec.values, backgroundColor: t.bar, borderColor: t.bar }] },
    options: {
      indexAxis: spec.horizontal ? 'y' : 'x',
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      font: { family: t.font },
      plugins: { tooltip: { enabled: true } },
      scales: spec.horizontal ? { x: axis(spec.valueName), y: axis(spec.categoryName, true) } : { x: axis(spec.categoryName), y: axis(spec.valueName) },
    },
  };
}

/** The same numbers as a table (hidden until its button shows it). */
function dataTable(spec: BarSpec): HTMLTableElement {
  const table = el('table');
  table.append(el('caption', { class: 'note' }, spec.title));
  const head = el('tr');
  head.append(el('th', { scope: 'col' }, spec.categoryName), el('th', { scope: 'col', class: 'num' }, spec.valueName));
  table.append(head);
  spec.labels.forEach((l, i) => {
    const tr = el('tr');
    tr.append(el('td', {}, l), el('td', { class: 'num' }, spec.values[i].toLocaleString()));
    table.append(tr);
  });
  return table;
}

/** A chart, its accessible name, and a button that shows or hides its table. */
export function barChart(spec: BarSpec): HTMLElement {
  const figure = el('figure');
  const box = el('div', { class: 'chart' });
  // Set through the CSSOM, which the CSP allows (a style attribute it would refuse).
  if (spec.horizontal) box.style.height = `${Math.max(240, 18 * spec.labels.length + 70)}px`;
  const canvas = el('canvas', { role: 'img', 'aria-label': `${spec.title}: bar chart; the button below shows it as a table.` });
  box.append(canvas);
  const table = dataTable(spec);
  table.hidden = true;
  const toggle = el('button', { class: 'toggle', type: 'button', 'aria-expanded': 'false' }, 'Show as table');
  toggle.addEventListener('click', () => {
    table.hidden = !table.hidden;
    toggle.setAttribute('aria-expanded', String(!table.hidden));
    toggle.textContent = table.hidden ? 'Show as table' : 'Hide table';
  });
  figure.append(box, toggle, table);
  // Drawn once in the page: Chart.js measures its container.
  requestAnimationFrame(() => charts.add(new Chart(canvas, config(spec, theme()))));
  return figure;
}

/** Forgets the charts of a page about to be replaced. */
export function clearCharts(): void {
  for (const c of charts) c.destroy();
  charts.clear();
}

/** VS Code switches theme by changing the body's class: recolour every chart in place. */
export function followTheme(): void {
  new MutationObserver(() => {
    const t = theme();
    for (const c of charts) {
      const ds = c.data.datasets[0];
      ds.backgroundColor = t.bar;
      ds.borderColor = t.bar;
      for (const s of Object.values(c.options.scales ?? {})) {
        if (!s) continue;
        const scale = s as { ticks?: { color?: string }; grid?: { color?: string }; title?: { color?: string } };
        if (scale.ticks) scale.ticks.color = t.text;
        if (scale.grid) scale.grid.color = t.grid;
        if (scale.title) scale.title.color = t.text;
      }
      c.update();
    }
  }).observe(document.body, { attributes: true, attributeFilter: ['class'] });
}

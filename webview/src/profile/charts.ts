/**
 * Bar charts for the profile page, drawn by Chart.js on a canvas. Chart.js rather than Observable Plot:
 * both run without eval, but Plot appends a <style> element to every chart, which this page's CSP (a
 * nonce on the one stylesheet, no 'unsafe-inline') refuses; Chart.js styles its canvas through the
 * CSSOM only. It is also the smaller of the two in this bundle: measured with esbuild's metafile
 * (minified ESM, es2022), the bar chart with the components registered below is 151 KB (53 KB gzip)
 * against Plot's 250 KB (86 KB gzip); docs/measurements/charts.md.
 *
 * Each chart is an image with a label and a button that shows it as a table, in the theme's colours
 * (../chartFigure.ts).
 */
import { BarController, BarElement, CategoryScale, Chart, LinearScale, Tooltip, type ChartConfiguration } from 'chart.js';
import { chartFigure, type Theme } from '../chartFigure';

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

function config(spec: BarSpec, t: Theme): ChartConfiguration<'bar'> {
  const bar = t.series[0];
  // Bars across get a row each (see barChart): every category is named. Bars up may thin out their names.
  const axis = (title: string, every = false) => ({ title: { display: true, text: title, color: t.text }, ticks: { color: t.text, autoSkip: !every }, grid: { color: t.grid } });
  return {
    type: 'bar',
    data: { labels: spec.labels, datasets: [{ label: spec.valueName, data: spec.values, backgroundColor: bar, borderColor: bar }] },
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

/** A bar chart, its accessible name, and a button that shows or hides its table; the page's sections name their charts. */
export function barChart(spec: BarSpec): HTMLElement {
  const table = { head: [spec.categoryName, spec.valueName], rows: spec.labels.map((l, i) => [l, spec.values[i].toLocaleString()]) };
  const height = spec.horizontal ? Math.max(240, 18 * spec.labels.length + 70) : undefined;
  return chartFigure(spec.title, (t) => config(spec, t), table, { height, caption: false });
}

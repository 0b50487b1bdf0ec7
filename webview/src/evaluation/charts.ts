/**
 * The evaluation's charts, drawn by Chart.js on a canvas (chosen for the profile page for its CSP fit
 * and size: webview/src/profile/charts.ts): per-class precision / recall / F1 bars, ROC curves,
 * the reliability diagram, the adapter's ARI / NMI bars and its two maps (scatters). As on the profile page, each canvas is an
 * image with a label followed by a button that shows the same numbers as a table, and the colours are
 * the theme's, read again when VS Code switches theme (../chartFigure.ts).
 */
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, ScatterController, Tooltip } from 'chart.js';
import { chartFigure, type Build, type TableSpec, type Theme } from '../chartFigure';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, ScatterController, Legend, Tooltip);

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
  return chartFigure(s.title, build, { head: [s.categoryName, ...s.series.map((d) => d.name)], rows: s.categories.map((c, i) => [c, ...s.series.map((d) => s.format(d.values[i]))]) }, { height });
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
  return chartFigure(s.title, build, s.table, { height: 380 });
}

export interface ScatterSpec {
  title: string;
  /** x, y pairs, point i at 2i. */
  xy: readonly number[];
  /** Each point's group (an index into `groups`). */
  group: readonly number[];
  groups: string[];
  /** A colour per group (the same group wears the same colour in every scatter of a page). */
  colours: string[];
  table: TableSpec;
}

/** Points coloured by group, without axes: a 2-D layout's coordinates mean nothing on their own. */
export function scatter(s: ScatterSpec): HTMLElement {
  const build: Build = (t) => ({
    type: 'scatter',
    data: {
      datasets: s.groups.map((name, g) => ({
        label: name,
        data: s.group.flatMap((k, i) => (k === g ? [{ x: s.xy[2 * i], y: s.xy[2 * i + 1] }] : [])),
        backgroundColor: s.colours[g],
        borderColor: s.colours[g],
        pointRadius: 2,
      })),
    },
    options: { ...base(t), plugins: { legend: { display: false }, tooltip: { enabled: true } }, scales: { x: { display: false }, y: { display: false } } },
  });
  return chartFigure(s.title, build, s.table, { height: 340 });
}

/**
 * The Trends section of the summary (when the run has trends.json): tickets per day or week of the
 * largest clusters and of new/unassigned tickets as lines on a canvas, a legend with each line's last
 * window against the one before, and the emerging topics with example tickets. Drawn by hand like the
 * map (no charting library, nothing the CSP would have to allow); every name and ticket is textContent.
 */
import { keywordName } from '../../src/shared/clusterName';
import type { TrendSeries, TrendsFile } from '../../src/shared/trends';
import type { RunView } from '../../src/shared/webviewProtocol';
import { prepareCanvas } from './canvas';
import { PALETTE } from './colours';
import { el } from './dom';
import { bucketAt, chartSeries, labelledBuckets, niceMax, toScreen, type Frame } from './trendsGeometry';
import { topClusters } from './runView';

const EXAMPLES_SHOWN = 2;

/** A theme colour as the canvas needs it (a CSS variable resolved), else the fallback. */
function themeColour(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

export class TrendsChart {
  readonly canvas = el('canvas', { class: 'trends', role: 'img' });
  private series: TrendSeries[] = [];
  private colours: string[] = [];
  private frame: Frame | null = null;

  constructor(
    private readonly trends: TrendsFile,
    run: RunView,
    private readonly tip: HTMLElement,
  ) {
    // Shorter than the map (the stylesheet's canvas rule), set through the CSSOM, which the CSP allows.
    this.canvas.style.height = '240px';
    this.series = chartSeries(trends);
    const index = new Map(topClusters(run).map((c, i) => [c.id, i]));
    // A cluster's line wears its colour in the list and on the map; new/unassigned the theme's red.
    this.colours = this.series.map((s) => (s.cluster === 'new' ? themeColour('--vscode-charts-red', '#e51400') : PALETTE[(index.get(s.cluster) ?? 0) % PALETTE.length]));
    this.canvas.setAttribute('aria-label', `Tickets per ${trends.bucket} of the ${this.series.length} largest series, ${trends.buckets[0] ?? ''} to ${trends.buckets[trends.buckets.length - 1] ?? ''}`);
    this.canvas.addEventListener('mousemove', (e) => this.hover(e));
    this.canvas.addEventListener('mouseleave', () => (this.tip.style.display = 'none'));
  }

  /** The section: heading, chart, legend with growth, emerging topics. */
  section(): HTMLElement {
    const t = this.trends;
    const box = el('section', { class: 'trends-box' });
    box.append(el('h3', {}, `Trends: tickets per ${t.bucket}`), el('div', { class: 'kw' }, `${t.dated} dated tickets from ${t.sources.join('; ')}`), this.canvas);
    const growth = new Map(t.growth.map((g) => [g.cluster, g]));
    const legend = el('ul', { class: 'legend' });
    this.series.forEach((s, i) => {
      const li = el('li');
      const sw = el('span', { class: 'swatch' });
      sw.style.background = this.colours[i];
      const g = growth.get(s.cluster);
      li.append(sw, el('span', {}, ` ${s.name} — ${s.total}${g ? `; last ${t.windowDays} days ${g.current} (before: ${g.previous}, ×${g.ratio.toFixed(2)})` : ''}`));
      legend.append(li);
    });
    box.append(legend);
    if (t.growth.length) {
      const top = t.growth.slice(0, 3).map((g) => `${g.name} ×${g.ratio.toFixed(2)} (${g.previous} → ${g.current})`);
      box.append(el('div', {}, `Growing fastest over the last ${t.windowDays} days: ${top.join('; ')}`));
    }
    box.append(el('h3', {}, `Emerging topics (${t.emerging.length})`));
    if (t.emerging.length === 0) box.append(el('div', { class: 'kw' }, `No group of at least ${t.minTopicSize} new tickets far from every cluster.`));
    for (const e of t.emerging.slice(0, 5)) {
      const d = el('div', { class: 'cluster' });
      d.append(el('div', {}, `${keywordName(e)} — ${e.size} tickets${e.first && e.last ? `, ${e.first.slice(0, 10)} to ${e.last.slice(0, 10)}` : ''}`));
      for (const ex of e.examples.slice(0, EXAMPLES_SHOWN)) d.append(el('div', { class: 'ex' }, ex.text));
      box.append(d);
    }
    return box;
  }

  draw(): void {
    const prepared = prepareCanvas(this.canvas);
    if (!prepared) return;
    const { g, dpr } = prepared;
    const buckets = this.trends.buckets;
    const yMax = niceMax(Math.max(1, ...this.series.flatMap((s) => s.counts)));
    const f: Frame = { width: this.canvas.width, height: this.canvas.height, margin: { l: 40 * dpr, r: 12 * dpr, t: 10 * dpr, b: 22 * dpr }, buckets: buckets.length, yMax };
    this.frame = f;
    const fg = themeColour('--vscode-descriptionForeground', '#888');
    g.font = `${11 * dpr}px sans-serif`;
    g.fillStyle = fg;
    g.strokeStyle = fg;
    g.globalAlpha = 0.4;
    g.beginPath();
    const [x0, y0] = toScreen(f, 0, 0);
    const [x1, yTop] = toScreen(f, Math.max(0, buckets.length - 1), yMax);
    g.moveTo(f.margin.l, yTop);
    g.lineTo(f.margin.l, y0);
    g.lineTo(Math.max(x1, x0), y0);
    g.stroke();
    g.globalAlpha = 1;
    g.textAlign = 'right';
    g.fillText(String(yMax), f.margin.l - 4 * dpr, yTop + 4 * dpr);
    g.fillText('0', f.margin.l - 4 * dpr, y0);
    g.textAlign = 'center';
    for (const i of labelledBuckets(buckets.length)) g.fillText(buckets[i].slice(5), toScreen(f, i, 0)[0], f.height - 6 * dpr);
    this.series.forEach((s, k) => {
      g.strokeStyle = this.colours[k];
      g.lineWidth = (s.cluster === 'new' ? 2.5 : 1.5) * dpr;
      g.beginPath();
      s.counts.forEach((c, i) => {
        const [x, y] = toScreen(f, i, c);
        if (i === 0) g.moveTo(x, y);
        else g.lineTo(x, y);
      });
      g.stroke();
    });
  }

  private hover(e: MouseEvent): void {
    const f = this.frame;
    if (!f) return;
    const rect = this.canvas.getBoundingClientRect();
    const i = bucketAt(f, (e.clientX - rect.left) * (window.devicePixelRatio || 1));
    if (i < 0) {
      this.tip.style.display = 'none';
      return;
    }
    this.tip.textContent = `${this.trends.buckets[i]}: ${this.series.map((s) => `${s.name} ${s.counts[i]}`).join(' · ')}`;
    this.tip.style.left = `${e.clientX + 12}px`;
    this.tip.style.top = `${e.clientY + 12}px`;
    this.tip.style.display = 'block';
  }
}

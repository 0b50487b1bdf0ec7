/**
 * The 2-D map on a canvas, for tens of thousands of points: drag pans, the wheel zooms about the
 * cursor, hover shows the ticket (as text), click selects its top-level cluster.
 */
import type { RunView } from '../../src/shared/webviewProtocol';
import { prepareCanvas } from './canvas';
import { pointAlpha, pointColour } from './colours';
import { el } from './dom';
import { boundsOf, IDENTITY, nearestPoint, paintOrder, panBy, project, zoomAt, type Bounds, type View } from './mapGeometry';
import { selectedTopIndex, topClusters } from './runView';

const HIT_RADIUS = 8;
const DOT = 3;

export class ClusterMap {
  readonly canvas = el('canvas', { 'aria-label': '2-D map of the tickets, coloured by cluster', role: 'img' });
  readonly tip = el('div', { id: 'tip' });
  private run: RunView | null = null;
  private order: number[] = [];
  private bounds: Bounds = { minX: 0, minY: 0, maxX: 1, maxY: 1 };
  // Pan and zoom outlive a re-render (an edit re-sends the run).
  private view: View = IDENTITY;
  private selected: string | null = null;
  private drag: { x: number; y: number } | null = null;

  constructor(private readonly onPick: (id: string) => void) {
    const c = this.canvas;
    c.addEventListener('mousedown', (e) => (this.drag = { x: e.clientX, y: e.clientY }));
    window.addEventListener('mouseup', () => (this.drag = null));
    c.addEventListener('mousemove', (e) => this.onMove(e));
    c.addEventListener('mouseleave', () => (this.tip.style.display = 'none'));
    c.addEventListener('wheel', (e) => {
      e.preventDefault();
      const [mx, my] = this.devicePoint(e);
      this.view = zoomAt(this.view, mx, my, e.deltaY < 0);
      this.draw();
    });
    c.addEventListener('click', (e) => {
      const i = this.hit(e);
      const cluster = i >= 0 && this.run ? this.run.points.cluster[i] : -1;
      if (this.run && cluster >= 0) this.onPick(topClusters(this.run)[cluster].id);
    });
  }

  show(run: RunView): void {
    this.run = run;
    this.bounds = boundsOf(run.points.x, run.points.y);
    this.order = paintOrder(run.points.cluster);
  }

  select(id: string | null): void {
    this.selected = id;
    this.draw();
  }

  draw(): void {
    const run = this.run;
    if (!run) return;
    const prepared = prepareCanvas(this.canvas);
    if (!prepared) return;
    const { g, dpr } = prepared;
    const sel = selectedTopIndex(topClusters(run), this.selected);
    const p = run.points;
    for (const i of this.order) {
      const [x, y] = project(p.x[i], p.y[i], this.bounds, this.canvas.width, this.canvas.height, this.view);
      g.fillStyle = pointColour(p.cluster[i]);
      g.globalAlpha = pointAlpha(p.cluster[i], sel);
      g.fillRect(x - (DOT / 2) * dpr, y - (DOT / 2) * dpr, DOT * dpr, DOT * dpr);
    }
    g.globalAlpha = 1;
  }

  private onMove(e: MouseEvent): void {
    if (!this.run) return;
    if (this.drag) {
      const dpr = window.devicePixelRatio || 1;
      this.view = panBy(this.view, (e.clientX - this.drag.x) * dpr, (e.clientY - this.drag.y) * dpr);
      this.drag = { x: e.clientX, y: e.clientY };
      this.draw();
      return;
    }
    const i = this.hit(e);
    if (i < 0) {
      this.tip.style.display = 'none';
      return;
    }
    this.tip.textContent = this.run.points.text[i];
    this.tip.style.left = `${e.clientX + 12}px`;
    this.tip.style.top = `${e.clientY + 12}px`;
    this.tip.style.display = 'block';
  }

  /** The mouse position in canvas device pixels. */
  private devicePoint(e: MouseEvent): [number, number] {
    const rect = this.canvas.getBoundingClientRect();
    const dpr = window.devicePixelRatio || 1;
    return [(e.clientX - rect.left) * dpr, (e.clientY - rect.top) * dpr];
  }

  private hit(e: MouseEvent): number {
    if (!this.run) return -1;
    const [mx, my] = this.devicePoint(e);
    const dpr = window.devicePixelRatio || 1;
    return nearestPoint(this.run.points.x, this.run.points.y, this.bounds, this.canvas.width, this.canvas.height, this.view, mx, my, HIT_RADIUS * dpr);
  }
}

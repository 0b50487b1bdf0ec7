/**
 * The 2-D map, drawn with WebGL (mapRenderer.ts) for hundreds of thousands of points: drag pans, the
 * wheel zooms about the cursor (arrow keys and +/− too), hover shows the ticket (its text fetched on
 * demand), click selects its cluster, Shift+drag (or the Lasso tool) draws a lasso and Alt+drag (or
 * the Box tool) a box that selects the points inside it. From the keyboard, the view itself is the
 * box: pan and zoom to a group, then Enter selects the points in view. Redraws are coalesced to one per
 * animation frame.
 */
import type { RunView } from '../../src/shared/webviewProtocol';
import { sizeCanvas } from './canvas';
import { el } from './dom';
import { paletteOf, schemeOf, type ColourBy, type Scheme } from './mapColours';
import { boundsOf, clipTransform, IDENTITY, linearOf, paintOrder, panBy, unproject, zoomAt, type Bounds, type Linear, type View } from './mapGeometry';
import { MapIndex } from './mapIndex';
import { PointRenderer } from './mapRenderer';
import type { PointTexts } from './mapTexts';
import { selectedTopIndex, topClusters } from './runView';
import { addVertex, boxPolygon } from './selection';

const HIT_RADIUS = 8;
const DOT = 3;
/** A press that moves less than this (CSS px) is a click, not a drag. */
const CLICK_SLOP = 4;
/** The points are drawn again this long after the last pan or zoom (until then the last image moves). */
const SETTLE_MS = 150;

export interface MapEvents {
  /** A point was clicked: the cluster to select. */
  pick(id: string): void;
  /** A lasso or box closed round these points (ascending indices; empty: the selection was cleared). */
  select(indices: Uint32Array): void;
  /** The colour scheme changed (new run, colour-by or drill): the legend redraws from it. */
  scheme(scheme: Scheme): void;
}

export class ClusterMap {
  readonly canvas = el('canvas', { 'aria-label': '2-D map of the tickets; arrow keys pan, + and − zoom, Enter selects the tickets in view, Escape clears the selection', role: 'img', tabindex: '0', class: 'map-gl' });
  readonly overlay = el('canvas', { class: 'map-overlay', 'aria-hidden': 'true' });
  readonly box = el('div', { class: 'map-box' });
  readonly tip = el('div', { id: 'tip' });
  private readonly renderer: PointRenderer | null;
  private run: RunView | null = null;
  private index: MapIndex | null = null;
  private order: Uint32Array = new Uint32Array(0);
  private bounds: Bounds = { minX: 0, minY: 0, maxX: 1, maxY: 1 };
  // Pan and zoom outlive a re-render (an edit re-sends the run).
  private view: View = IDENTITY;
  private selected: string | null = null;
  private colourBy: ColourBy = 'cluster';
  private drill: string | null = null;
  private scheme: Scheme | null = null;
  /** Legend entries picked to stand out (indices into the scheme's entries). */
  private focus = new Set<number>();
  private matches: Uint32Array | null = null;
  private selection: Uint32Array | null = null;
  private press: { x: number; y: number; moved: boolean; lasso: [number, number][] | null; box: [number, number] | null } | null = null;
  private hovered = -1;
  private frame = 0;
  private settle: ReturnType<typeof setTimeout> | undefined;
  private settled = true;
  /** What a plain drag does: pan, or draw a lasso or a box (Shift and Alt do the latter two whatever this is). */
  tool: 'pan' | 'lasso' | 'box' = 'pan';
  /** Colour by date asked for a column whose dates have not arrived yet: they come with the next run. */
  private wantDate: string | null = null;

  constructor(
    private readonly texts: PointTexts,
    private readonly events: MapEvents,
  ) {
    this.box.append(this.canvas, this.overlay);
    this.renderer = PointRenderer.create(this.canvas);
    this.canvas.dataset.renderer = this.renderer ? 'webgl2' : 'none';
    const c = this.canvas;
    c.addEventListener('mousedown', (e) => {
      const box = e.altKey || (this.tool === 'box' && !e.shiftKey);
      const lasso = !box && (e.shiftKey || this.tool === 'lasso');
      if (box) e.preventDefault();
      this.press = { x: e.clientX, y: e.clientY, moved: false, lasso: lasso ? [this.devicePoint(e)] : null, box: box ? this.devicePoint(e) : null };
    });
    window.addEventListener('mouseup', (e) => this.release(e));
    c.addEventListener('mousemove', (e) => this.onMove(e));
    c.addEventListener('mouseleave', () => this.hideTip());
    c.addEventListener('wheel', (e) => {
      e.preventDefault();
      const [mx, my] = this.devicePoint(e);
      this.view = zoomAt(this.view, mx, my, e.deltaY < 0);
      this.moved();
    });
    c.addEventListener('keydown', (e) => this.onKey(e));
  }

  show(run: RunView): void {
    const fresh = !this.run || this.run.points.x.length !== run.points.x.length;
    this.run = run;
    this.texts.clear();
    const p = run.points;
    this.bounds = boundsOf(p.x, p.y);
    this.index = new MapIndex(p.x, p.y);
    this.order = paintOrder(p.x.length, (i) => p.cluster[i] < 0 || (run.clusters[p.cluster[i]]?.isNoise ?? true));
    const xy = new Float32Array(p.x.length * 2);
    this.order.forEach((i, k) => {
      xy[2 * k] = p.x[i];
      xy[2 * k + 1] = p.y[i];
    });
    this.renderer?.setPositions(xy);
    if (this.drill && !run.clusters.some((c) => c.id === this.drill)) this.drill = null;
    if (this.colourBy === 'label' && !p.label) this.colourBy = 'cluster';
    // The run that answers a request for dates: with them, or without when they could not be read (the host says why).
    if (this.wantDate !== null && p.date && p.dateColumn === this.wantDate) this.colourBy = 'date';
    this.wantDate = null;
    // An edit re-sends the run with rows moved: the old selection and matches no longer mean the same rows.
    this.selection = null;
    if (fresh) this.matches = null;
    this.recolour();
  }

  /** The current colouring: by cluster, by the label column, by sub-cluster of `drill`, by date or by predicted category. */
  colour(by: ColourBy, drill: string | null): void {
    this.wantDate = null;
    this.colourBy = by;
    this.drill = by === 'sub' ? drill : null;
    this.recolour();
  }

  /**
   * Colour by the dates of `column`: now when the run's points carry them, else once a run with them
   * arrives (false: the caller asks the host for them).
   */
  colourByDate(column: string): boolean {
    const p = this.run?.points;
    if (p?.date && p.dateColumn === column) {
      this.colour('date', null);
      return true;
    }
    this.wantDate = column;
    return false;
  }

  /** The date column being waited for, if any. */
  get pendingDate(): string | null {
    return this.wantDate;
  }

  get colouring(): { by: ColourBy; drill: string | null } {
    return { by: this.colourBy, drill: this.drill };
  }

  select(id: string | null): void {
    this.selected = id;
    this.repaint();
  }

  /** Toggle a legend entry's focus (`only`: it alone). */
  toggleFocus(entry: number, only: boolean): void {
    if (only) this.focus = this.focus.has(entry) && this.focus.size === 1 ? new Set() : new Set([entry]);
    else if (this.focus.has(entry)) this.focus.delete(entry);
    else this.focus.add(entry);
    this.repaint();
  }

  get focused(): ReadonlySet<number> {
    return this.focus;
  }

  /** Search hits to highlight (null: none). */
  highlight(matches: Uint32Array | null): void {
    this.matches = matches;
    this.reflag();
  }

  clearSelection(): void {
    this.selection = null;
    this.reflag();
    this.events.select(new Uint32Array(0));
  }

  requestDraw(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

  draw(): void {
    if (!this.renderer) {
      this.canvas.dataset.pointsDrawn = '0';
      return;
    }
    const dpr = sizeCanvas(this.canvas);
    const l = this.linear();
    const size = DOT * dpr * Math.min(2.5, Math.max(1, this.view.k ** 0.3));
    const drawn = this.renderer.frameAt(clipTransform(l, this.canvas.width, this.canvas.height), size, this.settled);
    this.canvas.dataset.pointsDrawn = String(drawn);
  }

  private recolour(): void {
    const run = this.run;
    if (!run) return;
    this.scheme = schemeOf(run, this.colourBy, this.drill);
    this.colourBy = this.scheme.by;
    this.focus = new Set();
    const cat = new Uint16Array(this.order.length);
    this.order.forEach((i, k) => (cat[k] = this.scheme?.categories[i] ?? 0));
    this.renderer?.setCategories(cat);
    this.events.scheme(this.scheme);
    this.reflag();
    this.repaint();
  }

  /** The palette from the scheme, the legend's focus and, colouring by cluster, the selected cluster. */
  private repaint(): void {
    const s = this.scheme;
    if (!s || !this.run) return;
    let focus: ReadonlySet<number> = this.focus;
    if (!focus.size && s.by === 'cluster' && this.selected) {
      const top = selectedTopIndex(topClusters(this.run), this.selected);
      if (top >= 0) focus = new Set([top]);
    }
    this.renderer?.setPalette(paletteOf(s.entries, focus));
    this.requestDraw();
  }

  private reflag(): void {
    const lit = this.selection ?? this.matches;
    let flags: Uint8Array | null = null;
    if (lit) {
      const byPoint = new Uint8Array(this.order.length);
      for (const i of lit) byPoint[i] = 1;
      flags = new Uint8Array(this.order.length);
      this.order.forEach((i, k) => (flags![k] = byPoint[i]));
    }
    this.renderer?.setFlags(flags);
    this.requestDraw();
  }

  private linear(): Linear {
    return linearOf(this.bounds, this.canvas.width || 1, this.canvas.height || 1, this.view);
  }

  private onMove(e: MouseEvent): void {
    if (!this.run) return;
    const press = this.press;
    if (press) {
      if (Math.hypot(e.clientX - press.x, e.clientY - press.y) > CLICK_SLOP) press.moved = true;
      if (press.lasso) {
        const [x, y] = this.devicePoint(e);
        addVertex(press.lasso, x, y);
        this.drawLasso(press.lasso);
      } else if (press.box) {
        const [x, y] = this.devicePoint(e);
        this.drawLasso(boxPolygon(press.box[0], press.box[1], x, y));
      } else if (press.moved) {
        const dpr = window.devicePixelRatio || 1;
        this.view = panBy(this.view, (e.clientX - press.x) * dpr, (e.clientY - press.y) * dpr);
        press.x = e.clientX;
        press.y = e.clientY;
        this.moved();
      }
      return;
    }
    this.hover(e);
  }

  private release(e: MouseEvent): void {
    const press = this.press;
    this.press = null;
    if (!press || !this.run || !this.index) return;
    if (press.lasso && press.lasso.length >= 3 && press.moved) {
      this.drawLasso(null);
      this.selectInside(press.lasso);
      return;
    }
    if (press.box && press.moved) {
      this.drawLasso(null);
      const [x, y] = this.devicePoint(e);
      this.selectInside(boxPolygon(press.box[0], press.box[1], x, y));
      return;
    }
    this.drawLasso(null);
    if (press.moved || e.target !== this.canvas) return;
    const i = this.hit(e);
    const c = i >= 0 ? this.run.points.cluster[i] : -1;
    if (c < 0) return;
    const entry = this.scheme?.entries[this.scheme.categories[i]];
    const top = topClusters(this.run);
    const id = this.scheme?.by === 'sub' && entry?.clusterId ? entry.clusterId : top[selectedTopIndex(top, this.run.clusters[c].id)]?.id;
    if (id) this.events.pick(id);
  }

  /** Selects the points inside a polygon drawn on the canvas (device pixels). */
  private selectInside(screen: readonly (readonly [number, number])[]): void {
    if (!this.index) return;
    const l = this.linear();
    this.selection = Uint32Array.from(this.index.inside(screen.map(([x, y]) => unproject(x, y, l))));
    this.reflag();
    this.events.select(this.selection);
  }

  /** The keyboard's box: every point the view shows now. */
  selectInView(): void {
    this.selectInside(boxPolygon(0, 0, this.canvas.width, this.canvas.height));
  }

  private hover(e: MouseEvent): void {
    const i = this.hit(e);
    if (i < 0) {
      this.hideTip();
      return;
    }
    this.tip.style.left = `${e.clientX + 12}px`;
    this.tip.style.top = `${e.clientY + 12}px`;
    if (i === this.hovered) return;
    this.hovered = i;
    this.texts.get([i]).then(
      ([t]) => {
        if (this.hovered !== i || !t) return;
        this.tip.textContent = `row ${t.row}: ${t.text}`;
        this.tip.style.display = 'block';
      },
      () => this.hideTip(),
    );
  }

  private hideTip(): void {
    this.hovered = -1;
    this.tip.style.display = 'none';
  }

  private onKey(e: KeyboardEvent): void {
    const step = 40 * (window.devicePixelRatio || 1);
    const pans: Record<string, [number, number]> = { ArrowLeft: [step, 0], ArrowRight: [-step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
    if (pans[e.key]) this.view = panBy(this.view, ...pans[e.key]);
    else if (e.key === '+' || e.key === '=' || e.key === '-') this.view = zoomAt(this.view, this.canvas.width / 2, this.canvas.height / 2, e.key !== '-');
    else if (e.key === 'Escape') return this.clearSelection();
    else if (e.key === 'Enter') {
      e.preventDefault();
      return this.selectInView();
    }
    else return;
    e.preventDefault();
    this.moved();
  }

  /** The view moved: show the last image moved now, draw the points again once the view rests. */
  private moved(): void {
    this.settled = false;
    clearTimeout(this.settle);
    this.settle = setTimeout(() => {
      this.settled = true;
      this.requestDraw();
    }, SETTLE_MS);
    this.requestDraw();
  }

  /** Lasso path or box on the overlay (device pixels); null clears it. */
  private drawLasso(path: readonly (readonly [number, number])[] | null): void {
    const o = this.overlay;
    const dpr = sizeCanvas(o);
    const g = o.getContext('2d');
    if (!g) return;
    g.clearRect(0, 0, o.width, o.height);
    if (!path || path.length < 2) return;
    g.strokeStyle = getComputedStyle(this.canvas).color || '#888';
    g.lineWidth = 1.5 * dpr;
    g.setLineDash([4 * dpr, 3 * dpr]);
    g.beginPath();
    path.forEach(([x, y], k) => (k ? g.lineTo(x, y) : g.moveTo(x, y)));
    g.closePath();
    g.stroke();
  }

  /** The mouse position in canvas device pixels. */
  private devicePoint(e: MouseEvent): [number, number] {
    const rect = this.canvas.getBoundingClientRect();
    const dpr = window.devicePixelRatio || 1;
    return [(e.clientX - rect.left) * dpr, (e.clientY - rect.top) * dpr];
  }

  private hit(e: MouseEvent): number {
    if (!this.index) return -1;
    const [mx, my] = this.devicePoint(e);
    return this.index.nearest(mx, my, HIT_RADIUS * (window.devicePixelRatio || 1), this.linear());
  }
}

/**
 * The map's spatial index: a static KD-tree (kdbush, ISC, ~4 kB) over the points' data coordinates,
 * built once per run. Hover, click and lasso ask it for the few points near the cursor or inside the
 * lasso's box instead of scanning every point on each mouse move (200k points: a scan per move was
 * what made the old canvas map stutter).
 */
import KDBush from 'kdbush';
import { type Linear } from './mapGeometry';
import { pointInPolygon, type Polygon } from './selection';

export class MapIndex {
  private readonly tree: KDBush;

  constructor(
    private readonly xs: Float32Array,
    private readonly ys: Float32Array,
  ) {
    // Float32 coordinates: the points are float32 already, and the index is half the size of Float64's.
    this.tree = new KDBush(xs.length, 64, Float32Array);
    for (let i = 0; i < xs.length; i++) this.tree.add(xs[i], ys[i]);
    this.tree.finish();
  }

  /**
   * The point nearest to screen position (sx, sy) within `radius` screen pixels, or −1; `l` maps data
   * to screen. The screen's x and y scales differ, so the tree is asked for the box the radius spans
   * in data units and the candidates are measured on screen.
   */
  nearest(sx: number, sy: number, radius: number, l: Linear, accept: (i: number) => boolean = () => true): number {
    const dx = radius / Math.abs(l.ax);
    const dy = radius / Math.abs(l.ay);
    const cx = (sx - l.bx) / l.ax;
    const cy = (sy - l.by) / l.ay;
    let best = -1;
    let bestD = radius * radius;
    for (const i of this.tree.range(cx - dx, cy - dy, cx + dx, cy + dy)) {
      if (!accept(i)) continue;
      const d = (this.xs[i] * l.ax + l.bx - sx) ** 2 + (this.ys[i] * l.ay + l.by - sy) ** 2;
      if (d <= bestD) {
        bestD = d;
        best = i;
      }
    }
    return best;
  }

  /** The points inside a polygon given in data coordinates, ascending. */
  inside(polygon: Polygon): number[] {
    if (polygon.length < 3) return [];
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (const [x, y] of polygon) {
      minX = Math.min(minX, x);
      maxX = Math.max(maxX, x);
      minY = Math.min(minY, y);
      maxY = Math.max(maxY, y);
    }
    return this.tree
      .range(minX, minY, maxX, maxY)
      .filter((i) => pointInPolygon(this.xs[i], this.ys[i], polygon))
      .sort((a, b) => a - b);
  }
}

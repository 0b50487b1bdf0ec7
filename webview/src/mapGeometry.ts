/**
 * The map's geometry, apart from the canvas: data bounds, data → screen (device pixels, y up, a
 * 10 px margin, then the user's pan and zoom), hit-testing and zoom about the cursor.
 */
export interface Bounds {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

/** Pan (device pixels) and zoom factor applied after fitting the data to the canvas. */
export interface View {
  x: number;
  y: number;
  k: number;
}

export const IDENTITY: View = { x: 0, y: 0, k: 1 };
const MARGIN = 10;
const ZOOM_STEP = 1.2;

/** Extent of the points (a loop: spreading tens of thousands of values into Math.min can overflow the stack). */
export function boundsOf(xs: readonly number[], ys: readonly number[]): Bounds {
  if (xs.length === 0) return { minX: 0, minY: 0, maxX: 1, maxY: 1 };
  const b = { minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity };
  for (let i = 0; i < xs.length; i++) {
    b.minX = Math.min(b.minX, xs[i]);
    b.maxX = Math.max(b.maxX, xs[i]);
    b.minY = Math.min(b.minY, ys[i]);
    b.maxY = Math.max(b.maxY, ys[i]);
  }
  return b;
}

/** Screen position of data point (x, y) on a `width` × `height` canvas. */
export function project(x: number, y: number, b: Bounds, width: number, height: number, view: View): [number, number] {
  const sx = ((x - b.minX) / (b.maxX - b.minX || 1)) * (width - 2 * MARGIN) + MARGIN;
  const sy = height - (((y - b.minY) / (b.maxY - b.minY || 1)) * (height - 2 * MARGIN) + MARGIN);
  return [sx * view.k + view.x, sy * view.k + view.y];
}

/** Index of the point nearest to screen (mx, my) within `radius`, or −1. */
export function nearestPoint(xs: readonly number[], ys: readonly number[], b: Bounds, width: number, height: number, view: View, mx: number, my: number, radius: number): number {
  let best = -1;
  let bestD = radius ** 2;
  for (let i = 0; i < xs.length; i++) {
    const [x, y] = project(xs[i], ys[i], b, width, height, view);
    const d = (x - mx) ** 2 + (y - my) ** 2;
    if (d < bestD) {
      bestD = d;
      best = i;
    }
  }
  return best;
}

/** One wheel step in (`zoomIn`) or out, keeping the point under the cursor (mx, my) where it is. */
export function zoomAt(view: View, mx: number, my: number, zoomIn: boolean): View {
  const f = zoomIn ? ZOOM_STEP : 1 / ZOOM_STEP;
  return { k: view.k * f, x: mx - (mx - view.x) * f, y: my - (my - view.y) * f };
}

export function panBy(view: View, dx: number, dy: number): View {
  return { ...view, x: view.x + dx, y: view.y + dy };
}

/** Drawing order: noise first, so clusters are painted over it. */
export function paintOrder(cluster: readonly number[]): number[] {
  const noise: number[] = [];
  const rest: number[] = [];
  cluster.forEach((c, i) => (c < 0 ? noise : rest).push(i));
  return [...noise, ...rest];
}

/**
 * The map's geometry, apart from the canvas: data bounds, data → screen (device pixels, y up, a
 * 10 px margin, then the user's pan and zoom) and back, the same map as the shader's clip-space
 * transform, and zoom about the cursor. Hit-testing is the spatial index's (mapIndex.ts).
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
export function boundsOf(xs: ArrayLike<number>, ys: ArrayLike<number>): Bounds {
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

/** Data → screen as two axis-wise linear maps: sx = x·ax + bx, sy = y·ay + by (what project applies). */
export interface Linear {
  ax: number;
  bx: number;
  ay: number;
  by: number;
}

export function linearOf(b: Bounds, width: number, height: number, view: View): Linear {
  const [bx, by] = project(0, 0, b, width, height, view);
  const [x1, y1] = project(1, 1, b, width, height, view);
  return { ax: x1 - bx, bx, ay: y1 - by, by };
}

/** The data point at screen position (sx, sy): project's inverse. */
export function unproject(sx: number, sy: number, l: Linear): [number, number] {
  return [(sx - l.bx) / l.ax, (sy - l.by) / l.ay];
}

/** Data → WebGL clip space ([−1, 1], y up) on a `width` × `height` canvas, as [ax, bx, ay, by]. */
export function clipTransform(l: Linear, width: number, height: number): [number, number, number, number] {
  return [(2 * l.ax) / width, (2 * l.bx) / width - 1, (-2 * l.ay) / height, 1 - (2 * l.by) / height];
}

/** One wheel step in (`zoomIn`) or out, keeping the point under the cursor (mx, my) where it is. */
export function zoomAt(view: View, mx: number, my: number, zoomIn: boolean): View {
  const f = zoomIn ? ZOOM_STEP : 1 / ZOOM_STEP;
  return { k: view.k * f, x: mx - (mx - view.x) * f, y: my - (my - view.y) * f };
}

export function panBy(view: View, dx: number, dy: number): View {
  return { ...view, x: view.x + dx, y: view.y + dy };
}

/** Drawing order: the points for which `isNoise` holds first, so clusters are painted over them. */
export function paintOrder(n: number, isNoise: (i: number) => boolean): Uint32Array {
  const order = new Uint32Array(n);
  let at = 0;
  for (let i = 0; i < n; i++) if (isNoise(i)) order[at++] = i;
  for (let i = 0; i < n; i++) if (!isNoise(i)) order[at++] = i;
  return order;
}

/** Selection geometry: the polygon a lasso traces or a box spans, and whether a point lies inside it (even–odd rule). */
export type Polygon = readonly (readonly [number, number])[];

/** Ray casting: a horizontal ray from (x, y) crosses the polygon's edges an odd number of times iff (x, y) is inside. */
export function pointInPolygon(x: number, y: number, polygon: Polygon): boolean {
  let inside = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const [xi, yi] = polygon[i];
    const [xj, yj] = polygon[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Drops lasso vertices closer than `minStep` to the last kept one: a slow drag would otherwise give thousands. */
export function addVertex(path: [number, number][], x: number, y: number, minStep = 3): void {
  const last = path.at(-1);
  if (!last || Math.hypot(x - last[0], y - last[1]) >= minStep) path.push([x, y]);
}

/** The box a drag from (x0, y0) to (x1, y1) spans, as a polygon (corners in drawing order), whichever way it was dragged. */
export function boxPolygon(x0: number, y0: number, x1: number, y1: number): [number, number][] {
  const [l, r] = x0 <= x1 ? [x0, x1] : [x1, x0];
  const [t, b] = y0 <= y1 ? [y0, y1] : [y1, y0];
  return [
    [l, t],
    [r, t],
    [r, b],
    [l, b],
  ];
}

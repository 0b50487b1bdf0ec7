/** Lasso geometry: the polygon a drag traces, and whether a point lies inside it (even–odd rule). */
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

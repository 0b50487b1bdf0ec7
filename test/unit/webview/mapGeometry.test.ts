import { describe, expect, it } from 'vitest';
import { boundsOf, clipTransform, IDENTITY, linearOf, paintOrder, panBy, project, unproject, zoomAt } from '../../../webview/src/mapGeometry';

const W = 400;
const H = 300;

describe('map geometry', () => {
  it('bounds span the points, and a default box stands in for none', () => {
    expect(boundsOf([3, -1, 2], [5, 7, -4])).toEqual({ minX: -1, maxX: 3, minY: -4, maxY: 7 });
    expect(boundsOf([], [])).toEqual({ minX: 0, minY: 0, maxX: 1, maxY: 1 });
  });

  it('bounds of more points than the call stack holds as arguments', () => {
    const n = 500_000;
    const xs = Array.from({ length: n }, (_, i) => i);
    expect(boundsOf(xs, xs).maxX).toBe(n - 1);
  });

  it('fits the data to the canvas inside a margin, y pointing up', () => {
    const b = boundsOf([0, 10], [0, 5]);
    const [x0, y0] = project(0, 0, b, W, H, IDENTITY);
    const [x1, y1] = project(10, 5, b, W, H, IDENTITY);
    expect(x0).toBeLessThan(x1);
    expect(y0).toBeGreaterThan(y1);
    expect(x0).toBeGreaterThan(0);
    expect(x1).toBeLessThan(W);
    expect(y1).toBeGreaterThan(0);
    expect(y0).toBeLessThan(H);
    // the margins are the same on every side
    expect(x0).toBeCloseTo(W - x1, 9);
    expect(y1).toBeCloseTo(H - y0, 9);
    expect(x0).toBeCloseTo(y1, 9);
  });

  it('places points of a zero-width extent without dividing by zero', () => {
    const b = boundsOf([2, 2], [1, 1]);
    const p = project(2, 1, b, W, H, IDENTITY);
    expect(p.every(Number.isFinite)).toBe(true);
  });

  it('zooming keeps the point under the cursor where it is, and zooming back restores the view', () => {
    const b = boundsOf([0, 10], [0, 10]);
    const view = panBy(IDENTITY, 13, -7);
    const [mx, my] = project(3, 4, b, W, H, view);
    const zoomed = zoomAt(view, mx, my, true);
    expect(zoomed.k).toBeGreaterThan(view.k);
    const [ax, ay] = project(3, 4, b, W, H, zoomed);
    expect(ax).toBeCloseTo(mx, 9);
    expect(ay).toBeCloseTo(my, 9);
    const back = zoomAt(zoomed, mx, my, false);
    expect(back.k).toBeCloseTo(view.k, 12);
    expect(back.x).toBeCloseTo(view.x, 9);
    expect(back.y).toBeCloseTo(view.y, 9);
  });

  it('panning moves every point by the drag', () => {
    const b = boundsOf([0, 10], [0, 10]);
    const [x, y] = project(5, 5, b, W, H, IDENTITY);
    const [px, py] = project(5, 5, b, W, H, panBy(IDENTITY, 20, -30));
    expect(px - x).toBeCloseTo(20, 9);
    expect(py - y).toBeCloseTo(-30, 9);
  });

  it('unprojects a screen position to the data point projected there, on the panned and zoomed map', () => {
    const b = boundsOf([0, 10], [-3, 5]);
    const view = zoomAt(panBy(IDENTITY, 40, 10), 100, 100, true);
    const l = linearOf(b, W, H, view);
    const [sx, sy] = project(3.5, 1.25, b, W, H, view);
    const [x, y] = unproject(sx, sy, l);
    expect(x).toBeCloseTo(3.5, 9);
    expect(y).toBeCloseTo(1.25, 9);
  });

  it("gives the shader the same map in clip space: the canvas's corners at ±1, y up", () => {
    const b = boundsOf([0, 10], [0, 10]);
    const view = panBy(IDENTITY, 7, -3);
    const [ax, bx, ay, by] = clipTransform(linearOf(b, W, H, view), W, H);
    for (const [x, y] of [[0, 0], [10, 10], [2.5, 7]]) {
      const [sx, sy] = project(x, y, b, W, H, view);
      expect(x * ax + bx).toBeCloseTo((sx / W) * 2 - 1, 9);
      expect(y * ay + by).toBeCloseTo(1 - (sy / H) * 2, 9);
    }
  });

  it('paints noise first, then every clustered point, each once', () => {
    const cluster = [2, -1, 0, -1, 1];
    const order = paintOrder(cluster.length, (i) => cluster[i] < 0);
    expect([...order.slice(0, 2)].map((i) => cluster[i])).toEqual([-1, -1]);
    expect([...order].sort()).toEqual([0, 1, 2, 3, 4]);
    expect([...order.slice(2)]).toEqual([0, 2, 4]);
  });
});

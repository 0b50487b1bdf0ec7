// The map's hit-testing through its spatial index, checked against a scan of every point (what the old
// map did on each mouse move) on random points, a panned and zoomed view and a concave lasso.
import { describe, expect, it } from 'vitest';
import { boundsOf, IDENTITY, linearOf, panBy, project, unproject, zoomAt } from '../../../webview/src/mapGeometry';
import { MapIndex } from '../../../webview/src/mapIndex';
import { addVertex, boxPolygon, pointInPolygon, type Polygon } from '../../../webview/src/selection';

const W = 800;
const H = 500;

/** A seeded generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 4294967296;
}

function points(n: number, seed = 1): { xs: Float32Array; ys: Float32Array } {
  const r = random(seed);
  const xs = Float32Array.from({ length: n }, () => r() * 40 - 20);
  const ys = Float32Array.from({ length: n }, () => r() * 10 - 5);
  return { xs, ys };
}

describe('map hit-testing', () => {
  it('finds the point a scan of every point finds, within the radius on screen, or none', () => {
    const { xs, ys } = points(20_000);
    const b = boundsOf(xs, ys);
    const view = zoomAt(panBy(IDENTITY, -120, 35), 300, 200, true);
    const l = linearOf(b, W, H, view);
    const index = new MapIndex(xs, ys);
    const r = random(9);
    let hits = 0;
    for (let k = 0; k < 300; k++) {
      const sx = r() * W;
      const sy = r() * H;
      let best = -1;
      let bestD = 6 ** 2;
      for (let i = 0; i < xs.length; i++) {
        const [px, py] = project(xs[i], ys[i], b, W, H, view);
        const d = (px - sx) ** 2 + (py - sy) ** 2;
        if (d <= bestD) {
          bestD = d;
          best = i;
        }
      }
      const found = index.nearest(sx, sy, 6, l);
      if (best >= 0) hits++;
      if (found !== best) {
        // Equal distances may pick either; the index's pick must be as near.
        const [fx, fy] = project(xs[found], ys[found], b, W, H, view);
        expect(found, `at (${sx}, ${sy})`).toBeGreaterThanOrEqual(0);
        expect((fx - sx) ** 2 + (fy - sy) ** 2).toBeCloseTo(bestD, 6);
      }
    }
    // The check must have met points and empty places both.
    expect(hits).toBeGreaterThan(30);
    expect(hits).toBeLessThan(300);
  });

  it('keeps only the points a filter accepts', () => {
    const xs = Float32Array.of(0, 0.001, 10);
    const ys = Float32Array.of(0, 0, 10);
    const index = new MapIndex(xs, ys);
    const l = linearOf(boundsOf(xs, ys), W, H, IDENTITY);
    const [sx, sy] = project(0, 0, boundsOf(xs, ys), W, H, IDENTITY);
    expect(index.nearest(sx, sy, 5, l)).toBe(0);
    expect(index.nearest(sx, sy, 5, l, (i) => i !== 0)).toBe(1);
  });
});

describe('lasso selection', () => {
  // An L-shape: concave, so a bounding-box test alone would take the notch's points too.
  const L: Polygon = [
    [0, 0],
    [4, 0],
    [4, 1],
    [1, 1],
    [1, 4],
    [0, 4],
  ];

  it('tells inside from outside a concave polygon', () => {
    expect(pointInPolygon(0.5, 3, L)).toBe(true);
    expect(pointInPolygon(3, 0.5, L)).toBe(true);
    expect(pointInPolygon(3, 3, L)).toBe(false);
    expect(pointInPolygon(-1, 0.5, L)).toBe(false);
  });

  it('selects exactly the points inside the lasso drawn on screen, on a panned and zoomed map', () => {
    const { xs, ys } = points(30_000, 4);
    const b = boundsOf(xs, ys);
    const view = zoomAt(panBy(IDENTITY, 50, -20), 400, 250, true);
    const l = linearOf(b, W, H, view);
    // A star drawn in screen pixels, as the mouse would.
    const screen: [number, number][] = [];
    for (let k = 0; k < 10; k++) {
      const a = (k / 10) * 2 * Math.PI;
      const r = k % 2 ? 60 : 150;
      addVertex(screen, 400 + r * Math.cos(a), 250 + r * Math.sin(a));
    }
    const polygon = screen.map(([x, y]) => unproject(x, y, l));
    const selected = new MapIndex(xs, ys).inside(polygon);
    const expected: number[] = [];
    for (let i = 0; i < xs.length; i++) {
      const [px, py] = project(xs[i], ys[i], b, W, H, view);
      if (pointInPolygon(px, py, screen)) expected.push(i);
    }
    expect(expected.length).toBeGreaterThan(100);
    expect(selected).toEqual(expected);
  });

  it('drops lasso vertices closer than a few pixels to the last one', () => {
    const path: [number, number][] = [];
    for (let k = 0; k < 100; k++) addVertex(path, k * 0.1, 0);
    expect(path.length).toBeLessThan(5);
    expect(path[0]).toEqual([0, 0]);
  });
});

describe('box selection', () => {
  it('a box dragged either way is the same polygon, and selects what a scan of its bounds finds', () => {
    const next = random(11);
    const xs = Float32Array.from({ length: 3000 }, () => next() * 100);
    const ys = Float32Array.from({ length: 3000 }, () => next() * 50);
    const index = new MapIndex(xs, ys);
    const l = linearOf(boundsOf(xs, ys), W, H, zoomAt(IDENTITY, 300, 200, true));
    // Dragged from bottom right to top left, on screen.
    const screen = boxPolygon(520, 330, 140, 90);
    expect(screen).toEqual(boxPolygon(140, 90, 520, 330));
    expect(screen).toEqual([
      [140, 90],
      [520, 90],
      [520, 330],
      [140, 330],
    ]);
    const got = index.inside(screen.map(([x, y]) => unproject(x, y, l)));
    const want: number[] = [];
    for (let i = 0; i < xs.length; i++) {
      const [sx, sy] = project(xs[i], ys[i], boundsOf(xs, ys), W, H, zoomAt(IDENTITY, 300, 200, true));
      if (sx > 140 && sx < 520 && sy > 90 && sy < 330) want.push(i);
    }
    // Points exactly on an edge may fall either way in float32; none is expected on these random ones.
    expect(got).toEqual(want);
    expect(got.length).toBeGreaterThan(100);
  });
});

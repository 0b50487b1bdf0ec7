/** The summary webview's trends chart, apart from the canvas: which lines, the count axis, data → screen and back. */
import { describe, expect, it } from 'vitest';
import { TRENDS_FORMAT_VERSION, type TrendsFile } from '../../../src/shared/api';
import { bucketAt, chartSeries, labelledBuckets, niceMax, toScreen, type Frame } from '../../../webview/src/trendsGeometry';

const series = (cluster: string, total: number) => ({ cluster, name: cluster, counts: [total], total });
const trends = (s: TrendsFile['series']): TrendsFile => ({
  version: TRENDS_FORMAT_VERSION,
  runId: 'r',
  createdAt: '2025-01-01T00:00:00.000Z',
  bucket: 'day',
  windowDays: 7,
  buckets: ['2025-01-01'],
  sources: [],
  dated: 0,
  undated: 0,
  series: s,
  window: null,
  growth: [],
  minCount: 10,
  emerging: [],
  minTopicSize: 10,
});

describe('trends chart geometry', () => {
  it('draws the largest clusters, never the noise, and new/unassigned last', () => {
    const t = trends([series('root.noise', 500), series('root.2', 50), series('root.0', 300), series('new', 5), ...Array.from({ length: 8 }, (_, i) => series(`root.${10 + i}`, 10 - i))]);
    expect(chartSeries(t, 3).map((s) => s.cluster)).toEqual(['root.0', 'root.2', 'root.10', 'new']);
  });

  it('rounds the count axis up to 1, 2 or 5 × 10ⁿ', () => {
    expect([0, 1, 3, 10, 11, 40, 200, 201].map(niceMax)).toEqual([1, 1, 5, 10, 20, 50, 200, 500]);
  });

  it('maps buckets and counts into the frame and screen x back to the nearest bucket', () => {
    const f: Frame = { width: 110, height: 60, margin: { l: 10, r: 0, t: 0, b: 10 }, buckets: 11, yMax: 50 };
    expect(toScreen(f, 0, 0)).toEqual([10, 50]);
    expect(toScreen(f, 10, 50)).toEqual([110, 0]);
    expect(toScreen(f, 5, 25)).toEqual([60, 25]);
    expect(bucketAt(f, 64)).toBe(5);
    expect(bucketAt(f, 200)).toBe(-1);
    expect(toScreen({ ...f, buckets: 1 }, 0, 0)[0]).toBe(60);
  });

  it('labels about six buckets, the last always, none crowding it', () => {
    expect(labelledBuckets(28)).toEqual([0, 5, 10, 15, 20, 27]);
    expect(labelledBuckets(3)).toEqual([0, 1, 2]);
    expect(labelledBuckets(0)).toEqual([]);
  });
});

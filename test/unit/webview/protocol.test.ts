import { describe, expect, it } from 'vitest';
import { HostToWebview, MAX_TEXTS_PER_REQUEST, WebviewToHost } from '../../../src/shared/webviewProtocol';
import { sampleRun } from './fixture';

describe('webview protocol', () => {
  it('carries an example line, and the points as typed arrays', () => {
    const m = HostToWebview.parse({ type: 'run', run: sampleRun() });
    expect(m.type === 'run' && m.run.clusters[0].examples[0].line).toBe(5);
    expect(m.type === 'run' && m.run.points.x).toBeInstanceOf(Float32Array);
    expect(m.type === 'run' && [...m.run.points.cluster]).toEqual([0, 4, 2, 3, 1]);
  });

  it('keeps a score the run could not compute (NaN, e.g. ARI of a one-row run)', () => {
    const run = sampleRun();
    const m = HostToWebview.parse({ type: 'run', run: { ...run, metrics: { ...run.metrics, ari: Number.NaN } } });
    expect(m.type === 'run' && m.run.metrics?.ari).toBeNaN();
  });

  it('refuses points whose arrays disagree in length, or that came as plain arrays', () => {
    const run = sampleRun();
    const short = { ...run.points, cluster: run.points.cluster.subarray(1) };
    const r = HostToWebview.safeParse({ type: 'run', run: { ...run, points: short } });
    expect(r.success).toBe(false);
    expect(r.error?.message).toMatch(/cluster has 4 entries for 5 points/);
    expect(HostToWebview.safeParse({ type: 'run', run: { ...run, points: { ...run.points, label: Int32Array.of(0) } } }).success).toBe(false);
    expect(HostToWebview.safeParse({ type: 'run', run: { ...run, points: { ...run.points, x: [0, 1, 2, 3, 4] } } }).success).toBe(false);
    expect(HostToWebview.safeParse({ type: 'run', run: { ...run, points: { ...run.points, label: null } } }).success).toBe(true);
    // Dates: a typed array of one instant per point, or none.
    expect(HostToWebview.safeParse({ type: 'run', run: { ...run, points: { ...run.points, date: new Float64Array(5), dateColumn: 'created' } } }).success).toBe(true);
    expect(HostToWebview.safeParse({ type: 'run', run: { ...run, points: { ...run.points, date: new Float64Array(4), dateColumn: 'created' } } }).error?.message).toMatch(/date has 4 entries for 5 points/);
    expect(HostToWebview.safeParse({ type: 'run', run: { ...run, points: { ...run.points, date: [0, 0, 0, 0, 0], dateColumn: 'created' } } }).success).toBe(false);
  });

  it('asks for the dates of a named column', () => {
    expect(WebviewToHost.safeParse({ type: 'dates', column: 'created_at' }).success).toBe(true);
    expect(WebviewToHost.safeParse({ type: 'dates', column: '' }).success).toBe(false);
  });

  it('asks for texts by point index, a bounded number at a time', () => {
    expect(WebviewToHost.safeParse({ type: 'texts', seq: 1, indices: [0, 7] }).success).toBe(true);
    expect(WebviewToHost.safeParse({ type: 'texts', seq: 1, indices: [] }).success).toBe(false);
    expect(WebviewToHost.safeParse({ type: 'texts', seq: 1, indices: Array.from({ length: MAX_TEXTS_PER_REQUEST + 1 }, (_, i) => i) }).success).toBe(false);
    expect(WebviewToHost.safeParse({ type: 'texts', seq: 1, indices: [-1] }).success).toBe(false);
    expect(HostToWebview.safeParse({ type: 'texts', seq: 1, items: [{ index: 0, text: '<b>x</b>', row: 1, line: 2 }] }).success).toBe(true);
  });

  it('answers a search with typed indices, and acts on a selection of points', () => {
    expect(HostToWebview.safeParse({ type: 'matches', seq: 3, indices: Uint32Array.of(1, 4) }).success).toBe(true);
    expect(HostToWebview.safeParse({ type: 'matches', seq: 3, indices: [1, 4] }).success).toBe(false);
    expect(WebviewToHost.safeParse({ type: 'nameSelection', indices: [1, 2], label: 'Refunds' }).success).toBe(true);
    expect(WebviewToHost.safeParse({ type: 'moveSelection', indices: [1], to: 'root.0' }).success).toBe(true);
    expect(WebviewToHost.safeParse({ type: 'reviewSelection', indices: [] }).success).toBe(false);
    expect(WebviewToHost.safeParse({ type: 'exportSelection', indices: [0.5] }).success).toBe(false);
  });

  it('takes a reveal with or without the line, and refuses one without a whole row', () => {
    expect(WebviewToHost.parse({ type: 'reveal', row: 3, line: 5 })).toEqual({ type: 'reveal', row: 3, line: 5 });
    expect(WebviewToHost.parse({ type: 'reveal', row: 3 })).toEqual({ type: 'reveal', row: 3 });
    expect(WebviewToHost.safeParse({ type: 'reveal', row: '3' }).success).toBe(false);
    expect(WebviewToHost.safeParse({ type: 'reveal', row: 2.5 }).success).toBe(false);
  });

  it('refuses messages it does not know', () => {
    expect(WebviewToHost.safeParse({ type: 'delete', id: 'root.0' }).success).toBe(false);
    expect(WebviewToHost.safeParse(null).success).toBe(false);
    expect(HostToWebview.safeParse({ type: 'error' }).success).toBe(false);
  });

  it('passes a rename of any length: the server owns the label rules and its refusal is shown', () => {
    expect(WebviewToHost.safeParse({ type: 'rename', id: 'root.0', label: 'x'.repeat(200) }).success).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { HostToWebview, WebviewToHost } from '../../../src/shared/webviewProtocol';
import { sampleRun } from './fixture';

describe('webview protocol', () => {
  it('carries an example line and a point line to the webview', () => {
    const m = HostToWebview.parse({ type: 'run', run: sampleRun() });
    expect(m.type === 'run' && m.run.clusters[0].examples[0].line).toBe(5);
    expect(m.type === 'run' && m.run.points.line).toEqual([2, 3, 5]);
  });

  it('keeps a score the run could not compute (NaN, e.g. ARI of a one-row run)', () => {
    const run = sampleRun();
    const m = HostToWebview.parse({ type: 'run', run: { ...run, metrics: { ...run.metrics, ari: Number.NaN } } });
    expect(m.type === 'run' && m.run.metrics?.ari).toBeNaN();
  });

  it('refuses a run whose points lack their lines', () => {
    const run = sampleRun();
    const { line: _line, ...points } = run.points;
    expect(HostToWebview.safeParse({ type: 'run', run: { ...run, points } }).success).toBe(false);
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

/** A small summary view as the extension sends it: three top-level clusters (one noise), two sub-clusters. */
import type { ClusterView, RunView } from '../../../src/shared/webviewProtocol';

const cluster = (id: string, parent: string | null, label: string, isNoise = false): ClusterView => ({
  id,
  parent,
  label,
  labelSource: null,
  description: null,
  size: 10,
  isNoise,
  reviewed: false,
  keywords: ['refund', 'money'],
  examples: [{ row: 3, line: 5, text: 'first line\nsecond line' }],
  purity: null,
  suggestion: null,
  category: null,
});

export function sampleRun(): RunView {
  return {
    runDir: '/tmp/run',
    title: '/tmp/tickets.csv',
    rows: 30,
    labelColumn: 'intent',
    metrics: { ari: 0.51234, nmi: 0.6, ariNoNoise: 0.7, nmiNoNoise: 0.8 },
    purity: [
      { label: 'refund', size: 12, cluster: 'root.0', share: 0.9 },
      { label: 'invoice', size: 9, cluster: 'root.1.0', share: 0.333 },
      { label: 'delivery', size: 6, cluster: 'root.7', share: 0.5 },
    ],
    clusters: [cluster('root.0', null, 'Refunds'), cluster('root.1', null, 'Invoices'), cluster('root.1.0', 'root.1', 'Lost invoices'), cluster('root.1.1', 'root.1', 'Invoice copies'), cluster('root.noise', null, 'Noise (root.noise)', true)],
    // Rows in root.0, the noise, root.1.0, root.1.1 and root.1 itself; labels refund, none, invoice, invoice, refund.
    points: { x: Float32Array.of(0, 1, 2, 3, 4), y: Float32Array.of(0, 1, 2, 3, 4), cluster: Int32Array.of(0, 4, 2, 3, 1), label: Int32Array.of(0, -1, 1, 1, 0), labels: ['refund', 'invoice'], date: null, dateColumn: null },
    dateColumns: [],
  };
}

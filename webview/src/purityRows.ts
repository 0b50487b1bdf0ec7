/** The purity table's rows: each label of the label column, worst-kept first, with the name of the cluster holding most of it. */
import type { RunView } from '../../src/shared/webviewProtocol';

export interface PurityTableRow {
  label: string;
  rows: string;
  /** The cluster's shown name; its path when the run does not list it. */
  mostlyIn: string;
  share: string;
  /** Path of the cluster to select on click ('' when there is none). */
  cluster: string;
}

export function purityRows(run: RunView): PurityTableRow[] {
  const names = new Map(run.clusters.map((c) => [c.id, c.label]));
  return [...run.purity]
    .sort((a, b) => a.share - b.share)
    .map((p) => ({ label: p.label, rows: String(p.size), mostlyIn: names.get(p.cluster) ?? p.cluster, share: `${(p.share * 100).toFixed(0)}%`, cluster: p.cluster }));
}

/** The table's header: the label column's name, then the fixed columns. */
export function purityHeader(run: RunView): string[] {
  return [run.labelColumn ?? 'label', 'rows', 'mostly in', 'share'];
}

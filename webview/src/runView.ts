/** What the summary derives from a run: its top-level clusters, the selection's top-level index, the metrics line. */
import { topLevelPath } from '../../src/shared/clusterPath';
import type { ClusterView, RunView } from '../../src/shared/webviewProtocol';

/** The top-level clusters, in the order whose index the map's points carry. */
export function topClusters(run: RunView): ClusterView[] {
  return run.clusters.filter((c) => c.parent === null);
}

export function childrenOf(run: RunView, id: string): ClusterView[] {
  return run.clusters.filter((c) => c.parent === id);
}

/** Index among the top-level clusters of the one holding the selection, or −1. */
export function selectedTopIndex(top: readonly ClusterView[], selected: string | null): number {
  if (selected === null) return -1;
  const id = topLevelPath(selected);
  return top.findIndex((c) => c.id === id);
}

/** "300 rows · 12 clusters · against intent: ARI …, NMI … (noise excluded: …)". */
export function metricsLine(run: RunView): string {
  const clusters = topClusters(run).filter((c) => !c.isNoise).length;
  const m = run.metrics;
  const against = m ? ` · against ${run.labelColumn}: ARI ${m.ari.toFixed(3)}, NMI ${m.nmi.toFixed(3)} (noise excluded: ARI ${m.ariNoNoise.toFixed(3)}, NMI ${m.nmiNoNoise.toFixed(3)})` : '';
  return `${run.rows} rows · ${clusters} clusters${against}`;
}

/** clusters.json (ClustersFile): every cluster and sub-cluster, flat, with parent links; the file edits and labelling rewrite. */
import { join } from 'node:path';
import { ClustersFile, RUN_FORMAT_VERSION, type ClusterRecord } from '../../shared/api';
import { writeFileAtomic } from '../data/atomic';
import { jsonText, readJsonFile } from './jsonFile';

export const CLUSTERS_JSON = 'clusters.json';

export async function readClusters(dir: string): Promise<ClusterRecord[]> {
  return (await readJsonFile(join(dir, CLUSTERS_JSON), ClustersFile)).clusters;
}

export function clustersText(clusters: ClusterRecord[]): string {
  return jsonText({ version: RUN_FORMAT_VERSION, clusters } satisfies ClustersFile, false);
}

export function writeClusters(dir: string, clusters: ClusterRecord[]): Promise<void> {
  return writeFileAtomic(join(dir, CLUSTERS_JSON), clustersText(clusters));
}

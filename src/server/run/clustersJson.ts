/** clusters.json (ClustersFile): every cluster and sub-cluster, flat, with parent links; the file edits and labelling rewrite. */
import { join } from 'node:path';
import { ClustersFile, RUN_FORMAT_VERSION, type ClusterRecord } from '../../shared/api';
import { writeFileAtomic } from '../data/atomic';
import { readJsonFile } from './jsonFile';

export const CLUSTERS_JSON = 'clusters.json';

export async function readClusters(dir: string): Promise<ClusterRecord[]> {
  return (await readJsonFile(join(dir, CLUSTERS_JSON), ClustersFile)).clusters;
}

/** Clusters stringified per slice, with a turn of the event loop between slices (centroids make the file MBs). */
const SLICE_CLUSTERS = 50;

/**
 * The file's text, as JSON.stringify of {version, clusters} would write it, built a slice of clusters
 * at a time so a large run does not hold the thread for the whole file.
 */
export async function clustersText(clusters: readonly ClusterRecord[]): Promise<string> {
  const parts: string[] = [];
  for (let start = 0; start < clusters.length; start += SLICE_CLUSTERS) {
    if (start > 0) await new Promise((resolve) => setImmediate(resolve));
    for (const c of clusters.slice(start, start + SLICE_CLUSTERS)) parts.push(JSON.stringify(c));
  }
  return `{"version":${JSON.stringify(RUN_FORMAT_VERSION)},"clusters":[${parts.join(',')}]}\n`;
}

export async function writeClusters(dir: string, clusters: ClusterRecord[]): Promise<void> {
  await writeFileAtomic(join(dir, CLUSTERS_JSON), await clustersText(clusters));
}

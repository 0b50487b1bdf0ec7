// minClusterPct below the top level: a cluster is split again only when it holds that share of its
// parent's rows. Synthetic unit vectors with a known hierarchy (nestedBlobs.ts: five tight blobs A and
// a group B, 1/6 of the rows, of two close halves) go through the real reducer and clusterer
// (kNN → UMAP → HDBSCAN).
import { describe, expect, it } from 'vitest';
import { ClusterParams } from '../../../src/shared/cluster';
import { isNoisePath, pathAtDepth, pathDepth } from '../../../src/shared/clusterPath';
import { defaultStages } from '../../../src/server/cluster/defaultStages';
import { subdivide } from '../../../src/server/cluster/recursive';
import { A, B, hooks, space, texts } from './nestedBlobs';

const split = (minClusterPct: number) => subdivide(space, texts.map(() => 'root.0'), ClusterParams.parse({ depth: 3, minClusterPct }), defaultStages, hooks);

/** B's depth-2 cluster, after checking that B is exactly one. */
function clusterOfB(paths: readonly string[]): string {
  const bPath = pathAtDepth(paths[B[0]], 2);
  expect(pathDepth(bPath)).toBe(2);
  expect(isNoisePath(bPath)).toBe(false);
  for (const u of B) expect(pathAtDepth(paths[u], 2)).toBe(bPath);
  for (let u = 0; u < A.length; u++) expect(pathAtDepth(paths[u], 2)).not.toBe(bPath);
  return bPath;
}

describe('sub-clusters below the top level', () => {
  it('B is split into its halves when its share of the parent reaches minClusterPct (15 % < 1/6)', async () => {
    const paths = await split(15);
    const bPath = clusterOfB(paths);
    for (const u of B) expect(pathDepth(paths[u])).toBe(3);
    expect(new Set(B.map((u) => paths[u]).filter((p) => p !== `${bPath}.noise`)).size).toBeGreaterThanOrEqual(2);
  });

  it('B is not split when its share of the parent is below minClusterPct (20 % > 1/6)', async () => {
    const paths = await split(20);
    const bPath = clusterOfB(paths);
    for (const u of B) expect(paths[u]).toBe(bPath);
  });
});

// minClusterPct below the top level: a cluster is split again only when it holds that share of its
// parent's rows. Synthetic unit vectors with a known hierarchy go through the real reducer and
// clusterer (kNN → UMAP → HDBSCAN): one top-level cluster of 600 texts, made of five tight blobs of
// 100 (A) and a group B of 100 whose two halves B1 and B2 sit close together — so B is one depth-2
// cluster (each half is below that level's minimum size) holding 1/6 of its parent's rows, and
// clustering B alone separates the halves.
import { describe, expect, it } from 'vitest';
import { ClusterParams } from '../../../src/shared/cluster';
import { isNoisePath, pathAtDepth, pathDepth } from '../../../src/shared/clusterPath';
import { defaultStages } from '../../../src/server/cluster/defaultStages';
import { subdivide } from '../../../src/server/cluster/recursive';
import type { StageHooks } from '../../../src/server/cluster/stages';
import { Prng } from '../../../src/server/vectors/prng';

const DIM = 16;
const rng = new Prng(7);
const gauss = () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
const unit = (v: number[]) => {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
};
const direction = () => unit(Array.from({ length: DIM }, gauss));
const blob = (centre: number[], count: number) => Array.from({ length: count }, () => unit(centre.map((c) => c + 0.02 * gauss())));

const A = Array.from({ length: 5 }, () => blob(direction(), 100)).flat();
const b = direction();
const apart = direction();
const halves = [1, -1].flatMap((side) => blob(unit(b.map((x, d) => x + side * 0.05 * apart[d])), 50));
const texts = [...A, ...halves];
const B = Array.from({ length: 100 }, (_, i) => A.length + i);
const space = { vectors: Float32Array.from(texts.flat()), dim: DIM, rowsPerText: new Array<number>(texts.length).fill(1) };
const hooks: StageHooks = { stage: () => undefined, time: () => undefined };
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

// subdivide hands every level below the top the top level's kNN graph and the level's indices into
// it, at every depth, and under an exact top graph (every run up to EXACT_MAX_POINTS texts) the paths
// are the very ones it gives without that graph. The hierarchy is nestedBlobs.ts's: five tight
// blobs of 100 and a group of 100 whose two halves sit close together, so the group is one depth-2
// cluster that is split again at depth 3 (minClusterPct 15 < 1/6). The reducer is the real one,
// wrapped to look at what each level passes it.
import { describe, expect, it } from 'vitest';
import { ClusterParams } from '../../../src/shared/cluster';
import { pathDepth } from '../../../src/shared/clusterPath';
import { defaultStages } from '../../../src/server/cluster/defaultStages';
import { exactKnn } from '../../../src/server/cluster/knn';
import { subdivide } from '../../../src/server/cluster/recursive';
import type { ReduceInput, Reducer } from '../../../src/server/cluster/stages';
import { DIM, hooks, space, texts } from './nestedBlobs';

const params = ClusterParams.parse({ depth: 3, minClusterPct: 15 });

/** Whether each row of the level's vectors is the text its parent index names. */
function rowsMatch(input: ReduceInput): boolean {
  const { members } = input.parent!;
  if (members.length !== input.n) return false;
  for (let i = 0; i < input.n; i++) {
    for (let d = 0; d < DIM; d++) if (input.vectors[i * DIM + d] !== space.vectors[members[i] * DIM + d]) return false;
  }
  return true;
}

describe('subdivide and the top level kNN graph', () => {
  it('passes every level below the top the top graph and its indices into it, and under an exact top graph changes no path', async () => {
    const topKnn = await exactKnn(space.vectors, texts.length, DIM, params.nNeighbors);
    const seen: { n: number; topGraph: boolean; rowsMatch: boolean }[] = [];
    const looking: Reducer = {
      reduce(input, h) {
        seen.push({ n: input.n, topGraph: input.parent?.knn === topKnn, rowsMatch: input.parent ? rowsMatch(input) : false });
        return defaultStages.reducer.reduce(input, h);
      },
    };
    const withGraph = await subdivide(space, texts.map(() => 'root.0'), params, { ...defaultStages, reducer: looking }, hooks, topKnn);
    const without = await subdivide(space, texts.map(() => 'root.0'), params, defaultStages, hooks);

    // Both depths were reduced: the whole top-level cluster, then the depth-2 group that is split again.
    expect(seen[0].n).toBe(texts.length);
    expect(seen.some((s) => s.n < texts.length)).toBe(true);
    expect(withGraph.some((p) => pathDepth(p) === 3)).toBe(true);
    expect(seen.every((s) => s.topGraph && s.rowsMatch)).toBe(true);
    expect(withGraph).toEqual(without);
  }, 180_000);
});

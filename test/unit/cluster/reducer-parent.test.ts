// The default reducer below the top level: given its parent (the top level's kNN graph and the
// level's indices into it), a level of an approximate top graph gets the graph restricted from it
// (knn/clusterKnn.ts), not a search of its own, and returns the graph it laid out from. The top
// graph is over EXACT_MAX_POINTS points (so NN-descent); the level is one blob and a few strays from
// another, whose gaps NN-descent fills — a graph that differs from the level's own exact search, so
// the test tells the two apart.
import { describe, expect, it } from 'vitest';
import { ClusterParams } from '../../../src/shared/cluster';
import { approximateKnn, EXACT_MAX_POINTS, exactKnn } from '../../../src/server/cluster/knn';
import { clusterKnn } from '../../../src/server/cluster/knn/clusterKnn';
import type { StageHooks } from '../../../src/server/cluster/stages';
import { umapReducer } from '../../../src/server/cluster/umapReducer';
import { Prng } from '../../../src/server/vectors/prng';

const DIM = 16;
const BLOBS = 16;
const N = EXACT_MAX_POINTS + 2000;

/** N seeded unit vectors around BLOBS well-separated centres; point i is in blob i % BLOBS. */
function blobs(seed: number): Float32Array {
  const rng = new Prng(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  const C = Array.from({ length: BLOBS }, () => Array.from({ length: DIM }, gauss));
  const v = new Float32Array(N * DIM);
  for (let i = 0; i < N; i++) {
    let norm = 0;
    for (let d = 0; d < DIM; d++) norm += (v[i * DIM + d] = C[i % BLOBS][d] + 0.3 * gauss()) ** 2;
    for (let d = 0; d < DIM; d++) v[i * DIM + d] /= Math.sqrt(norm);
  }
  return v;
}

const bytes = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
const hooks: StageHooks = { stage: () => undefined, time: () => undefined };

describe('the reducer below the top level', () => {
  it("uses the approximate top graph restricted to the level, and returns the graph it laid out from", async () => {
    const v = blobs(22);
    const params = ClusterParams.parse({});
    const top = await approximateKnn(v, N, DIM, params.nNeighbors, { seed: params.seed });
    const blob = (c: number) => Array.from({ length: N / BLOBS }, (_, i) => i * BLOBS + c);
    const members = Int32Array.from([...blob(0), ...blob(1).slice(0, 40)]);
    const m = members.length;
    const vectors = new Float32Array(m * DIM);
    members.forEach((p, i) => vectors.set(v.subarray(p * DIM, (p + 1) * DIM), i * DIM));

    const reduced = await umapReducer.reduce({ vectors, n: m, dim: DIM, params, top: false, parent: { knn: top, members } }, hooks);
    const restricted = await clusterKnn(top, members, vectors, DIM, params.nNeighbors, { seed: params.seed });
    const own = await exactKnn(vectors, m, DIM, params.nNeighbors);
    // The level's own search (exact at this size) gives another graph: the check below can fail.
    expect(bytes(restricted.indices).equals(bytes(own.indices))).toBe(false);
    expect(reduced.knn.n).toBe(m);
    expect(bytes(reduced.knn.indices).equals(bytes(restricted.indices))).toBe(true);
    expect(bytes(reduced.knn.distances).equals(bytes(restricted.distances))).toBe(true);
    expect(reduced.layout.length).toBe(m * reduced.dim);
    expect(reduced.map).toBeNull();
  }, 180_000);
});

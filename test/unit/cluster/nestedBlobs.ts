/**
 * Synthetic unit vectors with a known hierarchy, for the sub-cluster tests: one top-level cluster of
 * 600 texts, made of five tight blobs of 100 (A) and a group B of 100 whose two halves sit close
 * together — so B is one depth-2 cluster (each half is below that level's minimum size) holding 1/6 of
 * its parent's rows, and clustering B alone separates the halves. Seeded: the same vectors every time.
 */
import type { StageHooks } from '../../../src/server/cluster/stages';
import { Prng } from '../../../src/server/vectors/prng';

export const DIM = 16;
const rng = new Prng(7);
const gauss = () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
const unit = (v: number[]) => {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
};
const direction = () => unit(Array.from({ length: DIM }, gauss));
const blob = (centre: number[], count: number) => Array.from({ length: count }, () => unit(centre.map((c) => c + 0.02 * gauss())));

export const A = Array.from({ length: 5 }, () => blob(direction(), 100)).flat();
const b = direction();
const apart = direction();
const halves = [1, -1].flatMap((side) => blob(unit(b.map((x, d) => x + side * 0.05 * apart[d])), 50));
export const texts = [...A, ...halves];
/** B's texts, by index. */
export const B = Array.from({ length: 100 }, (_, i) => A.length + i);
export const space = { vectors: Float32Array.from(texts.flat()), dim: DIM, rowsPerText: new Array<number>(texts.length).fill(1) };
export const hooks: StageHooks = { stage: () => undefined, time: () => undefined };

/**
 * Stratified train/validation split: each class keeps the same share in both parts (at least one row
 * of every class with ≥ 2 rows goes to validation, at least one stays in training), shuffled with a
 * seeded PRNG so the split — and everything trained on it — is reproducible.
 */
import { Prng } from '../vectors/prng';

export function shuffleInPlace<T>(a: T[] | Int32Array, rng: Prng): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
}

/** Row indices for training and validation; `strata[i]` is the class of row i. */
export function stratifiedSplit(strata: readonly number[], valFraction: number, seed: number): { train: number[]; val: number[] } {
  const rng = new Prng(seed);
  const byClass = new Map<number, number[]>();
  strata.forEach((c, i) => {
    const l = byClass.get(c);
    if (l) l.push(i);
    else byClass.set(c, [i]);
  });
  const train: number[] = [];
  const val: number[] = [];
  for (const c of [...byClass.keys()].sort((a, b) => a - b)) {
    const rows = byClass.get(c)!;
    shuffleInPlace(rows, rng);
    const k = rows.length < 2 ? 0 : Math.min(rows.length - 1, Math.max(1, Math.round(rows.length * valFraction)));
    val.push(...rows.slice(0, k));
    train.push(...rows.slice(k));
  }
  shuffleInPlace(train, rng);
  return { train, val: val.sort((a, b) => a - b) };
}

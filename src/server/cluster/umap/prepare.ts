/**
 * What both entry points (one layout in index.ts, several side by side in layouts.ts) do alike before
 * optimising, as umap-learn does: the epoch count for n points and the rescale of the initial layout.
 */

/** Rescales each coordinate to [0, 10], as umap-learn does before optimising. */
export function rescaleTo10(emb: Float64Array, n: number, dim: number): void {
  for (let c = 0; c < dim; c++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < n; i++) {
      lo = Math.min(lo, emb[i * dim + c]);
      hi = Math.max(hi, emb[i * dim + c]);
    }
    const span = hi - lo || 1;
    for (let i = 0; i < n; i++) emb[i * dim + c] = (10 * (emb[i * dim + c] - lo)) / span;
  }
}

export function defaultEpochs(n: number): number {
  return n > 10_000 ? 200 : 500;
}

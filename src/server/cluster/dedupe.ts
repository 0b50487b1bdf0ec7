/**
 * Identical texts are clustered once: exact duplicates (2,237 in Bitext) would otherwise form
 * zero-distance cliques that distort UMAP and HDBSCAN densities. Every row keeps its own line in
 * the output; `rowToUnique` maps it to its text's slot.
 */
export interface Deduped {
  unique: string[];
  rowToUnique: Int32Array;
  /** Rows of each unique text. */
  rowsOf: number[][];
}

export function dedupe(texts: readonly string[]): Deduped {
  const index = new Map<string, number>();
  const unique: string[] = [];
  const rowsOf: number[][] = [];
  const rowToUnique = new Int32Array(texts.length);
  texts.forEach((t, r) => {
    let u = index.get(t);
    if (u === undefined) {
      u = unique.length;
      index.set(t, u);
      unique.push(t);
      rowsOf.push([]);
    }
    rowToUnique[r] = u;
    rowsOf[u].push(r);
  });
  return { unique, rowToUnique, rowsOf };
}

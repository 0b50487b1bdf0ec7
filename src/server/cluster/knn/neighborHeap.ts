/**
 * Each point's k best neighbours so far, as NN-descent keeps them: one bounded max-heap per point
 * (farthest at the root, so a worse candidate is rejected with one comparison), all in flat typed
 * arrays, and a "new" flag per entry so that each pair is joined once. Distances are float32 as
 * pynndescent keeps them.
 */
export class NeighborHeap {
  readonly indices: Int32Array;
  readonly distances: Float32Array;
  /** 1 while the entry has not yet taken part in a local join. */
  readonly isNew: Uint8Array;

  /** `shared`: in shared memory, where an NN-descent round's other threads read them (joinTeam.ts). */
  constructor(
    readonly n: number,
    readonly k: number,
    shared = false,
  ) {
    const make = (bytes: number) => (shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
    this.indices = new Int32Array(make(n * k * 4)).fill(-1);
    this.distances = new Float32Array(make(n * k * 4)).fill(Infinity);
    this.isNew = new Uint8Array(make(n * k));
  }

  /** Farthest distance kept for point i (Infinity while its heap is not full). */
  worst(i: number): number {
    return this.distances[i * this.k];
  }

  /** Offers j at distance d to point i; 1 if it was kept (nearer than the farthest, and not there yet), else 0. */
  push(i: number, j: number, d: number, isNew: boolean): number {
    const k = this.k;
    const base = i * k;
    const dist = this.distances;
    const idx = this.indices;
    // Math.fround: compare as stored, or a float64 d could enter again and again beside its float32 copy.
    const df = Math.fround(d);
    if (!(df < dist[base])) return 0;
    for (let c = base; c < base + k; c++) if (idx[c] === j) return 0;
    // Replace the root and sift down.
    let pos = 0;
    for (;;) {
      const l = 2 * pos + 1;
      if (l >= k) break;
      const r = l + 1;
      const child = r < k && dist[base + r] > dist[base + l] ? r : l;
      if (dist[base + child] <= df) break;
      dist[base + pos] = dist[base + child];
      idx[base + pos] = idx[base + child];
      this.isNew[base + pos] = this.isNew[base + child];
      pos = child;
    }
    dist[base + pos] = df;
    idx[base + pos] = j;
    this.isNew[base + pos] = isNew ? 1 : 0;
    return 1;
  }

  /** Rows nearest first, ties by index, so the result does not depend on the heaps' internal order. */
  sorted(): { indices: Int32Array; distances: Float32Array } {
    const { n, k } = this;
    const indices = new Int32Array(n * k);
    const distances = new Float32Array(n * k);
    const order = Array.from({ length: k }, (_, c) => c);
    for (let i = 0; i < n; i++) {
      const base = i * k;
      order.sort((a, b) => this.distances[base + a] - this.distances[base + b] || this.indices[base + a] - this.indices[base + b]);
      for (let c = 0; c < k; c++) {
        indices[base + c] = this.indices[base + order[c]];
        distances[base + c] = this.distances[base + order[c]];
      }
      for (let c = 0; c < k; c++) order[c] = c;
    }
    return { indices, distances };
  }
}

// The embedding cache stays within its bound in memory and on disk, evicting the least recently used
// vectors, across restarts; what it keeps it returns exactly.
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EmbeddingCache, MAX_SEGMENTS, textKey } from '../../../src/server/embed/cache';

const DIM = 384;
const root = mkdtempSync(join(tmpdir(), 'tl-cachebound-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A distinct, checkable vector per text. */
const vectorOf = (i: number) => Float32Array.from({ length: DIM }, (_, d) => Math.sin(i * 31 + d));
const diskBytes = (dir: string) => readdirSync(dir).reduce((s, f) => s + statSync(join(dir, f)).size, 0);

describe('bounded embedding cache', () => {
  const maxBytes = 1000 * DIM * 4; // 1,000 vectors
  const dirOf = () => {
    const base = join(root, 'embeddings');
    return join(base, readdirSync(base)[0]);
  };

  it('one text at a time (ad-hoc /classify calls) keeps at most the bound in memory and twice it on disk', () => {
    const cache = new EmbeddingCache(root, 'a'.repeat(64), DIM, undefined, { maxBytes });
    expect(cache.maxEntries).toBe(1000);
    for (let i = 0; i < 3000; i++) cache.store([textKey(`text ${i}`)], vectorOf(i));
    expect(cache.stats.entries).toBeLessThanOrEqual(1000);
    expect(cache.stats.evicted).toBe(2000);
    expect(readdirSync(dirOf()).filter((f) => f.endsWith('.seg')).length).toBeLessThanOrEqual(MAX_SEGMENTS + 1);
    expect(diskBytes(dirOf())).toBeLessThanOrEqual(2 * 1000 * (32 + DIM * 4) + (MAX_SEGMENTS + 1) * 48);

    // the most recent are kept, exactly; the oldest were evicted
    const out = new Float32Array(2 * DIM);
    expect(cache.lookup([textKey('text 2999'), textKey('text 0')], out)).toEqual([1]);
    expect(Array.from(out.subarray(0, DIM))).toEqual(Array.from(vectorOf(2999)));
  });

  it('a lookup makes a vector recent, so it outlives newer ones; a restart keeps the bound', () => {
    const cache = new EmbeddingCache(root, 'b'.repeat(64), DIM, undefined, { maxBytes });
    const batch = (from: number, n: number) => {
      const keys = Array.from({ length: n }, (_, j) => textKey(`row ${from + j}`));
      const v = new Float32Array(n * DIM);
      for (let j = 0; j < n; j++) v.set(vectorOf(from + j), j * DIM);
      cache.store(keys, v);
    };
    batch(0, 800); // a CSV
    const out = new Float32Array(DIM);
    expect(cache.lookup([textKey('row 0')], out)).toEqual([]); // used again
    batch(800, 800); // another CSV: 1,600 distinct texts for 1,000 places
    expect(cache.lookup([textKey('row 0')], out)).toEqual([]);
    expect(cache.lookup([textKey('row 1')], out)).toEqual([0]);

    const again = new EmbeddingCache(root, 'b'.repeat(64), DIM, undefined, { maxBytes });
    expect(again.stats.entries).toBeLessThanOrEqual(1000);
    const v = new Float32Array(DIM);
    expect(again.lookup([textKey('row 1599')], v)).toEqual([]);
    expect(Array.from(v)).toEqual(Array.from(vectorOf(1599)));
  });
});

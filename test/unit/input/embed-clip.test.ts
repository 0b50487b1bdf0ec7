// The embedder itself cuts every text to MAX_TEXT_CHARS before tokenising, whoever calls it (a CSV cell,
// batch classify, a route): a 5 MB text costs about what a 20,000-character one does and gets its
// prefix's vector. One-off texts (persist: false) are kept in memory and never reach the disk cache.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_TEXT_CHARS } from '../../../src/shared/api';
import { loadEmbedder } from '../../../src/server/embed/embedder';
import { modelDir } from '../../support/model';

const dir = mkdtempSync(join(tmpdir(), 'tl-embed-clip-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const prose = (seed: string, chars: number) => `${seed}: my parcel has not arrived and nobody answers the phone. `.repeat(Math.ceil(chars / 60)).slice(0, chars);

/** Segment files of the disk cache under `root`. */
function segments(root: string): string[] {
  const base = join(root, 'embeddings');
  if (!existsSync(base)) return [];
  return readdirSync(base).flatMap((m) => readdirSync(join(base, m)).filter((f) => f.endsWith('.seg')));
}

describe('embedder text limit', () => {
  it('embeds a 5 MB text in about the time of a 20,000-character one, as its first MAX_TEXT_CHARS characters', async () => {
    const e = await loadEmbedder({ modelDir: modelDir(), device: 'cpu' });
    try {
      await e.embed(['warm up']);
      let t = performance.now();
      await e.embed([prose('small', MAX_TEXT_CHARS)]);
      const smallMs = performance.now() - t;
      const big = prose('big', 5_000_000);
      t = performance.now();
      const whole = await e.embed([big]);
      const bigMs = performance.now() - t;
      expect(bigMs).toBeLessThan(3 * smallMs + 500);
      expect(Array.from(whole)).toEqual(Array.from(await e.embed([big.slice(0, MAX_TEXT_CHARS)])));
    } finally {
      await e.dispose();
    }
  });
});

describe('embedding cache and one-off texts', () => {
  it('persist: false keeps vectors in memory only; a persisted call writes them to disk', async () => {
    const cacheDir = join(dir, 'cache');
    const e = await loadEmbedder({ modelDir: modelDir(), device: 'cpu', cacheDir });
    const oneOff = ['is my refund on its way, order 55?', 'explain: is my refund on its way'];
    let first: Float32Array;
    try {
      first = await e.embed(oneOff, { persist: false });
      expect(segments(cacheDir)).toEqual([]);
      const again = await e.embed(oneOff, { persist: false });
      expect(Array.from(again)).toEqual(Array.from(first));
      expect(e.cacheStats?.memoryHits).toBe(2);
      expect(segments(cacheDir)).toEqual([]);

      await e.embed(['a row of a CSV']);
      expect(segments(cacheDir)).toHaveLength(1);
    } finally {
      await e.dispose();
    }

    // after a restart the CSV row comes from disk; the one-off texts are embedded again, to the same vectors
    const later = await loadEmbedder({ modelDir: modelDir(), device: 'cpu', cacheDir });
    try {
      await later.embed(['a row of a CSV']);
      expect(later.cacheStats).toMatchObject({ hits: 1, misses: 0 });
      const fresh = await later.embed(oneOff, { persist: false });
      expect(later.cacheStats).toMatchObject({ hits: 1, misses: 2, memoryHits: 0 });
      expect(Array.from(fresh)).toEqual(Array.from(first));
    } finally {
      await later.dispose();
    }
  });
});

import { mkdtempSync, readdirSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEmbedder, type Embedder } from '../../../src/server/embed';
import { TicketLensError } from '../../../src/shared/api';
import { dot, modelDir } from '../../support/model';

const texts = [
  'my order never arrived',
  'the package I bought has not been delivered yet',
  'how do I reset my password?',
  'I want a refund for the damaged blender, it broke after two days of use and support did not answer my emails',
  'cancel my subscription please',
];

describe('embedder (real all-MiniLM-L6-v2)', () => {
  let q8: Embedder;
  beforeAll(async () => {
    q8 = await loadEmbedder({ modelDir: modelDir(), dtype: 'q8', device: 'cpu' });
  });
  afterAll(() => q8.dispose());

  it('gives 384-d unit vectors, deterministically', async () => {
    const a = await q8.embed(texts);
    const b = await q8.embed(texts);
    expect(a.length).toBe(texts.length * 384);
    expect(q8.info.dim).toBe(384);
    for (let i = 0; i < texts.length; i++) expect(dot(a, i, i)).toBeCloseTo(1, 5);
    expect(Array.from(a)).toEqual(Array.from(b));
  });

  it('keeps input order although batches are sorted by length', async () => {
    // Reversed input forms the same length-sorted batches, so each text must get a bit-identical vector.
    const fwd = await q8.embed(texts);
    const rev = await q8.embed([...texts].reverse());
    for (let i = 0; i < texts.length; i++) {
      const j = texts.length - 1 - i;
      expect(Array.from(rev.subarray(j * 384, (j + 1) * 384))).toEqual(Array.from(fwd.subarray(i * 384, (i + 1) * 384)));
    }
  });

  it('puts paraphrases closer than unrelated texts', async () => {
    const v = await q8.embed(texts);
    expect(dot(v, 0, 1)).toBeGreaterThan(0.5);
    expect(dot(v, 0, 1)).toBeGreaterThan(dot(v, 0, 2) + 0.25);
    expect(dot(v, 0, 1)).toBeGreaterThan(dot(v, 0, 4) + 0.25);
  });

  it('agrees with fp32 (int8 quantisation keeps cosine ≥ 0.98)', async () => {
    const fp32 = await loadEmbedder({ modelDir: modelDir(), dtype: 'fp32', device: 'cpu' });
    try {
      const a = await q8.embed(texts);
      const b = await fp32.embed(texts);
      for (let i = 0; i < texts.length; i++) {
        let s = 0;
        for (let d = 0; d < 384; d++) s += a[i * 384 + d] * b[i * 384 + d];
        expect(s).toBeGreaterThan(0.98);
      }
      expect(fp32.info.modelHash).not.toBe(q8.info.modelHash);
      // In fp32 a text's vector does not depend on what it is batched (and padded) with. (In int8 it
      // moves slightly — cosine ~0.99 — because dynamic quantisation scales activations per batch.)
      for (let i = 0; i < texts.length; i++) {
        const one = await fp32.embed([texts[i]]);
        let s = 0;
        for (let d = 0; d < 384; d++) s += one[d] * b[i * 384 + d];
        expect(s).toBeGreaterThan(0.9999);
      }
    } finally {
      await fp32.dispose();
    }
  });

  it('truncates texts longer than the model max length instead of failing', async () => {
    const long = 'refund '.repeat(2000);
    const v = await q8.embed([long]);
    expect(dot(v, 0, 0)).toBeCloseTo(1, 5);
  });

  it('reports progress and honours cancellation', async () => {
    const many = Array.from({ length: 200 }, (_, i) => `ticket number ${i} about a late delivery`);
    const seen: number[] = [];
    await q8.embed(many, { onProgress: (done) => seen.push(done) });
    expect(seen.at(-1)).toBe(200);
    const ac = new AbortController();
    ac.abort();
    await expect(q8.embed(many, { signal: ac.signal })).rejects.toMatchObject({ code: 'job_cancelled' });
  });
});

describe('device and model errors', () => {
  it('forcing cuda on a machine without it is a clear error', async () => {
    const err = await loadEmbedder({ modelDir: modelDir(), device: 'cuda' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TicketLensError);
    expect((err as TicketLensError).code).toBe('device_unavailable');
    expect((err as Error).message).toMatch(/CUDA was requested but cannot be used/);
  });

  it('auto falls back to the CPU and says why', async () => {
    const e = await loadEmbedder({ modelDir: modelDir(), device: 'auto' });
    expect(e.info.device.active).toBe('cpu');
    expect(e.info.device.reason).toMatch(/^auto: .*using the CPU/);
    await e.dispose();
  });

  it('a missing model directory names it and says how to provision', async () => {
    const err = await loadEmbedder({ modelDir: '/nonexistent/model' }).catch((e: unknown) => e);
    expect((err as TicketLensError).code).toBe('model_unavailable');
    expect((err as Error).message).toContain('/nonexistent/model');
    expect((err as Error).message).toContain('npm run models');
  });
});

describe('embedding cache', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tl-cache-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('misses, then hits across restarts, with identical vectors', async () => {
    const a = await loadEmbedder({ modelDir: modelDir(), cacheDir: dir, device: 'cpu' });
    const first = await a.embed(texts);
    expect(a.cacheStats).toMatchObject({ hits: 0, misses: texts.length });
    await a.dispose();

    const b = await loadEmbedder({ modelDir: modelDir(), cacheDir: dir, device: 'cpu' });
    const second = await b.embed([...texts, 'a new text']);
    expect(b.cacheStats).toMatchObject({ hits: texts.length, misses: 1 });
    expect(Array.from(second.subarray(0, texts.length * 384))).toEqual(Array.from(first));
    await b.dispose();
  });

  it('detects a corrupt segment, deletes it and re-embeds', async () => {
    const segDir = join(dir, 'embeddings');
    const [modelSub] = readdirSync(segDir);
    const segs = readdirSync(join(segDir, modelSub)).filter((f) => f.endsWith('.seg'));
    expect(segs.length).toBeGreaterThan(0);
    for (const s of segs) {
      const p = join(segDir, modelSub, s);
      const buf = readFileSync(p);
      buf[buf.length - 5] ^= 0xff; // flip bits in a stored vector
      writeFileSync(p, buf);
    }
    const c = await loadEmbedder({ modelDir: modelDir(), cacheDir: dir, device: 'cpu' });
    expect(c.cacheStats?.rebuiltSegments).toBe(segs.length);
    expect(c.cacheStats?.entries).toBe(0);
    const v = await c.embed(texts);
    expect(c.cacheStats).toMatchObject({ hits: 0, misses: texts.length });
    expect(dot(v, 0, 0)).toBeCloseTo(1, 5);
    await c.dispose();
  });

  it('a truncated segment is not trusted either', async () => {
    const segDir = join(dir, 'embeddings');
    const [modelSub] = readdirSync(segDir);
    for (const s of readdirSync(join(segDir, modelSub)).filter((f) => f.endsWith('.seg'))) {
      const p = join(segDir, modelSub, s);
      writeFileSync(p, readFileSync(p).subarray(0, 100));
    }
    const c = await loadEmbedder({ modelDir: modelDir(), cacheDir: dir, device: 'cpu' });
    expect(c.cacheStats?.entries).toBe(0);
    expect(c.cacheStats?.rebuiltSegments).toBeGreaterThan(0);
    await c.dispose();
  });
});

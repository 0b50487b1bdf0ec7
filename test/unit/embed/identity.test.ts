/**
 * compareEmbedding and lineage, on the real model. "Fine-tuned" here is the base model's own files under a
 * manifest that records a fine-tuned lineage: its probe vectors are the base's exactly (cosine 1), so only the
 * lineage can refuse it, which is the case a light fine-tune presents (probes within 0.95 of the base's).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEmbedder, type Embedder } from '../../../src/server/embed';
import { compareEmbedding, embeddingFingerprint } from '../../../src/server/embed/identity';
import { EmbeddingFingerprint } from '../../../src/shared/api';
import { modelDir } from '../../support/model';

const LINEAGE = `finetuned:${'c0ffee'.repeat(10)}abcd`;
/** An ONNX hash no build has: the record stands for another build, so only the fingerprint can accept it. */
const OTHER_BUILD = 'ab'.repeat(32);

describe('compareEmbedding and model lineage (real all-MiniLM-L6-v2)', () => {
  let dir: string;
  let base: Embedder;
  let tuned: Embedder;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tl-lineage-'));
    const src = modelDir();
    for (const f of readdirSync(src)) if (f !== 'manifest.json') symlinkSync(join(src, f), join(dir, f));
    const manifest = JSON.parse(readFileSync(join(src, 'manifest.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...manifest, id: 'lineage-test (fine-tuned all-MiniLM-L6-v2)', lineage: LINEAGE, baseModel: manifest.id }));
    base = await loadEmbedder({ modelDir: src, dtype: 'q8', device: 'cpu' });
    tuned = await loadEmbedder({ modelDir: dir, dtype: 'q8', device: 'cpu' });
  });

  afterAll(async () => {
    await tuned?.dispose();
    await base?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('reads the lineage from the manifest: null for the base model', () => {
    expect(base.info.lineage).toBeNull();
    expect(tuned.info.lineage).toBe(LINEAGE);
  });

  it('records the lineage in the fingerprint, and none for the base model', async () => {
    expect((await embeddingFingerprint(tuned)).lineage).toBe(LINEAGE);
    expect(await embeddingFingerprint(base)).not.toHaveProperty('lineage');
  });

  it('accepts another build of the same lineage by its fingerprint', async () => {
    const match = await compareEmbedding({ hashes: [OTHER_BUILD], dim: 384, fingerprint: await embeddingFingerprint(tuned) }, tuned);
    expect(match).toMatchObject({ same: true, by: 'fingerprint' });
    expect(match.same && match.by === 'fingerprint' && match.minCosine).toBeGreaterThan(0.99);
  });

  it('refuses a different lineage although every probe vector agrees (cosine ~1), naming both', async () => {
    const fromBase = await embeddingFingerprint(base);
    const fromTuned = await embeddingFingerprint(tuned);
    // The vectors are the same: without the lineage the fingerprint would accept either model for the other.
    expect(fromTuned.vectors).toEqual(fromBase.vectors);

    const baseRecordOnTuned = await compareEmbedding({ hashes: [OTHER_BUILD], dim: 384, fingerprint: fromBase }, tuned);
    expect(baseRecordOnTuned).toEqual({ same: false, evidence: "it was made with the base model (not fine-tuned), the server's model is a fine-tuned model (finetuned:c0ffeec0ffee…)" });
    const tunedRecordOnBase = await compareEmbedding({ hashes: [OTHER_BUILD], dim: 384, fingerprint: fromTuned }, base);
    expect(tunedRecordOnBase).toEqual({ same: false, evidence: "it was made with a fine-tuned model (finetuned:c0ffeec0ffee…), the server's model is the base model (not fine-tuned)" });
    const otherTune = await compareEmbedding({ hashes: [OTHER_BUILD], dim: 384, fingerprint: { ...fromTuned, lineage: `finetuned:${'d'.repeat(64)}` } }, tuned);
    expect(otherTune).toEqual({ same: false, evidence: "it was made with a fine-tuned model (finetuned:dddddddddddd…), the server's model is a fine-tuned model (finetuned:c0ffeec0ffee…)" });
  });

  it('takes a fingerprint recorded before lineages (no field) as the base model', async () => {
    // As an older run manifest, classifier header or store row holds it: parsed by the current schema.
    const old = EmbeddingFingerprint.parse(JSON.parse(JSON.stringify({ texts: (await embeddingFingerprint(base)).texts, vectors: (await embeddingFingerprint(base)).vectors })));
    expect(old.lineage).toBeUndefined();
    expect(await compareEmbedding({ hashes: [OTHER_BUILD], dim: 384, fingerprint: old }, base)).toMatchObject({ same: true, by: 'fingerprint' });
    expect(await compareEmbedding({ hashes: [OTHER_BUILD], dim: 384, fingerprint: old }, tuned)).toMatchObject({ same: false, evidence: expect.stringContaining('made with the base model') as unknown });
    // Without any fingerprint only the identical file is accepted; across lineages the evidence says why.
    expect(await compareEmbedding({ hashes: [OTHER_BUILD], dim: 384 }, base)).toEqual({ same: false, evidence: 'no embedding fingerprint was recorded, so only an identical ONNX file is accepted' });
    expect(await compareEmbedding({ hashes: [OTHER_BUILD], dim: 384 }, tuned)).toMatchObject({ same: false, evidence: expect.stringContaining("the server's model is a fine-tuned model") as unknown });
  });
});

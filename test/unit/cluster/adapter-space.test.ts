// Clustering in a trained classifier's adapter space (ClusterParams.adapterModel), with the real model.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterParams } from '../../../src/shared/cluster';
import { TrainParams } from '../../../src/shared/api';
import { trainModel } from '../../../src/server/classify/trainModel';
import { loadRun } from '../../../src/server/cluster/runFolder';
import { runClusterPipeline } from '../../../src/server/cluster/pipeline';
import { adapterSpace } from '../../../src/server/cluster/adapterSpace';
import { predictClusters } from '../../../src/server/cluster/predict';
import { loadEmbedder, type Embedder } from '../../../src/server/embed';
import { silentLogger } from '../../../src/server/log';
import { modelDir } from '../../support/model';
import { SAMPLE_CSV } from '../../support/sample';

const dir = mkdtempSync(join(tmpdir(), 'tl-adapter-space-'));
let embedder: Embedder;
beforeAll(async () => {
  embedder = await loadEmbedder({ modelDir: modelDir(), device: 'cpu', cacheDir: join(dir, 'cache') });
});
afterAll(() => embedder.dispose());

const run = (name: string, adapterModel: string | null) =>
  runClusterPipeline(
    { csvPath: SAMPLE_CSV, textColumn: 'text', labelColumn: 'intent', outDir: join(dir, name), params: ClusterParams.parse({ depth: 1, minClusterSize: 10, adapterModel }) },
    { embedder, log: silentLogger },
  );

describe('clustering in an adapter space', () => {
  it('uses the shipped Bitext adapter, records it in the run, and maps new texts into the same space', async () => {
    const plain = await run('plain', null);
    const adapted = await run('adapted', 'bitext');
    // Printed for the record: the adapter pulls same-intent texts together.
    console.log(`sample, against intent: ARI ${plain.metrics!.ari.toFixed(3)} → ${adapted.metrics!.ari.toFixed(3)}, NMI ${plain.metrics!.nmi.toFixed(3)} → ${adapted.metrics!.nmi.toFixed(3)}`);
    expect(adapted.metrics!.ari).toBeGreaterThanOrEqual(plain.metrics!.ari - 0.02);
    const loaded = await loadRun(adapted.runDir);
    expect(String(loaded.manifest.params.adapterModel)).toMatch(/bitext\.tlc$/);
    const space = await adapterSpace(String(loaded.manifest.params.adapterModel), embedder);
    const [p] = predictClusters(space.map(await embedder.embed(['I need my money back for this order'])), embedder.info.dim, loaded.clusters);
    expect(loaded.clusters.find((c) => c.id === p.path)?.purity?.label).toBe('get_refund');
  });

  it('refuses a model without an adapter, naming it and the fix', async () => {
    const path = join(dir, 'plain.tlc');
    await trainModel({ csvPath: SAMPLE_CSV, textColumn: 'text', columns: [{ column: 'intent', multiLabel: false }], outPath: path, params: TrainParams.parse({ epochs: 5 }) }, { embedder, log: silentLogger });
    await expect(run('refused', path)).rejects.toThrow(/plain\.tlc has no adapter to cluster with; train it with --adapter/);
  });
});

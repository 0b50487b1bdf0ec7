import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClustersFile, clusterName, type ClusterRecord } from '../../../src/shared/api';
import { ClusterParams } from '../../../src/shared/cluster';
import { nameAgreement } from '../../../src/server/cluster/nameAgreement';
import { runClusterPipeline } from '../../../src/server/cluster/pipeline';
import { loadEmbedder, type Embedder } from '../../../src/server/embed';
import { silentLogger } from '../../../src/server/log';
import { modelDir } from '../../support/model';
import { SAMPLE_CSV } from '../../support/sample';

const dir = mkdtempSync(join(tmpdir(), 'tl-names-'));

function clustersOf(runDir: string): ClusterRecord[] {
  return ClustersFile.parse(JSON.parse(readFileSync(join(runDir, 'clusters.json'), 'utf8'))).clusters;
}

describe('cluster names without an LLM, on the bundled sample (300 Bitext tickets, 10 intents; real model)', () => {
  let embedder: Embedder;
  let a: ClusterRecord[];
  let b: ClusterRecord[];
  beforeAll(async () => {
    embedder = await loadEmbedder({ modelDir: modelDir(), device: 'cpu', cacheDir: join(dir, 'cache') });
    const params = ClusterParams.parse({ seed: 7 });
    for (const out of ['a', 'b']) await runClusterPipeline({ csvPath: SAMPLE_CSV, textColumn: 'text', labelColumn: 'intent', outDir: join(dir, out), params }, { embedder, log: silentLogger });
    [a, b] = [clustersOf(join(dir, 'a')), clustersOf(join(dir, 'b'))];
  });
  afterAll(() => embedder.dispose());

  it('share a content word with the majority intent more often than the top keyword does', () => {
    const named = a.filter((c) => !c.isNoise && c.purity);
    expect(named.length).toBeGreaterThanOrEqual(10);
    for (const c of named) expect(c.autoName, c.id).toMatch(/^[A-Z0-9]/);
    const auto = nameAgreement(named.map((c) => ({ name: c.autoName!, intent: c.purity!.label })));
    const keyword = nameAgreement(named.map((c) => ({ name: c.keywords[0]?.term ?? '', intent: c.purity!.label })));
    const table = named.map((c) => `${c.id} ${c.purity!.label}: "${c.autoName}" vs "${c.keywords[0]?.term}"`).join('\n');
    expect(auto, `auto ${auto.toFixed(3)}, top keyword ${keyword.toFixed(3)}\n${table}`).toBeGreaterThan(keyword);
  });

  it('are the same for the same run, and are what the tree shows for an unlabelled cluster', () => {
    expect(b.map((c) => [c.id, c.autoName])).toEqual(a.map((c) => [c.id, c.autoName]));
    for (const c of a.filter((k) => !k.isNoise)) expect(clusterName(c)).toBe(c.autoName);
    for (const c of a.filter((k) => k.isNoise)) expect(c.autoName).toBeNull();
  });
});

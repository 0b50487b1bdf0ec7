/**
 * A real run folder to label: the first 200 sample tickets clustered with the real model, built once
 * per test file; each test labels a fresh copy.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { ClustersFile, RunManifest } from '../../../src/shared/api';
import { ClusterParams } from '../../../src/shared/cluster';
import { runClusterPipeline } from '../../../src/server/cluster/pipeline';
import { loadEmbedder } from '../../../src/server/embed';
import { silentLogger } from '../../../src/server/log';
import { modelDir } from '../../support/model';
import { SAMPLE_CSV } from '../../support/sample';

export interface RunFixture {
  root: string;
  freshRun(): string;
}

export async function buildRunFixture(prefix: string): Promise<RunFixture> {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const template = join(root, 'template');
  const rows = parse<Record<string, string>>(readFileSync(SAMPLE_CSV), { columns: true });
  const csv = join(root, 'tickets.csv');
  writeFileSync(csv, stringify(rows.slice(0, 200), { header: true }));
  const e = await loadEmbedder({ modelDir: modelDir(), device: 'cpu' });
  try {
    await runClusterPipeline({ csvPath: csv, textColumn: 'text', outDir: template, params: ClusterParams.parse({ depth: 1 }) }, { embedder: e, log: silentLogger });
  } finally {
    await e.dispose();
  }
  return {
    root,
    freshRun() {
      const d = mkdtempSync(join(root, 'run-'));
      cpSync(template, d, { recursive: true });
      return d;
    },
  };
}

export const clustersOf = (dir: string) => ClustersFile.parse(JSON.parse(readFileSync(join(dir, 'clusters.json'), 'utf8'))).clusters;
export const targetsOf = (dir: string) => clustersOf(dir).filter((c) => !c.isNoise);
export const manifestOf = (dir: string) => RunManifest.parse(JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')));

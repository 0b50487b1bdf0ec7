/**
 * Which rows get tagged: a stratified sample over the clusters of a real run of the CSV (clustered
 * with the real model) covers every cluster, the latest run of the very same file is found by
 * itself, a cluster of the run can be tagged alone, and without a run the sample is seeded random.
 */
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ClusterParams } from '../../../src/shared/cluster';
import { runClusterPipeline } from '../../../src/server/cluster/pipeline';
import { loadEmbedder } from '../../../src/server/embed';
import { silentLogger } from '../../../src/server/log';
import { readAssignments } from '../../../src/server/run/assignmentsCsv';
import { allocate, chooseRows } from '../../../src/server/tag/sample';
import { tagRows } from '../../../src/server/tag/tagRows';
import { Prng } from '../../../src/server/vectors/prng';
import { startFakeAnthropic } from '../../support/fakeAnthropic';
import { modelDir } from '../../support/model';
import { answerFromHidden, buildTagFixture, KEY } from './tagFixture';

const fx = buildTagFixture('tl-tag-sample-');
const ws = fx.workspace();
const runDir = join(ws.dir, '.ticket-lens', 'runs', 'tickets-20261201-120000');
const dryRun = { csvPath: ws.csv, labelSet: 'topic', workspace: ws.dir, dryRun: true } as const;
const deps = () => ({ cacheDir: join(fx.root, 'cache') });

beforeAll(async () => {
  const e = await loadEmbedder({ modelDir: modelDir(), device: 'cpu' });
  try {
    await runClusterPipeline({ csvPath: ws.csv, textColumn: 'text', outDir: runDir, params: ClusterParams.parse({ depth: 1 }) }, { embedder: e, log: silentLogger });
  } finally {
    await e.dispose();
  }
});

describe('choosing the rows to tag', () => {
  it('allocates one row per stratum first, the rest in proportion to size, never more than a stratum has', () => {
    expect(allocate([100, 50, 10, 1], 20, new Prng(1))).toEqual([11, 6, 2, 1]);
    expect(allocate([5, 3], 100, new Prng(1))).toEqual([5, 3]);
    // Fewer rows than strata: the largest strata get one each.
    expect(allocate([4, 90, 7, 30], 2, new Prng(1))).toEqual([0, 1, 0, 1]);
  });

  it('without a run: a seeded random sample over the whole file, the same for the same seed', () => {
    const rows = Array.from({ length: 1000 }, (_, i) => i + 1);
    const a = chooseRows({ rows, size: 50, all: false, seed: 7, clusterOf: null, runDir: null, clusters: null });
    expect(a.info.method).toBe('random');
    expect(a.rows).toHaveLength(50);
    expect(a.rows).toEqual(chooseRows({ rows, size: 50, all: false, seed: 7, clusterOf: null, runDir: null, clusters: null }).rows);
    expect(a.rows).not.toEqual(chooseRows({ rows, size: 50, all: false, seed: 8, clusterOf: null, runDir: null, clusters: null }).rows);
    // Spread over the file, not its first rows.
    expect(a.rows.filter((r) => r > 500).length).toBeGreaterThan(10);
    expect(chooseRows({ rows, size: 50, all: true, seed: 7, clusterOf: null, runDir: null, clusters: null }).rows).toHaveLength(1000);
  });

  it("finds the CSV's latest run by itself and stratifies over its clusters: every cluster gets a row", async () => {
    const assignments = await readAssignments(runDir);
    const clusters = new Set(assignments.map((a) => a.cluster));
    expect(clusters.size).toBeGreaterThan(4);
    const s = await tagRows({ ...dryRun, sample: 30 }, silentLogger, undefined, deps());
    expect(s.sample.method).toBe('stratified');
    expect(s.sample.runDir).toBe(runDir);
    expect(s.selected).toBe(30);
    expect(Object.keys(s.sample.perCluster ?? {}).sort()).toEqual([...clusters].sort());
    // Bigger clusters get more rows.
    const size = (c: string) => assignments.filter((a) => a.cluster === c).length;
    const [big, small] = [...clusters].sort((a, b) => size(b) - size(a)).filter((_, i, all) => i === 0 || i === all.length - 1);
    expect(s.sample.perCluster![big]).toBeGreaterThanOrEqual(s.sample.perCluster![small]);
    // The default output lies beside the run.
    expect(s.outDir).toBe(join(runDir, 'tags-topic'));
  });

  it('a run of another version of the file is not used (its rows would not match)', async () => {
    const other = fx.workspace();
    const copy = join(other.dir, '.ticket-lens', 'runs', 'tickets-20261201-130000');
    mkdirSync(join(other.dir, '.ticket-lens', 'runs'), { recursive: true });
    cpSync(runDir, copy, { recursive: true });
    const manifest = JSON.parse(readFileSync(join(copy, 'run.json'), 'utf8')) as { input: { path: string } };
    manifest.input.path = other.csv;
    writeFileSync(join(copy, 'run.json'), JSON.stringify(manifest));
    writeFileSync(other.csv, readFileSync(other.csv, 'utf8') + 'T-9999,one more ticket\n');
    const s = await tagRows({ ...dryRun, csvPath: other.csv, workspace: other.dir, sample: 30 }, silentLogger, undefined, deps());
    expect(s.sample.method).toBe('random');
    await expect(tagRows({ ...dryRun, csvPath: other.csv, workspace: other.dir, runDir: copy }, silentLogger, undefined, deps())).rejects.toThrow(/made from another version/);
  });

  it("tags only a cluster's rows, sending each to the fake API once", async () => {
    const assignments = await readAssignments(runDir);
    const target = assignments[0].cluster;
    const members = new Set(assignments.filter((a) => a.cluster === target).map((a) => a.row));
    const fake = await startFakeAnthropic(answerFromHidden(fx));
    try {
      const s = await tagRows({ csvPath: ws.csv, labelSet: 'topic', workspace: ws.dir, clusters: [target], all: true, baseURL: fake.url, outDir: join(fx.root, 'one-cluster') }, silentLogger, undefined, { ...deps(), apiKey: KEY });
      expect(s).toMatchObject({ state: 'complete', selected: members.size, tagged: members.size });
      expect(fake.requests).toHaveLength(Math.ceil(members.size / 20));
    } finally {
      await fake.close();
    }
  });
});

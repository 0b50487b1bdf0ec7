import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClustersFile, MetricsFile, RunManifest } from '../../../src/shared/api';
import { ClusterParams } from '../../../src/shared/cluster';
import { runClusterPipeline } from '../../../src/server/cluster/pipeline';
import { loadEmbedder, type Embedder } from '../../../src/server/embed';
import { silentLogger } from '../../../src/server/log';
import { runCli } from '../../support/cli';
import { modelDir } from '../../support/model';
import { SAMPLE_CSV } from '../../support/sample';

const dir = mkdtempSync(join(tmpdir(), 'tl-cluster-'));
const cache = join(dir, 'cache');
const env = { TICKET_LENS_CACHE: cache };
const PATH_RE = /^root\.(\d+|noise)(\.(\d+|noise))?$/;

function assignments(runDir: string): Record<string, string>[] {
  return parse<Record<string, string>>(readFileSync(join(runDir, 'assignments.csv')), { columns: true });
}

describe('ticket-lens cluster on the bundled sample (real model)', () => {
  const out = join(dir, 'run-cli');
  let stdout = '';
  beforeAll(async () => {
    const r = await runCli(['cluster', SAMPLE_CSV, '--text-column', 'text', '--label-column', 'intent', '--out', out, '--model', modelDir(), '--quiet'], env);
    expect(r.code, r.stderr).toBe(0);
    stdout = r.stdout;
  });

  it('writes a complete run folder that validates against the shared format', () => {
    for (const f of ['run.json', 'clusters.json', 'assignments.csv', 'metrics.json', 'summary.md', 'map.png', 'map-labels.png', 'map-depth-2.png', 'sizes.svg']) expect(existsSync(join(out, f)), f).toBe(true);
    const manifest = RunManifest.parse(JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')));
    expect(manifest.input).toMatchObject({ rows: 300, textColumn: 'text', labelColumn: 'intent' });
    expect(manifest.params.minClusterSize).toEqual(expect.any(Number));
    const clusters = ClustersFile.parse(JSON.parse(readFileSync(join(out, 'clusters.json'), 'utf8'))).clusters;
    for (const c of clusters) expect(c.id).toMatch(PATH_RE);
    expect(clusters.some((c) => c.depth === 2)).toBe(true);
    for (const c of clusters.filter((k) => k.depth === 2)) expect(clusters.find((p) => p.id === c.parent)).toBeDefined();
    const top = clusters.filter((c) => c.depth === 1);
    expect(top.reduce((s, c) => s + c.size, 0)).toBe(300);
    for (const c of top.filter((k) => !k.isNoise)) {
      expect(c.keywords.length).toBeGreaterThan(0);
      expect(c.examples.length).toBeGreaterThan(0);
      expect(c.centroid).toHaveLength(384);
      expect(c.purity?.share).toBeGreaterThan(0);
    }
    expect(readFileSync(join(out, 'map.png')).subarray(1, 4).toString()).toBe('PNG');
  });

  it('assigns every row, and recovers the intents', () => {
    const rows = assignments(out);
    expect(rows).toHaveLength(300);
    expect(rows.map((r) => Number(r.row))).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    for (const r of rows) expect(r.cluster).toMatch(PATH_RE);
    const metrics = MetricsFile.parse(JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')));
    expect(metrics.topLevel?.withNoise.ari).toBeGreaterThan(0.8);
    expect(metrics.topLevel?.withNoise.nmi).toBeGreaterThan(0.85);
    expect(stdout).toMatch(/against intent: ARI 0\.\d+, NMI 0\.\d+/);
    expect(stdout).toMatch(/validity/); // the auto min-cluster-size sweep table
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toContain('## Evaluation against `intent`');
  });
});

describe('cluster pipeline (in process)', () => {
  let embedder: Embedder;
  beforeAll(async () => {
    embedder = await loadEmbedder({ modelDir: modelDir(), device: 'cpu', cacheDir: join(dir, 'cache2') });
  });
  afterAll(() => embedder.dispose());
  const params = ClusterParams.parse({ seed: 3 });

  it('is deterministic for a seed, and the second run reuses the embedding cache', async () => {
    const a = await runClusterPipeline({ csvPath: SAMPLE_CSV, textColumn: 'text', outDir: join(dir, 'det-a'), params }, { embedder, log: silentLogger });
    const b = await runClusterPipeline({ csvPath: SAMPLE_CSV, textColumn: 'text', outDir: join(dir, 'det-b'), params }, { embedder, log: silentLogger });
    expect(a.cacheHits).toBe(0);
    expect(b.cacheHits).toBe(300);
    expect(assignments(join(dir, 'det-a')).map((r) => r.cluster)).toEqual(assignments(join(dir, 'det-b')).map((r) => r.cluster));
  });

  it('a cancel mid-job leaves no run folder and no temporary folder', async () => {
    const ac = new AbortController();
    const out = join(dir, 'cancelled', 'run');
    const p = runClusterPipeline(
      { csvPath: SAMPLE_CSV, textColumn: 'text', outDir: out, params },
      { embedder, log: silentLogger, signal: ac.signal, progress: (s) => s.stage.startsWith('UMAP') && ac.abort() },
    );
    await expect(p).rejects.toMatchObject({ code: 'job_cancelled' });
    expect(existsSync(out)).toBe(false);
    expect(existsSync(join(dir, 'cancelled')) ? readdirSync(join(dir, 'cancelled')) : []).toEqual([]);
  });

  it('refuses to write the run into the input folder', async () => {
    // a real, clusterable input in a folder of its own, so only the run-folder guard can refuse it
    const parent = mkdtempSync(join(tmpdir(), 'tl-input-folder-'));
    const inputDir = join(parent, 'input');
    mkdirSync(inputDir);
    const csvPath = join(inputDir, 'tickets.csv');
    const content = readFileSync(SAMPLE_CSV);
    writeFileSync(csvPath, content);
    for (const outDir of [inputDir, csvPath]) {
      const refused = runClusterPipeline({ csvPath, textColumn: 'text', outDir, params }, { embedder, log: silentLogger });
      await expect(refused).rejects.toMatchObject({ code: 'bad_input' });
      // the message tells this guard from the "already exists" refusal further down, which has the same code
      await expect(refused).rejects.toThrow(`The run folder ${outDir} would be the input file or its folder`);
    }
    expect(readdirSync(parent)).toEqual(['input']);
    expect(readdirSync(inputDir)).toEqual(['tickets.csv']);
    expect(readFileSync(csvPath).equals(content)).toBe(true);
  });
});

describe("ticket-lens cluster: HDBSCAN's noise reassigned by default, kept with --keep-outliers", () => {
  const run = async (name: string, extra: string[]) => {
    const out = join(dir, name);
    const r = await runCli(['cluster', SAMPLE_CSV, '--text-column', 'text', '--depth', '1', '--min-cluster-size', '40', '--out', out, '--model', modelDir(), '--quiet', ...extra], env);
    expect(r.code, r.stderr).toBe(0);
    return { rows: assignments(out), params: RunManifest.parse(JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'))).params };
  };

  it('moves some noise rows into clusters, keeps was_noise as HDBSCAN said, and leaves the clustered rows where they were', async () => {
    const kept = await run('outliers-kept', ['--keep-outliers']);
    const moved = await run('outliers-auto', []);
    expect(kept.params.reassignOutliers).toBeNull();
    expect(moved.params.reassignOutliers).toBe('auto');
    const noise = (rows: Record<string, string>[]) => rows.filter((r) => r.cluster === 'root.noise').length;
    expect(noise(kept.rows)).toBeGreaterThan(0);
    // same seed, same HDBSCAN: the same rows were noise before reassignment
    expect(moved.rows.map((r) => r.was_noise)).toEqual(kept.rows.map((r) => r.was_noise));
    expect(kept.rows.filter((r) => r.was_noise === '1').length).toBe(noise(kept.rows));
    expect(noise(moved.rows)).toBeLessThan(noise(kept.rows));
    kept.rows.forEach((r, i) => {
      if (r.was_noise === '0') expect(moved.rows[i].cluster).toBe(r.cluster);
    });
  });

  it('refuses a threshold that is neither auto nor a cosine, and a threshold with --keep-outliers', async () => {
    const r = await runCli(['cluster', SAMPLE_CSV, '--text-column', 'text', '--reassign-outliers', 'often', '--model', modelDir()], env);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('--reassign-outliers must be auto or a cosine similarity from -1 to 1, not "often"');
    const both = await runCli(['cluster', SAMPLE_CSV, '--text-column', 'text', '--reassign-outliers', '0.5', '--keep-outliers', '--model', modelDir()], env);
    expect(both.code).not.toBe(0);
    expect(both.stderr).toMatch(/--keep-outliers.*cannot be used with.*--reassign-outliers/);
  });
});

describe('ticket-lens cluster on CSV edge cases', () => {
  const sample = parse<{ text: string }>(readFileSync(SAMPLE_CSV), { columns: true }).slice(0, 60).map((r) => r.text.replace(/"/g, '""'));
  const cluster = (name: string, content: string | Buffer, extra: string[] = []) => {
    const p = join(dir, name);
    writeFileSync(p, content);
    return runCli(['cluster', p, '--text-column', 'text', '--out', join(dir, `${name}.run`), '--model', modelDir(), '--quiet', ...extra], env);
  };

  it('reads quoted newlines, a BOM and ; delimiters, and skips (and reports) empty rows', async () => {
    const body = sample.map((t, i) => (i % 7 === 0 ? `"${t}\nsecond line; with semicolon"` : t)).join(';x\n');
    const r = await cluster('edge.csv', `\uFEFFtext;other\n${body};x\n\n;y\n`);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/row 61 \(line \d+\) skipped: empty "text" cell/);
    const rows = assignments(join(dir, 'edge.csv.run'));
    expect(rows).toHaveLength(60);
    expect(rows[0].text).toContain('\nsecond line; with semicolon');
  });

  it('clusters a 1-row file and a file of identical texts (all noise, no crash)', async () => {
    const one = await cluster('one.csv', 'text\nwhere is my order\n');
    expect(one.code, one.stderr).toBe(0);
    expect(assignments(join(dir, 'one.csv.run'))).toHaveLength(1);
    const same = await cluster('same.csv', `text\n${'where is my order\n'.repeat(25)}`);
    expect(same.code, same.stderr).toBe(0);
    const rows = assignments(join(dir, 'same.csv.run'));
    expect(rows).toHaveLength(25);
    expect(new Set(rows.map((r) => r.cluster)).size).toBe(1);
  });

  it('names a missing column and non-UTF-8 bytes, and writes nothing', async () => {
    const missing = await cluster('missing.csv', 'body\nhello\n');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('there is no column "text"');
    const latin = await cluster('latin.csv', Buffer.concat([Buffer.from('text\nok\ncaf'), Buffer.from([0xe9]), Buffer.from('\n')]));
    expect(latin.code).toBe(1);
    expect(latin.stderr).toMatch(/line 3 is not valid UTF-8/);
    expect(existsSync(join(dir, 'missing.csv.run'))).toBe(false);
    expect(existsSync(join(dir, 'latin.csv.run'))).toBe(false);
  });
});

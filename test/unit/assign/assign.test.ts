/**
 * `ticket-lens assign`: new tickets into a run's clusters without re-clustering (real model, the built
 * CLI as a child process where a user would run it). What it must get right: where a full re-run would
 * put the same tickets (the agreement scripts/bench-assign.mjs measures on all of Bitext, here on the
 * bundled sample), a topic the run never saw coming out new rather than forced into a cluster, and
 * what it refuses — a run made with another model, an output over the input.
 */
import { copyFileSync, cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AssignResult, ClusterParams, RunManifest } from '../../../src/shared/api';
import { agreement } from '../../../src/server/assign/agreement';
import { readAssigned } from '../../../src/server/assign/assignedCsv';
import { buildAssigner } from '../../../src/server/assign/assigner';
import { assignCsv } from '../../../src/server/assign/assignRun';
import { runMembers } from '../../../src/server/assign/runMembers';
import { runClusterPipeline } from '../../../src/server/cluster/pipeline';
import { predictClusters } from '../../../src/server/cluster/predict';
import { loadEmbedder, type Embedder } from '../../../src/server/embed';
import { silentLogger } from '../../../src/server/log';
import { readAssignments } from '../../../src/server/run/assignmentsCsv';
import { runCli } from '../../support/cli';
import { modelDir } from '../../support/model';
import { isHeldOut, sampleRows, tempDir, UNSEEN_INTENT, writeRows, type SampleRow } from './fixtures';

const dir = tempDir('assign');
const cache = join(dir, 'cache');
const env = { TICKET_LENS_CACHE: cache };
const rows = sampleRows();
const heldIdx = rows.map((_, i) => i).filter(isHeldOut);
const fitIdx = rows.map((_, i) => i).filter((i) => !isHeldOut(i));
const fitCsv = writeRows(dir, 'fit.csv', fitIdx.map((i) => rows[i]));
const heldCsv = writeRows(
  dir,
  'held.csv',
  heldIdx.map((i) => ({ ...rows[i], id: `H-${i}`, created_at: `3/${(i % 28) + 1}/2024 9:30` })),
);
const allCsv = writeRows(dir, 'all.csv', rows);

let embedder: Embedder;
beforeAll(async () => {
  embedder = await loadEmbedder({ modelDir: modelDir(), device: 'cpu', cacheDir: cache });
});
afterAll(() => embedder.dispose());

const cluster = (name: string, csv: string, params = ClusterParams.parse({})) =>
  runClusterPipeline({ csvPath: csv, textColumn: 'text', outDir: join(dir, name), params }, { embedder, log: silentLogger });

describe('assigning held-out rows agrees with a full re-run', () => {
  const runA = join(dir, 'run-A');
  const out = join(dir, 'held-assigned.csv');
  let stdout = '';
  beforeAll(async () => {
    const { minClusterSize } = await cluster('run-A', fitCsv);
    // The re-run on every row, with run A's resolved parameters (its chosen size, the same seed).
    await cluster('rerun', allCsv, ClusterParams.parse({ minClusterSize }));
    const r = await runCli(['assign', runA, '--csv', heldCsv, '--text-column', 'text', '--id-column', 'id', '--date-column', 'created_at', '--out', out, '--model', modelDir(), '--device', 'cpu', '--json', '--quiet'], env);
    expect(r.code, r.stderr).toBe(0);
    stdout = r.stdout;
  });

  it('writes every held-out row with its id, its date as ISO and a place in the run', async () => {
    const result = AssignResult.parse(JSON.parse(stdout));
    expect(result.tickets).toBe(heldIdx.length);
    expect(result.members).toBe(new Set(fitIdx.map((i) => rows[i].text)).size);
    expect(result.assigned + result.noise + result.new).toBe(heldIdx.length);
    const assigned = await readAssigned(out);
    expect(assigned.map((a) => a.id)).toEqual(heldIdx.map((i) => `H-${i}`));
    expect(assigned[0].date).toBe(new Date(Date.UTC(2024, 2, (heldIdx[0] % 28) + 1, 9, 30)).toISOString());
    const paths = new Set((await readAssignments(runA)).map((a) => a.cluster));
    for (const a of assigned) {
      if (a.status === 'new') expect(a.cluster).toBeNull();
      else expect(paths.has(a.cluster!), a.cluster!).toBe(true);
      expect(a.probability).toBeGreaterThan(0);
      expect(a.probability).toBeLessThanOrEqual(1);
    }
  });

  it('puts held-out rows where the re-run puts them about as often as the two runs agree (the 60-row sample)', async () => {
    const assigned = await readAssigned(out);
    const fit = (await readAssignments(runA)).map((a) => a.cluster);
    const all = (await readAssignments(join(dir, 'rerun'))).map((a) => a.cluster);
    const a = agreement({ assigned: assigned.map((x) => x.cluster), rerun: heldIdx.map((i) => all[i]), common: { fit, rerun: fitIdx.map((i) => all[i]) }, depth: 1 });
    console.log(`sample: assign agrees with the re-run on ${(a.agreement * 100).toFixed(1)}% of ${a.heldOut} held-out rows; the runs agree on ${(a.runsAgreement * 100).toFixed(1)}% of the rest; ${JSON.stringify(a.counts)}`);
    // Measured 83.3 % against the runs' 89.6 %: 8 of the 60 rows lie in a cluster the re-run split.
    expect(a.agreement).toBeGreaterThanOrEqual(0.75);
    expect(a.agreement).toBeGreaterThanOrEqual(a.runsAgreement - 0.1);
  });

  it('refuses a run made with another embedding model, naming both', async () => {
    const other = join(dir, 'run-other');
    cpSync(runA, other, { recursive: true });
    const manifest = RunManifest.parse(JSON.parse(readFileSync(join(other, 'run.json'), 'utf8')));
    // Another model: another ONNX file and probe vectors this one does not make.
    manifest.model = { id: 'someone/other-model', hash: 'f'.repeat(64), fingerprint: { texts: manifest.model.fingerprint!.texts, vectors: manifest.model.fingerprint!.vectors.map((v) => v.map((x) => -x)) } };
    writeFileSync(join(other, 'run.json'), JSON.stringify(manifest));
    const r = await runCli(['assign', other, '--csv', heldCsv, '--text-column', 'text', '--out', join(dir, 'other.csv'), '--model', modelDir(), '--device', 'cpu', '--quiet'], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/made with another embedding model \(someone\/other-model, ONNX sha256 ffffffffffff…; this one is .*all-MiniLM-L6-v2/);
  });

  it('never writes over the input or a file it did not write, and replaces its own output', async () => {
    const onInput = await runCli(['assign', runA, '--csv', heldCsv, '--text-column', 'text', '--out', heldCsv, '--model', modelDir(), '--quiet'], env);
    expect(onInput.code).toBe(1);
    expect(onInput.stderr).toMatch(/is the input CSV/);
    const mine = join(dir, 'notes.csv');
    copyFileSync(fitCsv, mine);
    const onUser = await runCli(['assign', runA, '--csv', heldCsv, '--text-column', 'text', '--out', mine, '--model', modelDir(), '--quiet'], env);
    expect(onUser.code).toBe(1);
    expect(onUser.stderr).toMatch(/not an assigned-tickets CSV written by Ticket Lens/);
    expect(readFileSync(mine, 'utf8')).toBe(readFileSync(fitCsv, 'utf8'));
    const again = await runCli(['assign', runA, '--csv', heldCsv, '--text-column', 'text', '--out', out, '--model', modelDir(), '--quiet'], env);
    expect(again.code, again.stderr).toBe(0);
  });
});

const bitextCsv = join(process.env.TICKET_LENS_DATA || resolve(__dirname, '..', '..', '..', '..', 'shared', 'data'), 'bitext.csv');

/**
 * The measurement of scripts/bench-assign.mjs on a slice of Bitext small enough for a test: every 8th
 * row (3,359 tickets, 27 intents), every 10th of those held out, the re-run with the default
 * parameters. Measured: assign 90.1–91.0 %, nearest centroid 85.4–86.3 %, the two runs 94.0–94.3 %;
 * with the split-aware map assign 95.2–95.5 %.
 */
describe.skipIf(!existsSync(bitextCsv))('on 3,359 Bitext tickets, 336 held out', () => {
  it('agrees with a full re-run on at least 85 % of held-out rows, more often than nearest centroid', async () => {
    const all = parse<SampleRow>(readFileSync(bitextCsv), { columns: true }).filter((_, i) => i % 8 === 0);
    const held = all.map((_, i) => i).filter((i) => i % 10 === 9);
    const fit = all.map((_, i) => i).filter((i) => i % 10 !== 9);
    await cluster('bitext-fit', writeRows(dir, 'bitext-fit.csv', fit.map((i) => all[i])));
    await cluster('bitext-all', writeRows(dir, 'bitext-all.csv', all));
    const members = await runMembers(join(dir, 'bitext-fit'), embedder);
    const vectors = members.toRunSpace(await embedder.embed(held.map((i) => all[i].text)));
    const assigned = await (await buildAssigner(members)).assign(vectors, held.length);
    const rerun = (await readAssignments(join(dir, 'bitext-all'))).map((a) => a.cluster);
    const input = { rerun: held.map((i) => rerun[i]), common: { fit: (await readAssignments(join(dir, 'bitext-fit'))).map((a) => a.cluster), rerun: fit.map((i) => rerun[i]) }, depth: 1 };
    const knn = agreement({ ...input, assigned: assigned.map((a) => a.cluster) });
    const centroid = agreement({ ...input, assigned: predictClusters(vectors, members.dim, members.run.clusters).map((p) => p.path) });
    const splitAware = agreement({ ...input, assigned: assigned.map((a) => a.cluster) }, true);
    console.log(`Bitext slice: assign ${(knn.agreement * 100).toFixed(1)}%, nearest centroid ${(centroid.agreement * 100).toFixed(1)}%, runs ${(knn.runsAgreement * 100).toFixed(1)}%; split-aware assign ${(splitAware.agreement * 100).toFixed(1)}%`);
    expect(knn.agreement).toBeGreaterThanOrEqual(0.85);
    expect(splitAware.agreement).toBeGreaterThanOrEqual(0.9);
    expect(knn.agreement).toBeGreaterThan(centroid.agreement);
  });
});

describe('a topic the run never saw', () => {
  it('comes out new, while tickets of known topics go into clusters', async () => {
    const known = fitIdx.filter((i) => rows[i].intent !== UNSEEN_INTENT);
    const fresh = rows.map((_, i) => i).filter((i) => isHeldOut(i) || rows[i].intent === UNSEEN_INTENT);
    await cluster('run-unseen', writeRows(dir, 'known.csv', known.map((i) => rows[i])));
    const r = await assignCsv(
      { runDir: join(dir, 'run-unseen'), csvPath: writeRows(dir, 'fresh.csv', fresh.map((i) => rows[i])), textColumn: 'text', outPath: join(dir, 'fresh-assigned.csv') },
      { embedder, log: silentLogger },
    );
    expect(r.tickets).toBe(fresh.length);
    const assigned = await readAssigned(join(dir, 'fresh-assigned.csv'));
    const share = (unseen: boolean) => {
      const mine = fresh.map((i, j) => [i, j]).filter(([i]) => (rows[i].intent === UNSEEN_INTENT) === unseen);
      return mine.filter(([, j]) => assigned[j].status === 'new').length / mine.length;
    };
    console.log(`sample: new/unassigned — ${(share(true) * 100).toFixed(0)}% of the unseen intent, ${(share(false) * 100).toFixed(0)}% of the known ones`);
    expect(share(true)).toBeGreaterThanOrEqual(0.8);
    expect(share(false)).toBeLessThanOrEqual(0.1);
  });
});

// `npm run bench:assign` (node scripts/bench-assign.mjs): how often `ticket-lens assign` agrees with a full
// re-run (issue 13: target ≥ 90 % on Bitext held-out rows), against nearest-centroid assignment, in one run.
//   1. Bitext (26,872 rows) minus every 10th row is clustered with the default parameters (run A);
//   2. the held-out rows (every 10th, 2,687) are assigned to run A (timed);
//   3. the whole pipeline runs again on all rows — once with the default parameters (min cluster size
//      `auto` chooses again) and once with run A's resolved ones (its chosen size, same seed);
//   4. each run-A cluster is mapped to the re-run cluster holding most of its rows (on the rows both runs
//      clustered); a held-out row agrees when its assigned cluster maps to its re-run cluster, or when it
//      was assigned `noise` / `new` and the re-run left it in noise. Printed: that agreement, the same
//      with a split-aware map (a run-A cluster also matches each re-run cluster whose majority lies in
//      it), and the ceiling — the same map applied to the rows both runs clustered, i.e. how far the
//      re-run agrees with run A at all.
//   5. a topic never seen: run A without one intent (newsletter_subscription); its held-out and unseen
//      tickets are assigned with the rest of the held-out rows: how many come out `new`/`noise`.
// TICKET_LENS_BENCH_DATA overrides the data file; BENCH_ASSIGN_SKIP_UNSEEN=1 skips step 5; BENCH_ASSIGN_PARAMS
// (JSON, e.g. '{"minSamples":15}') overrides the cluster parameters of every run.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const data = process.env.TICKET_LENS_BENCH_DATA || resolve(root, '..', 'shared', 'data', 'bitext.csv');
const UNSEEN = 'newsletter_subscription';

execFileSync(process.execPath, [join(root, 'scripts', 'models.mjs')], { stdio: 'inherit' });
execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { stdio: 'inherit' });
// Beside dist/cli.js, so the engines find their worker bundles (dist/*-worker.js).
await esbuild.build({
  absWorkingDir: root,
  entryPoints: { 'bench-assign': 'scripts/bench-assign-entry.ts' },
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['onnxruntime-node', '@huggingface/transformers', 'sharp', 'vscode'],
  define: { __TICKET_LENS_VERSION__: '"bench"' },
  logLevel: 'warning',
});
const B = await import(join(root, 'dist', 'bench-assign.js'));

const work = mkdtempSync(join(tmpdir(), 'tl-bench-assign-'));
const rows = parse(readFileSync(data), { columns: true });
const columns = Object.keys(rows[0]);
const writeCsv = (name, rs) => {
  const p = join(work, name);
  writeFileSync(p, stringify(rs, { header: true, columns }));
  return p;
};
const isHeld = (i) => i % 10 === 9;
const heldIdx = rows.map((_, i) => i).filter(isHeld);
const fitIdx = rows.map((_, i) => i).filter((i) => !isHeld(i));

const embedder = await B.loadEmbedder({ modelDir: B.defaultModelDir(), device: 'cpu', cacheDir: B.cacheRoot() });
const log = B.silentLogger;
const cluster = async (name, csv, params) => {
  const t0 = performance.now();
  const r = await B.runClusterPipeline({ csvPath: csv, textColumn: 'text', labelColumn: null, outDir: join(work, name), params }, { embedder, log });
  process.stderr.write(`${name}: ${r.rows} rows, ${r.topClusters} clusters (min cluster size ${r.minClusterSize}), noise ${(r.noiseFraction * 100).toFixed(1)}%, ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
  return { dir: join(work, name), r };
};
const pathsOf = async (dir) => (await B.readAssignments(dir)).map((a) => a.cluster);

process.stderr.write(`bench-assign: ${rows.length} rows of ${data}; held out ${heldIdx.length} (every 10th row); work folder ${work}\n`);
const defaults = B.ClusterParams.parse(JSON.parse(process.env.BENCH_ASSIGN_PARAMS || '{}'));
const runA = await cluster('run-A', writeCsv('fit.csv', fitIdx.map((i) => rows[i])), defaults);
const allCsv = writeCsv('all.csv', rows);
const rerunAuto = await cluster('rerun-default', allCsv, defaults);
const rerunSame = await cluster('rerun-same-params', allCsv, B.ClusterParams.parse({ ...defaults, minClusterSize: runA.r.minClusterSize }));

// ---- assign the held-out rows (members from the embedding cache, as on the machine that made the run)
const heldTexts = heldIdx.map((i) => rows[i].text);
let t0 = performance.now();
const members = await B.runMembers(runA.dir, embedder);
const assigner = await B.buildAssigner(members);
const tPrepare = (performance.now() - t0) / 1000;
t0 = performance.now();
const heldVectors = members.toRunSpace(await B.embedTexts(embedder, heldTexts));
const assigned = await assigner.assign(heldVectors, heldTexts.length);
const tAssign = (performance.now() - t0) / 1000;
const centroid = B.predictClusters(heldVectors, members.dim, members.run.clusters).map((p) => p.path);

const fitPaths = await pathsOf(runA.dir);
const pct = (x) => `${(x * 100).toFixed(1)}%`.padStart(7);
const status = (s) => assigned.filter((a) => a.status === s).length;
console.log(`\nAssign vs a full re-run on ${data}: run A on ${fitIdx.length} rows (${members.texts.length} unique texts, ${runA.r.topClusters} clusters, min cluster size ${runA.r.minClusterSize}); ${heldTexts.length} held-out rows assigned`);
console.log(`assign: ${status('assigned')} into clusters, ${status('noise')} with run A's noise, ${status('new')} new/unassigned; run prepared (members + thresholds) in ${tPrepare.toFixed(1)} s, ${heldTexts.length} tickets embedded and assigned in ${tAssign.toFixed(1)} s`);
console.log('\nre-run on all rows                     method            agreement  split-aware   ceiling (runs agree)  split-aware ceiling');
for (const [name, rerun] of [[`default params (chose ${rerunAuto.r.minClusterSize}, ${rerunAuto.r.topClusters} clusters)`, rerunAuto], [`run A's params (${runA.r.minClusterSize}, ${rerunSame.r.topClusters} clusters)`, rerunSame]]) {
  const all = await pathsOf(rerun.dir);
  const common = { fit: fitPaths, rerun: fitIdx.map((i) => all[i]) };
  const heldRerun = heldIdx.map((i) => all[i]);
  for (const [method, paths] of [['kNN vote (assign)', assigned.map((a) => a.cluster)], ['nearest centroid', centroid]]) {
    const a = B.agreement({ assigned: paths, rerun: heldRerun, common, depth: 1 });
    const b = B.agreement({ assigned: paths, rerun: heldRerun, common, depth: 1 }, true);
    console.log(`${name.padEnd(38)} ${method.padEnd(17)} ${pct(a.agreement)}  ${pct(b.agreement).padStart(11)}   ${pct(a.runsAgreement).padStart(20)}  ${pct(b.runsAgreement).padStart(19)}`);
    if (method.startsWith('kNN')) console.log(`${''.padEnd(38)} held-out outcomes: ${JSON.stringify(a.counts)}`);
  }
}

// ---- a topic the run never saw
if (!process.env.BENCH_ASSIGN_SKIP_UNSEEN) {
  const fitU = fitIdx.filter((i) => rows[i].intent !== UNSEEN);
  const freshU = rows.map((_, i) => i).filter((i) => isHeld(i) || rows[i].intent === UNSEEN);
  const runU = await cluster('run-unseen', writeCsv('fit-unseen.csv', fitU.map((i) => rows[i])), defaults);
  const m = await B.runMembers(runU.dir, embedder);
  const out = await (await B.buildAssigner(m)).assign(m.toRunSpace(await B.embedTexts(embedder, freshU.map((i) => rows[i].text))), freshU.length);
  const by = (pred) => {
    const idx = freshU.map((i, j) => [i, j]).filter(([i]) => pred(rows[i].intent));
    const c = (s) => idx.filter(([, j]) => out[j].status === s).length;
    return `${idx.length} tickets: ${pct(c('new') / idx.length).trim()} new, ${pct(c('noise') / idx.length).trim()} noise, ${pct(c('assigned') / idx.length).trim()} into a cluster`;
  };
  console.log(`\nA topic the run never saw (${UNSEEN} left out of run A'): its ${by((x) => x === UNSEEN)}; the other held-out ${by((x) => x !== UNSEEN)}`);
}
await embedder.dispose();

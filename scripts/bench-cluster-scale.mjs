// The scale part of `npm run bench:cluster` (also runs alone): the cluster engine from cached vectors at
// 100k, 250k and 1M rows — kNN + UMAP (both layouts) + HDBSCAN + keywords, through the real pipeline
// (the ticket store's path: no embedding) — each size in its own process for its peak RSS, and
// umap-learn + hdbscan + c-TF-IDF (scripts/python/bench_cluster_vectors.py) on the same 250k vectors
// in the same run. Prints each stage's seconds per size, the fitted growth exponent (least squares of
// log time on log n), ARI/NMI against intent, and PASS/FAIL per target.
// Vectors (scripts/lib/scaleVectors.mjs): the real MiniLM vectors of the ~100k set's 91,669 unique texts
// (Bitext repeated with light perturbation, as bench-cluster.mjs makes it; embedded through the user's
// embedding cache — minutes the first time), then seeded noisy copies of them up to n.
// min_cluster_size grows with n (100 per 26,872 rows, the 27k benchmark's), min_samples 10, seed 42.
// Env: BENCH_SCALE_SIZES (default 100000,250000,1000000), BENCH_SCALE_REF=0 (skip the reference),
// BENCH_SCALE_REF_N (the reference's size, default 250000).
// Targets: 250k ≥ 3× faster than the reference, ARI/NMI ≥ reference − 0.02; 1M ≤ 10 min, peak RSS < 8 GB.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scaleText, scaleVectors, NOISE_SIGMA } from './lib/scaleVectors.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const MCS_PER_ROW = 100 / 26_872;
const MS = 10;
const SEED = 42;
const mcsFor = (n) => Math.round(n * MCS_PER_ROW);

if (process.argv[2] === '--child') await child(Number(process.argv[3]), process.argv[4]);
else await parent();

async function child(n, dir) {
  const { loadEmbedder, defaultModelDir, cacheRoot, runClusterPipeline, scores, ClusterParams, silentLogger } = await import(join(root, 'dist', 'bench.js'));
  const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8'));
  const buf = readFileSync(join(dir, 'base.bin'));
  const m = meta.texts.length;
  const vectors = scaleVectors(new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4), m, meta.dim, n);
  const texts = Array.from({ length: n }, (_, i) => scaleText(meta.texts, i));
  const rows = Int32Array.from({ length: n }, (_, i) => i + 1);
  const tickets = { dataset: `scale-${n}`, dim: meta.dim, vectors, ids: texts, texts, dates: new Float64Array(n).fill(NaN), rows, lines: Int32Array.from(rows, (r) => r + 1) };
  // The CSV the dataset came from, as an ingest leaves it: the run names it as its input.
  const csvPath = join(dir, `scale-${n}.csv`);
  writeFileSync(csvPath, 'text\n' + texts.map((t) => `"${t.replace(/"/g, '""')}"`).join('\n') + '\n');
  const embedder = await loadEmbedder({ modelDir: defaultModelDir(), device: 'cpu', cacheDir: cacheRoot() });
  const outDir = join(dir, `run-${n}`);
  const params = ClusterParams.parse({ depth: 1, minClusterSize: mcsFor(n), minSamples: MS, seed: SEED });
  const t0 = performance.now();
  let last = '';
  // Peak RSS per stage, sampled: the main thread mostly waits on worker threads, whose memory RSS counts.
  const rssByStage = {};
  const mb = () => Math.round(process.memoryUsage.rss() / 2 ** 20);
  const sample = () => (rssByStage[last || 'start'] = Math.max(rssByStage[last || 'start'] ?? 0, mb()));
  const sampler = setInterval(sample, 200);
  const r = await runClusterPipeline({ csvPath, textColumn: 'text', labelColumn: null, outDir, params, stored: { tickets, title: `scale ${n}`, source: {} } }, {
    embedder,
    log: silentLogger,
    // each stage as it starts, on stderr, with the seconds since the pipeline began and the peak RSS of the one before
    progress: ({ stage }) => {
      if (stage === last) return;
      sample();
      const before = last ? `  (peak RSS ${rssByStage[last]} MB)` : '';
      process.stderr.write(`${before}\n  ${((performance.now() - t0) / 1000).toFixed(1).padStart(6)} s  ${(last = stage)}`);
      sample();
    },
  });
  sample();
  clearInterval(sampler);
  process.stderr.write(`  (peak RSS ${rssByStage[last]} MB)\n`);
  const wall = (performance.now() - t0) / 1000;
  const rss = process.resourceUsage().maxRSS / 1024;
  await embedder.dispose();
  // Quality: top-level clusters against the source text's intent.
  const { parse } = await import('csv-parse/sync');
  const truth = [];
  const pred = [];
  for (const a of parse(readFileSync(join(outDir, 'assignments.csv')), { columns: true })) {
    truth.push(meta.intents[(Number(a.row) - 1) % m]);
    pred.push(a.cluster.split('.').slice(0, 2).join('.'));
  }
  const s = scores(truth, pred);
  rmSync(outDir, { recursive: true, force: true });
  console.log(JSON.stringify({ n, mcs: mcsFor(n), timings: r.timings, wall, rss, rssByStage, clusters: r.topClusters, noise: r.noiseFraction, ari: s.ari, nmi: s.nmi }));
}

async function parent() {
  const data = process.env.TICKET_LENS_BENCH_DATA || resolve(root, '..', 'shared', 'data', 'bitext.csv');
  const sizes = (process.env.BENCH_SCALE_SIZES ?? '100000,250000,1000000').split(',').filter(Boolean).map(Number);
  const refN = Number(process.env.BENCH_SCALE_REF_N ?? 250_000);
  const withRef = process.env.BENCH_SCALE_REF !== '0';
  execFileSync(process.execPath, [join(root, 'scripts', 'models.mjs')], { stdio: 'inherit' });
  if (!existsSync(join(root, 'dist', 'bench.js'))) execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { stdio: 'inherit' });
  const { loadEmbedder, defaultModelDir, cacheRoot } = await import(join(root, 'dist', 'bench.js'));
  const { parse } = await import('csv-parse/sync');

  // ---- the ~100k set's unique texts (as bench-cluster.mjs makes them), their intents and vectors
  const input = parse(readFileSync(data), { columns: true });
  const variants = [(t) => t, (t) => `${t} please`, (t) => `hi, ${t}`, (t) => `${t} asap!`];
  const intentOf = new Map();
  let count = 0;
  outer: for (const v of variants)
    for (const r of input) {
      if (count++ >= 100_000) break outer;
      const t = v(r.text);
      if (!intentOf.has(t)) intentOf.set(t, r.intent);
    }
  const texts = [...intentOf.keys()];
  const work = mkdtempSync(join(tmpdir(), 'tl-bench-scale-'));
  process.stderr.write(`embedding ${texts.length} unique texts (from the embedding cache where they are)…\n`);
  const embedder = await loadEmbedder({ modelDir: defaultModelDir(), device: 'cpu', cacheDir: cacheRoot() });
  const base = await embedder.embed(texts, { onProgress: (d, t) => process.stderr.write(`\r  ${d}/${t}`) });
  process.stderr.write('\n');
  await embedder.dispose();
  const dim = base.length / texts.length;
  writeFileSync(join(work, 'base.bin'), Buffer.from(base.buffer, base.byteOffset, base.byteLength));
  writeFileSync(join(work, 'meta.json'), JSON.stringify({ dim, texts, intents: texts.map((t) => intentOf.get(t)) }));

  // ---- ours, one process per size
  const ours = [];
  for (const n of sizes) {
    process.stderr.write(`ours at ${n} rows (min_cluster_size ${mcsFor(n)})…\n`);
    const c = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', String(n), work], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 16 * 1024 * 1024 });
    if (c.status !== 0) throw new Error(`ours at ${n} rows failed (exit ${c.status}, signal ${c.signal})`);
    ours.push(JSON.parse(c.stdout.trim().split('\n').pop()));
    // printed at once, so a reference that runs for very long (or is stopped) cannot take them with it
    process.stderr.write(`  ${JSON.stringify(ours[ours.length - 1])}\n`);
  }

  // ---- the reference on the same vectors
  let ref = null;
  if (withRef) {
    const refDir = join(work, 'ref');
    mkdirSync(refDir);
    const v = scaleVectors(base, texts.length, dim, refN);
    writeFileSync(join(refDir, 'vectors.f32'), Buffer.from(v.buffer, v.byteOffset, v.byteLength));
    writeFileSync(join(refDir, 'texts.json'), JSON.stringify(Array.from({ length: refN }, (_, i) => scaleText(texts, i))));
    writeFileSync(join(refDir, 'intents.json'), JSON.stringify(Array.from({ length: refN }, (_, i) => intentOf.get(texts[i % texts.length]))));
    const py = spawnSync('bash', [join(root, 'scripts', 'python-env.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).stdout.trim().split('\n').pop();
    process.stderr.write(`the reference (umap-learn + hdbscan) at ${refN} rows (many minutes)…\n`);
    const r = spawnSync(py, [join(root, 'scripts', 'python', 'bench_cluster_vectors.py'), refDir, String(dim), String(mcsFor(refN)), String(MS), String(SEED)], {
      encoding: 'utf8',
      env: { ...process.env, NUMBA_NUM_THREADS: '2', OMP_NUM_THREADS: '2', PYTHONWARNINGS: 'ignore' },
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 16 * 1024 * 1024,
    });
    if (r.status !== 0) throw new Error(`the reference failed (exit ${r.status})`);
    ref = JSON.parse(r.stdout.trim().split('\n').pop());
  }
  rmSync(work, { recursive: true, force: true });

  // ---- figures
  const stages = (o) => ({ kNN: o.timings.knn ?? 0, UMAP: o.timings.umap ?? 0, HDBSCAN: o.timings.hdbscan ?? 0, keywords: o.timings.keywords ?? 0 });
  const sum = (s) => Object.values(s).reduce((a, b) => a + b, 0);
  const f = (x, w = 10, d = 1) => (typeof x === 'number' ? x.toFixed(d) : String(x)).padStart(w);
  console.log(`\nCluster engine from cached vectors (${texts.length} real MiniLM vectors, then noisy copies, σ ${NOISE_SIGMA}/dim), min_samples ${MS}, seed ${SEED}, depth 1, 2 cores`);
  console.log(`${'stage (s)'.padEnd(34)}${ours.map((o) => f(`${o.n / 1000}k`)).join('')}${ref ? f(`ref ${refN / 1000}k`, 12) : ''}`);
  const refStages = ref ? { kNN: null, UMAP: ref.stages.umap5 + ref.stages.umap2, HDBSCAN: ref.stages.hdbscan, keywords: ref.stages.keywords } : null;
  for (const k of ['kNN', 'UMAP', 'HDBSCAN', 'keywords']) console.log(`${k.padEnd(34)}${ours.map((o) => f(stages(o)[k])).join('')}${ref ? f(refStages[k] ?? '(in UMAP)', 12) : ''}`);
  for (const part of ['graph', 'init', 'optimize 5-d', 'optimize 2-d']) console.log(`${`  UMAP: ${part}`.padEnd(34)}${ours.map((o) => f(o.timings[`umap ${part}`] ?? '–')).join('')}`);
  console.log(`${'kNN+UMAP+HDBSCAN+keywords'.padEnd(34)}${ours.map((o) => f(sum(stages(o)))).join('')}${ref ? f(ref.math_s, 12) : ''}`);
  console.log(`${'pipeline incl. read, write (wall)'.padEnd(34)}${ours.map((o) => f(o.wall)).join('')}`);
  console.log(`${'min_cluster_size'.padEnd(34)}${ours.map((o) => f(o.mcs, 10, 0)).join('')}${ref ? f(mcsFor(refN), 12, 0) : ''}`);
  console.log(`${'clusters / noise'.padEnd(34)}${ours.map((o) => f(`${o.clusters}/${(o.noise * 100).toFixed(0)}%`)).join('')}${ref ? f(`${ref.clusters}/${(ref.noise * 100).toFixed(0)}%`, 12) : ''}`);
  console.log(`${'ARI intent'.padEnd(34)}${ours.map((o) => f(o.ari, 10, 3)).join('')}${ref ? f(ref.ari, 12, 3) : ''}`);
  console.log(`${'NMI intent'.padEnd(34)}${ours.map((o) => f(o.nmi, 10, 3)).join('')}${ref ? f(ref.nmi, 12, 3) : ''}`);
  console.log(`${'peak RSS (MB)'.padEnd(34)}${ours.map((o) => f(o.rss, 10, 0)).join('')}${ref ? f(ref.peak_rss_mb, 12, 0) : ''}`);
  if (ours.length >= 2) {
    // least squares of log t on log n
    const fit = (ts) => {
      const xs = ours.map((o) => Math.log(o.n));
      const ys = ts.map((t) => Math.log(Math.max(t, 1e-3)));
      const mx = xs.reduce((a, b) => a + b) / xs.length;
      const my = ys.reduce((a, b) => a + b) / ys.length;
      return xs.reduce((a, x, i) => a + (x - mx) * (ys[i] - my), 0) / xs.reduce((a, x) => a + (x - mx) ** 2, 0);
    };
    console.log(`${'growth exponent (t ∝ n^e)'.padEnd(34)}${['kNN', 'UMAP', 'HDBSCAN', 'keywords'].map((k) => `${k} ${fit(ours.map((o) => stages(o)[k])).toFixed(2)}`).join(', ')}; all four ${fit(ours.map((o) => sum(stages(o)))).toFixed(2)}`);
  }
  const checks = [];
  const atRef = ours.find((o) => o.n === refN);
  if (ref && atRef) {
    checks.push([`${refN / 1000}k: kNN+UMAP+HDBSCAN+keywords ≥ 3× faster than umap-learn + hdbscan`, ref.math_s / sum(stages(atRef)) >= 3, `${(ref.math_s / sum(stages(atRef))).toFixed(2)}× (${sum(stages(atRef)).toFixed(1)} s vs ${ref.math_s.toFixed(1)} s)`]);
    checks.push([`${refN / 1000}k: ARI intent ≥ reference − 0.02`, atRef.ari >= ref.ari - 0.02, `${atRef.ari.toFixed(3)} vs ${ref.ari.toFixed(3)}`]);
    checks.push([`${refN / 1000}k: NMI intent ≥ reference − 0.02`, atRef.nmi >= ref.nmi - 0.02, `${atRef.nmi.toFixed(3)} vs ${ref.nmi.toFixed(3)}`]);
  }
  const million = ours.find((o) => o.n === 1_000_000);
  if (million) {
    checks.push(['1M: kNN+UMAP+HDBSCAN+keywords ≤ 10 min', sum(stages(million)) <= 600, `${sum(stages(million)).toFixed(0)} s (whole pipeline ${million.wall.toFixed(0)} s)`]);
    checks.push(['1M: peak RSS < 8 GB', million.rss < 8192, `${million.rss.toFixed(0)} MB`]);
  }
  console.log('');
  for (const [name, ok, fig] of checks) console.log(`${ok ? 'PASS' : 'FAIL'}  ${name}: ${fig}`);
}

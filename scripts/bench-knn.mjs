// `npm run bench:knn`: the cluster engine's kNN graph, exact (ONNX MatMul + TopK, 2 threads) against
// approximate (NN-descent, on every core, as in the server), on real MiniLM vectors, in the same run:
// time of each, the ratio, and recall@15 of the approximate graph against the exact one over every point.
// Vectors: the unique texts of ../shared/data/bitext.csv, and the ~100k set of `npm run bench:cluster`
// (Bitext repeated with light text perturbations, so texts stay unique), embedded with our model
// through the embedding cache (the first run embeds ~75k new texts: minutes). Prefixes of the ~100k
// set show where approximate search starts to pay (the crossover, EXACT_MAX_POINTS in knn.ts).
// Env: BENCH_KNN_SIZES (prefix sizes, default 12000,24000,36000,50000), BENCH_SKIP_100K=1 (Bitext only),
// BENCH_KNN_PARAMS (JSON NN-descent knobs to try instead of the defaults), BENCH_KNN_1M=1 (also 1M
// points: the ~100k set's vectors repeated ×11 with seeded Gaussian noise, σ 0.005 per dimension
// (cosine ≈ 0.995 to the source), renormalised; approximate only — exact would take about an hour —
// with recall@15 on 200 points against brute force; ~4.5 GB of memory).
// Targets: recall@15 ≥ 0.95 at ~100k; approximate faster than exact at ~100k; same seed → same graph.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const csv = process.env.TICKET_LENS_BENCH_DATA || resolve(root, '..', 'shared', 'data', 'bitext.csv');
const K = 15;
const SEED = 42;
const sizes = (process.env.BENCH_KNN_SIZES ?? '12000,24000,36000,50000').split(',').filter(Boolean).map(Number);
const params = process.env.BENCH_KNN_PARAMS ? JSON.parse(process.env.BENCH_KNN_PARAMS) : undefined;

execFileSync(process.execPath, [join(root, 'scripts', 'models.mjs')], { stdio: 'inherit' });

// ---- the engine, bundled from sources into a temp dir: no cpu-worker bundle beside it, so NN-descent runs
// inline on this thread (as it runs in its worker), and so do embedding and exact search. Its join helper
// (knn-join-worker.js) is bundled beside it, so the trees, candidates and joins run on every core as in
// the server; BENCH_KNN_PARAMS='{"threads":1}' measures one thread.
const work = mkdtempSync(join(tmpdir(), 'tl-bench-knn-'));
symlinkSync(join(root, 'node_modules'), join(work, 'node_modules'), 'dir');
const entry = `export { exactKnn, approximateKnn, EXACT_MAX_POINTS } from ${JSON.stringify(join(root, 'src/server/cluster/knn'))};
export { graphRecall } from ${JSON.stringify(join(root, 'src/server/cluster/knn/recall'))};
export { topKSimilar, transpose } from ${JSON.stringify(join(root, 'src/server/vectors/matmulTopK'))};
export { loadEmbedder, defaultModelDir, cacheRoot } from ${JSON.stringify(join(root, 'src/server/embed'))};`;
const external = ['onnxruntime-node', '@huggingface/transformers', 'sharp', '@electric-sql/pglite', '@electric-sql/pglite-pgvector', 'vscode'];
await esbuild.build({ bundle: true, platform: 'node', format: 'cjs', target: 'node20', external, logLevel: 'warning', stdin: { contents: entry, resolveDir: root, loader: 'ts' }, outfile: join(work, 'lib.js') });
await esbuild.build({ bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning', entryPoints: [join(root, 'src/server/cluster/knn/joinWorker.ts')], outfile: join(work, 'knn-join-worker.js') });
const { exactKnn, approximateKnn, EXACT_MAX_POINTS, graphRecall, topKSimilar, transpose, loadEmbedder, defaultModelDir, cacheRoot } = createRequire(join(work, 'lib.js'))(join(work, 'lib.js'));
const { parse } = await import('csv-parse/sync');

// ---- the vectors
const input = parse(readFileSync(csv), { columns: true });
const unique = (texts) => [...new Set(texts)];
const bitext = unique(input.map((r) => r.text));
// As scripts/bench-cluster.mjs makes its ~100k rows.
const variants = [(t) => t, (t) => `${t} please`, (t) => `hi, ${t}`, (t) => `${t} asap!`];
const rows100k = [];
outer: for (const v of variants)
  for (const r of input) {
    if (rows100k.length >= 100_000) break outer;
    rows100k.push(v(r.text));
  }
const big = process.env.BENCH_SKIP_100K ? [] : unique(rows100k);
const embedder = await loadEmbedder({ modelDir: defaultModelDir(), device: 'cpu', cacheDir: cacheRoot() });
process.stderr.write(`embedding ${bitext.length} + ${big.length} texts (from the cache where they are)…\n`);
const t0 = performance.now();
const vBitext = await embedder.embed(bitext);
const vBig = big.length ? await embedder.embed(big, { onProgress: (d, t) => process.stderr.write(`\r  ${d}/${t}`) }) : null;
process.stderr.write(`\r  done in ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
await embedder.dispose();
const dim = vBitext.length / bitext.length;

// ---- exact against approximate
const secs = async (f) => {
  const t = performance.now();
  const out = await f();
  return [out, (performance.now() - t) / 1000];
};
async function compare(label, v, n) {
  process.stderr.write(`${label}: ${n} points…\n`);
  const [ex, te] = await secs(() => exactKnn(v, n, dim, K));
  const [ap, ta] = await secs(() => approximateKnn(v, n, dim, K, { seed: SEED, params }));
  return { label, n, te, ta, rec: graphRecall(ex, ap), ap };
}

const results = [];
const bitextRun = await compare('Bitext, unique texts', vBitext, bitext.length);
results.push(bitextRun);
const again = await approximateKnn(vBitext, bitext.length, dim, K, { seed: SEED, params });
const same = (a, b) => Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)) === 0;
const identical = same(again.indices, bitextRun.ap.indices) && same(again.distances, bitextRun.ap.distances);
if (vBig) {
  for (const m of sizes.filter((m) => m < big.length)) results.push(await compare(`~100k set, first ${m}`, vBig, m));
  results.push(await compare('~100k set (bench:cluster)', vBig, big.length));
}

// ---- 1M points: approximate only, recall on a sample of points against brute force
let million = null;
if (vBig && process.env.BENCH_KNN_1M) {
  const N = 1_000_000;
  const m = big.length;
  const v = new Float32Array(N * dim);
  let st = 0x9e3779b9 >>> 0;
  const u = () => {
    st ^= st << 13;
    st ^= st >>> 17;
    st ^= st << 5;
    return ((st >>> 0) + 0.5) / 4294967296;
  };
  for (let i = 0; i < N; i++) {
    const src = (i % m) * dim;
    let norm = 0;
    for (let d = 0; d < dim; d++) {
      const x = vBig[src + d] + (i < m ? 0 : Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u()) * 0.005);
      v[i * dim + d] = x;
      norm += x * x;
    }
    norm = Math.sqrt(norm);
    for (let d = 0; d < dim; d++) v[i * dim + d] /= norm;
  }
  process.stderr.write(`1M: ${N} points, approximate…\n`);
  const [ap, ta] = await secs(() => approximateKnn(v, N, dim, K, { seed: SEED, params }));
  const rss = process.resourceUsage().maxRSS / 1024;
  process.stderr.write('1M: brute force on 200 points…\n');
  const xt = transpose(v, N, dim);
  const Q = 200;
  const qs = Array.from({ length: Q }, (_, q) => Math.floor((q * N) / Q));
  let hit = 0;
  for (let s0 = 0; s0 < Q; s0 += 20) {
    const batch = qs.slice(s0, s0 + 20);
    const qv = new Float32Array(batch.length * dim);
    batch.forEach((i, r) => qv.set(v.subarray(i * dim, (i + 1) * dim), r * dim));
    const top = await topKSimilar(qv, batch.length, xt, N, dim, K + 1);
    batch.forEach((i, r) => {
      const row = [];
      let kth = 0;
      for (let c = 0; c < top.k && row.length < K; c++)
        if (top.indices[r * top.k + c] !== i) {
          row.push(top.indices[r * top.k + c]);
          kth = Math.max(0, 1 - top.values[r * top.k + c]);
        }
      const set = new Set(row);
      for (let c = i * K; c < (i + 1) * K; c++) if (set.has(ap.indices[c]) || ap.distances[c] <= kth + 1e-5) hit++;
    });
  }
  million = { n: N, ta, rec: hit / (Q * K), rss };
}

const f = (x, w = 10, d = 2) => (typeof x === 'number' ? x.toFixed(d) : String(x)).padStart(w);
console.log(`\nkNN graph, k ${K}, cosine, ${dim}-d MiniLM vectors; exact: ONNX MatMul + TopK (onnxruntime, all cores); approximate: NN-descent (${params?.threads ?? 'all'} thread(s), seed ${SEED}${params ? `, ${JSON.stringify(params)}` : ''})`);
console.log(`EXACT_MAX_POINTS (exact at or below): ${EXACT_MAX_POINTS}\n`);
console.log(`${'vectors'.padEnd(30)}${f('n', 8)}${f('exact s', 11)}${f('approx s', 11)}${f('exact/approx', 14)}${f('recall@15', 11)}`);
for (const r of results) console.log(`${r.label.padEnd(30)}${f(r.n, 8, 0)}${f(r.te, 11)}${f(r.ta, 11)}${f(r.te / r.ta, 14)}${f(r.rec, 11, 4)}`);
if (million) console.log(`${'1M (~100k set ×11, noise)'.padEnd(30)}${f(million.n, 8, 0)}${f('(~1 h)', 11)}${f(million.ta, 11)}${f('', 14)}${f(million.rec, 11, 4)}   (recall on 200 points vs brute force; peak RSS ${million.rss.toFixed(0)} MB)`);
console.log(`\nsame seed → identical graph (Bitext, rerun): ${identical}`);
const last = results[results.length - 1];
const checks = [
  ['same seed → identical graph', identical, String(identical)],
  ...(vBig
    ? [
        [`recall@15 ≥ 0.95 at ${last.n}`, last.rec >= 0.95, last.rec.toFixed(4)],
        [`approximate faster than exact at ${last.n}`, last.ta < last.te, `${(last.te / last.ta).toFixed(2)}× (${last.ta.toFixed(1)} s vs ${last.te.toFixed(1)} s)`],
      ]
    : []),
];
if (million) checks.push([`recall@15 ≥ 0.95 at 1M (200 points)`, million.rec >= 0.95, million.rec.toFixed(4)]);
console.log('');
for (const [name, ok, fig] of checks) console.log(`${ok ? 'PASS' : 'FAIL'}  ${name}: ${fig}`);
rmSync(work, { recursive: true, force: true });

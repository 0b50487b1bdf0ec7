// `node scripts/bench-umap.mjs`: the kNN graph and UMAP stages of the cluster engine against umap-learn
// on the same vectors, in the same run. Input: the unique texts of ../shared/data/bitext.csv embedded
// with sentence-transformers all-MiniLM-L6-v2 (computed once by scripts/python/bench_umap.py and cached
// under $TICKET_LENS_CACHE/bench/bitext, outside the repo).
// Prints per stage (kNN, graph, init, optimise 5-d, optimise 2-d) wall time and peak RSS for ours and
// umap-learn (cosine, n_neighbors 15, min_dist 0 for 5-d / 0.1 for 2-d, seeded), the ratio, the kNN
// recall against brute force, a rerun's bit-identity, and the quality of both layouts judged by the
// same code (hdbscan library on each 5-d layout → ARI/NMI vs intent and category; 15-NN preservation).
// Then our figures at ~100k points (Bitext ×4 with small seeded noise) to show the growth
// (BENCH_SKIP_100K=1 skips them; BENCH_REF_100K=1 also runs umap-learn there, minutes).
// Targets: kNN + both layouts ≤ ~12 s and ≥ 2× faster than umap-learn; ARI/NMI ≥ umap-learn − 0.02;
// peak RSS well under 2 GB.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const csv = process.env.TICKET_LENS_BENCH_DATA || resolve(root, '..', 'shared', 'data', 'bitext.csv');
const cacheRoot = process.env.TICKET_LENS_CACHE || join(homedir(), '.cache', 'ticket-lens');
const dataDir = join(cacheRoot, 'bench', 'bitext');
const SEED = 42;
const K = 15;
const THREADS = 2;
const MCS = 100;
const MS = 10;

const py = spawnSync('bash', [join(root, 'scripts', 'python-env.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).stdout.trim().split('\n').pop();
const pyEnv = { ...process.env, HF_HUB_OFFLINE: '1', NUMBA_NUM_THREADS: String(THREADS), OMP_NUM_THREADS: String(THREADS), PYTHONWARNINGS: 'ignore' };
function python(...args) {
  const r = spawnSync(py, [join(root, 'scripts', 'python', 'bench_umap.py'), ...args], { encoding: 'utf8', env: pyEnv, maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`bench_umap.py ${args[0]} failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

// ---- .npy (float32, C order) without a dependency
function readNpy(path) {
  const b = readFileSync(path);
  const hlen = b.readUInt16LE(8);
  const header = b.subarray(10, 10 + hlen).toString('latin1');
  if (!header.includes("'<f4'") || header.includes("'fortran_order': True")) throw new Error(`${path}: expected little-endian float32 C order, got ${header}`);
  const shape = header.match(/\(([^)]*)\)/)[1].split(',').filter((s) => s.trim()).map(Number);
  const data = new Float32Array(b.buffer.slice(b.byteOffset + 10 + hlen, b.byteOffset + b.length));
  return { data, shape };
}
function writeNpy(path, arr, shape) {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const pre = Buffer.alloc(10);
  pre.write('\x93NUMPY', 0, 'latin1');
  pre[6] = 1;
  pre[7] = 0;
  pre.writeUInt16LE(header.length, 8);
  writeFileSync(path, Buffer.concat([pre, Buffer.from(header, 'latin1'), Buffer.from(arr.buffer, arr.byteOffset, arr.byteLength)]));
}

// ---- our engine, bundled from sources (with its worker) into a temp dir outside the repo
const work = mkdtempSync(join(tmpdir(), 'tl-bench-umap-'));
symlinkSync(join(root, 'node_modules'), join(work, 'node_modules'), 'dir');
const entry = `export { exactKnn } from ${JSON.stringify(join(root, 'src/server/cluster/knn'))};
export { umapLayouts } from ${JSON.stringify(join(root, 'src/server/cluster/umap'))};`;
const common = { bundle: true, platform: 'node', format: 'cjs', target: 'node20', external: ['onnxruntime-node'], logLevel: 'warning' };
await esbuild.build({ ...common, stdin: { contents: entry, resolveDir: root, loader: 'ts' }, outfile: join(work, 'lib.js') });
await esbuild.build({ ...common, entryPoints: [join(root, 'src/server/cluster/umap/worker.ts')], outfile: join(work, 'umap-worker.js') });
const { exactKnn, umapLayouts } = createRequire(join(work, 'lib.js'))(join(work, 'lib.js'));

if (!existsSync(join(dataDir, 'vectors.npy'))) {
  process.stderr.write(`embedding the unique texts of ${csv} with sentence-transformers (once, a few minutes)…\n`);
  mkdirSync(dataDir, { recursive: true });
  python('embed', csv, 'text', dataDir);
}
const { data: vectors, shape } = readNpy(join(dataDir, 'vectors.npy'));
const [n, dim] = shape;
const rssMb = () => process.resourceUsage().maxRSS / 1024;
const sec = (ms) => ms / 1000;

/** Recall@k of the graph against brute force on `queries` points spread over the input. */
function recall(v, nn, d, g, queries) {
  let hit = 0;
  for (let q = 0; q < queries; q++) {
    const i = Math.floor((q * nn) / queries);
    const sims = new Float64Array(nn);
    for (let j = 0; j < nn; j++) {
      let s = 0;
      for (let c = 0; c < d; c++) s += v[i * d + c] * v[j * d + c];
      sims[j] = j === i ? -Infinity : s;
    }
    const kth = Float64Array.from(sims).sort().reverse()[g.k - 1];
    for (let c = 0; c < g.k; c++) if (sims[g.indices[i * g.k + c]] >= kth) hit++;
  }
  return hit / (queries * g.k);
}

const LAYOUTS = [
  { nComponents: 5, nNeighbors: K, minDist: 0, seed: SEED },
  { nComponents: 2, nNeighbors: K, minDist: 0.1, seed: SEED },
];

async function ours(v, nn) {
  const st = {};
  let t = performance.now();
  const knn = await exactKnn(v, nn, dim, K);
  st.knn = sec(performance.now() - t);
  t = performance.now();
  const [l5, l2] = await umapLayouts(knn, LAYOUTS, undefined, (stage, ms) => (st[stage] = sec(ms)));
  st.umapWall = sec(performance.now() - t);
  st.total = st.knn + st.umapWall;
  return { knn, l5, l2, st };
}

// ---- 27k: ours, twice (the second run checks bit-identity), then umap-learn, then quality of both
process.stderr.write(`ours on ${n} × ${dim}…\n`);
const a = await ours(vectors, n);
const oursRss = rssMb();
const b = await ours(vectors, n);
const identical = Buffer.compare(Buffer.from(a.l5.buffer), Buffer.from(b.l5.buffer)) === 0 && Buffer.compare(Buffer.from(a.l2.buffer), Buffer.from(b.l2.buffer)) === 0;
const rec = recall(vectors, n, dim, a.knn, 200);
writeNpy(join(dataDir, 'ours5.npy'), a.l5, [n, 5]);
writeNpy(join(dataDir, 'ours2.npy'), a.l2, [n, 2]);

process.stderr.write('umap-learn on the same vectors (a few minutes)…\n');
const R = python('umap', dataDir, String(SEED), String(THREADS));
process.stderr.write('quality of both layouts…\n');
const Q = python('quality', dataDir, String(MCS), String(MS), 'ours', 'ref');

const f = (x, d = 2) => (typeof x === 'number' ? x.toFixed(d) : String(x)).padStart(12);
const s = a.st;
const rs = R.stages;
console.log(`\nkNN + UMAP on ${n} unique Bitext texts × ${dim} (MiniLM, L2-normalised); k ${K}, seed ${SEED}, ${THREADS} threads; umap-learn ${R.umap_learn}`);
console.log(`5-d: min_dist 0; 2-d: min_dist 0.1; 200 epochs each (umap-learn's default at this n)\n`);
console.log('stage (s)                       ours  umap-learn');
console.log(`kNN (exact / NN-descent)  ${f(s.knn)}${f(rs.knn)}`);
console.log(`fuzzy graph               ${f(s.graph)}${f(rs.graph)}`);
console.log(`init (spectral)           ${f(s.init)}${f(rs.init)}`);
console.log(`optimise 5-d              ${f(s['optimize 5-d'])}${f(rs.optimize5)}`);
console.log(`optimise 2-d              ${f(s['optimize 2-d'])}${f(rs.optimize2)}`);
console.log(`UMAP wall (both layouts)  ${f(s.umapWall)}${f(R.total_s - rs.knn)}   (ours: the two optimisations side by side; both: one graph and init for the two layouts)`);
console.log(`kNN + both layouts        ${f(s.total)}${f(R.total_s)}`);
console.log(`  second run (ours)       ${f(b.st.total)}`);
console.log(`peak RSS (MB)             ${f(oursRss, 0)}${f(R.peak_rss_mb, 0)}`);
console.log(`kNN recall@${K} (200 queries vs brute force) ${rec.toFixed(4)}`);
console.log(`rerun bit-identical (5-d and 2-d)        ${identical}`);
console.log('\nquality (same judge for both: hdbscan min_cluster_size 100, min_samples 10 on the 5-d layout; 15-NN of the 384-d space kept in the layout)');
console.log('                              ours  umap-learn');
const qk = Object.keys(Q.ours);
for (const k of qk) console.log(`${k.padEnd(24)}${f(Q.ours[k], 3)}${f(Q.ref[k], 3)}`);

const ratio = R.total_s / s.total;
const checks = [
  ['kNN + UMAP (both layouts) ≤ 12 s', s.total <= 12, `${s.total.toFixed(1)} s`],
  ['≥ 2× faster than umap-learn', ratio >= 2, `${ratio.toFixed(2)}×`],
  ['kNN recall@15 ≥ 0.98', rec >= 0.98, rec.toFixed(4)],
  ['bit-identical rerun', identical, String(identical)],
  ...qk.filter((k) => k.startsWith('ari_') || k.startsWith('nmi_')).map((k) => [`${k} ≥ umap-learn − 0.02`, Q.ours[k] >= Q.ref[k] - 0.02, `${Q.ours[k].toFixed(3)} vs ${Q.ref[k].toFixed(3)}`]),
  ['peak RSS < 2 GB', oursRss < 2048, `${oursRss.toFixed(0)} MB`],
];
console.log('');
for (const [name, ok, fig] of checks) console.log(`${ok ? 'PASS' : 'FAIL'}  ${name}: ${fig}`);

// ---- ~100k: Bitext ×4, each copy with seeded Gaussian noise (σ 0.005 per dimension, cosine ≈ 0.995 to its source), renormalised
if (!process.env.BENCH_SKIP_100K) {
  const copies = 4;
  const N = n * copies;
  const big = new Float32Array(N * dim);
  let st = 0x9e3779b9 >>> 0;
  const u = () => {
    st ^= st << 13;
    st ^= st >>> 17;
    st ^= st << 5;
    return ((st >>> 0) + 0.5) / 4294967296;
  };
  for (let c = 0; c < copies; c++)
    for (let i = 0; i < n; i++) {
      const o = (c * n + i) * dim;
      let norm = 0;
      for (let d = 0; d < dim; d++) {
        const g = c === 0 ? 0 : Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u()) * 0.005;
        big[o + d] = vectors[i * dim + d] + g;
        norm += big[o + d] ** 2;
      }
      norm = Math.sqrt(norm);
      for (let d = 0; d < dim; d++) big[o + d] /= norm;
    }
  process.stderr.write(`ours on ${N} × ${dim}…\n`);
  const c = await ours(big, N);
  const rec100 = recall(big, N, dim, c.knn, 50);
  console.log(`\n~100k points (${N} = Bitext ×${copies} with noise): kNN ${c.st.knn.toFixed(1)} s (recall@15 ${rec100.toFixed(4)}, 50 queries), graph ${c.st.graph.toFixed(1)} s, init ${c.st.init.toFixed(1)} s, optimise 5-d ${c.st['optimize 5-d'].toFixed(1)} s, 2-d ${c.st['optimize 2-d'].toFixed(1)} s; UMAP wall ${c.st.umapWall.toFixed(1)} s; kNN + UMAP ${c.st.total.toFixed(1)} s (${(c.st.total / s.total).toFixed(1)}× the ${n} figure for ${copies}× the points); peak RSS ${rssMb().toFixed(0)} MB`);
  if (process.env.BENCH_REF_100K) {
    const bigDir = join(work, 'big');
    mkdirSync(bigDir);
    writeNpy(join(bigDir, 'vectors.npy'), big, [N, dim]);
    const RB = python('umap', bigDir, String(SEED), String(THREADS));
    const rb = RB.stages;
    console.log(`umap-learn at ${N}: kNN ${rb.knn.toFixed(1)} s, graph ${rb.graph.toFixed(1)} s, init ${rb.init.toFixed(1)} s, optimise 5-d ${rb.optimize5.toFixed(1)} s, 2-d ${rb.optimize2.toFixed(1)} s; total ${RB.total_s.toFixed(1)} s (ours ${(RB.total_s / c.st.total).toFixed(2)}× faster); peak RSS ${RB.peak_rss_mb.toFixed(0)} MB`);
  }
}
rmSync(work, { recursive: true, force: true });

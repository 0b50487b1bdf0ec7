// `npm run bench:embed`: our embedder (q8 and fp32) against the Python reference (sentence-transformers,
// PyTorch CPU) on the first 5,000 texts of bitext, same model and thread count, measured in one run.
// Targets: q8 throughput ≥ 1.5× the reference's; single-text p50 < 10 ms.
import { spawnSync, execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const data = process.env.TICKET_LENS_BENCH_DATA || resolve(root, '..', 'shared', 'data', 'bitext.csv');
const N = Number(process.env.BENCH_N || 5000);
const threads = availableParallelism();

execFileSync(process.execPath, [join(root, 'scripts', 'models.mjs')], { stdio: 'inherit' });
execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { stdio: 'inherit' });
const { loadEmbedder, defaultModelDir, readCsv } = await import(join(root, 'dist', 'bench.js'));

const texts = (await readCsv(data, { textColumn: 'text' })).records.slice(0, N).map((r) => r.text);
const pct = (xs, p) => xs.slice().sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

async function measure(dtype) {
  const t0 = performance.now();
  const e = await loadEmbedder({ modelDir: defaultModelDir(), dtype, device: 'cpu', threads });
  const load = (performance.now() - t0) / 1000;
  await e.embed(texts.slice(0, 64));
  let t = performance.now();
  await e.embed(texts);
  const b32 = texts.length / ((performance.now() - t) / 1000);
  const e1 = await loadEmbedder({ modelDir: defaultModelDir(), dtype, device: 'cpu', threads, batchSize: 1 });
  t = performance.now();
  await e1.embed(texts.slice(0, 1000));
  const b1 = 1000 / ((performance.now() - t) / 1000);
  const lat = [];
  for (const s of texts.slice(0, 300)) {
    const s0 = performance.now();
    await e.embed([s]);
    lat.push(performance.now() - s0);
  }
  await e.dispose();
  await e1.dispose();
  return { load_s: load, batch32_per_s: b32, batch1_per_s: b1, p50_ms: pct(lat, 50), p95_ms: pct(lat, 95) };
}

const q8 = await measure('q8');
const fp32 = await measure('fp32');
const py = spawnSync('bash', [join(root, 'scripts', 'python-env.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).stdout.trim().split('\n').pop();
const refRun = spawnSync(py, [join(root, 'scripts', 'python', 'bench_embed.py'), data, String(N), String(threads)], { encoding: 'utf8', env: { ...process.env, PYTHONWARNINGS: 'ignore' } });
if (refRun.status !== 0) throw new Error(`reference failed: ${refRun.stderr}`);
const ref = JSON.parse(refRun.stdout.trim().split('\n').pop());

const f = (x, d = 0) => x.toFixed(d).padStart(9);
console.log(`\nEmbedding ${texts.length} bitext texts, all-MiniLM-L6-v2, ${threads} threads\n`);
console.log('runtime                                  load s  batch32/s  batch1/s   p50 ms   p95 ms');
for (const [name, r] of [['Ticket Lens q8 (onnxruntime-node)', q8], ['Ticket Lens fp32 (onnxruntime-node)', fp32], ['reference: sentence-transformers (PyTorch)', ref]]) {
  console.log(`${name.padEnd(42)}${f(r.load_s, 2)}${f(r.batch32_per_s)}${f(r.batch1_per_s)}${f(r.p50_ms, 1)}${f(r.p95_ms, 1)}`);
}
const ratio = q8.batch32_per_s / ref.batch32_per_s;
console.log(`\nq8 throughput ÷ reference: ${ratio.toFixed(2)}× (target ≥ 1.5×) ${ratio >= 1.5 ? 'PASS' : 'FAIL'}`);
console.log(`q8 single-text p50: ${q8.p50_ms.toFixed(1)} ms (target < 10 ms) ${q8.p50_ms < 10 ? 'PASS' : 'FAIL'}`);
console.log(`fp32 throughput ÷ reference: ${(fp32.batch32_per_s / ref.batch32_per_s).toFixed(2)}×`);

// `npm run bench:tag`: distillation's learning curve (issue 16) — how many of Claude's tags a local
// classifier needs. The whole loop as a user runs it: `tagRows` (the real @anthropic-ai/sdk) tags a
// seeded sample of Bitext through the fake Messages API, which answers from a hidden label column;
// `distilFromTags` trains on the tags and classifies every row into predictions.csv. For 100, 250, 500
// and 1,000 tags, each with several seeds (several samples), printed against a classifier trained on
// every true label of the rows outside the held-out set (every 5th row), all on the same rows: the
// held-out rows that none of the samples tagged. Two hidden columns: category (11 labels, the issue's
// test) and intent (27, a harder one). Also the agreement with held-out tags that distil reports (its
// estimate of the accuracy, measured against Claude), the share of rows it flags unsure and how
// accurate it is on the rest, and its speed classifying every row.
//   TICKET_LENS_BENCH_DATA  the labelled CSV (default ../shared/data/bitext.csv: text, category, intent)
//   BENCH_TAG_SIZES         tag counts (default 100,250,500,1000)
//   BENCH_TAG_SEEDS         samples per count (default 3)
//   BENCH_TAG_COLUMNS       hidden columns (default category,intent)
//   BENCH_TAG_EVERY         use every k-th row of the data (default 1: all of it)
//   BENCH_TAG_COLD=0        skip the last measurement: classifying every row with no embedding cache
// Embeddings come from the shared cache (after one run, seconds); run it alone: `flock /tmp/tl-heavy.lock npm run bench:tag`.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const data = process.env.TICKET_LENS_BENCH_DATA || resolve(root, '..', 'shared', 'data', 'bitext.csv');
const SIZES = (process.env.BENCH_TAG_SIZES || '100,250,500,1000').split(',').map(Number);
const SEEDS = Array.from({ length: Number(process.env.BENCH_TAG_SEEDS || 3) }, (_, i) => 11 + i);
const COLUMNS = (process.env.BENCH_TAG_COLUMNS || 'category,intent').split(',');
const EVERY = Number(process.env.BENCH_TAG_EVERY || 1);
const KEY = 'sk-ant-bench-tag';

execFileSync(process.execPath, [join(root, 'scripts', 'models.mjs')], { stdio: 'inherit' });
execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { stdio: 'inherit' });
// the engines and the fake API, bundled from source beside dist/cli.js (so the worker bundles are found)
const entry = `
export { loadEmbedder, defaultModelDir, cacheRoot } from './src/server/embed';
export { trainModel } from './src/server/classify/trainModel';
export { loadModelFile } from './src/server/classify/modelFile';
export { TrainedClassifier } from './src/server/classify/classifier';
export { tagRows } from './src/server/tag/tagRows';
export { distilFromTags } from './src/server/tag/distil';
export { silentLogger } from './src/server/log';
export { TrainParams } from './src/shared/api';
export { startFakeAnthropic } from './test/support/fakeAnthropic';
export { labelColumnResponder } from './test/support/labelColumnResponder';
`;
const bundle = join(root, 'dist', 'bench-tag.cjs');
await esbuild.build({
  stdin: { contents: entry, resolveDir: root, loader: 'ts' },
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  outfile: bundle,
  external: ['onnxruntime-node', '@huggingface/transformers', 'sharp', 'vscode'],
  logLevel: 'warning',
  define: { __TICKET_LENS_VERSION__: '"bench"' },
});
const E = await import(bundle);

const work = mkdtempSync(join(tmpdir(), 'tl-bench-tag-'));
const workspace = join(work, 'workspace');
mkdirSync(join(workspace, '.ticket-lens'), { recursive: true });
const tickets = parse(readFileSync(data), { columns: true })
  .filter((_, i) => i % EVERY === 0)
  .map((r, i) => ({ ...r, row: i + 1, id: `T${i + 1}`, text: r.text.trim() }));
const held = tickets.filter((_, i) => i % 5 === 4);
const heldRows = new Set(held.map((t) => t.row));
const csv = join(workspace, 'tickets.csv');
// the label columns stay out of the CSV: only the fake API knows them
writeFileSync(csv, stringify([['id', 'text'], ...tickets.map((t) => [t.id, t.text])]));
const setName = (column) => `bitext_${column}`;
const classesOf = (column) => [...new Set(tickets.map((t) => t[column]))].sort();
writeFileSync(
  join(workspace, '.ticket-lens', 'labels.json'),
  JSON.stringify({
    version: 1,
    sets: COLUMNS.map((c) => ({ name: setName(c), labels: classesOf(c).map((l) => ({ name: l, description: l.toLowerCase().replace(/_/g, ' ') })) })),
  }),
);

const embedder = await E.loadEmbedder({ modelDir: E.defaultModelDir(), device: 'cpu', cacheDir: E.cacheRoot() });
const log = E.silentLogger;
const pct = (x) => `${(100 * x).toFixed(1)}%`;
const mean = (xs) => xs.reduce((s, x) => s + x, 0) / xs.length;
const spread = (xs) => (xs.length > 1 ? ` (${pct(Math.min(...xs))}–${pct(Math.max(...xs))})` : '');
const readPredictions = (path) => new Map(parse(readFileSync(path), { columns: true }).map((r) => [Number(r.row), { label: r.label, unsure: r.unsure === 'yes' }]));

console.log(`\n# bench:tag — ${tickets.length} Bitext rows, ${held.length} held out of the every-label classifier; tags ${SIZES.join(', ')} × ${SEEDS.length} samples\n`);
for (const column of COLUMNS) {
  const truth = new Map(tickets.map((t) => [t.row, t[column]]));
  const fake = await E.startFakeAnthropic(E.labelColumnResponder(tickets.map((t) => ({ text: t.text, labels: [t[column]] }))));
  const runs = [];
  try {
    for (const n of SIZES) {
      for (const seed of SEEDS) {
        const outDir = join(work, `${column}-${n}-${seed}`);
        const tagged = await E.tagRows({ csvPath: csv, labelSet: setName(column), workspace, sample: n, seed, outDir, baseURL: fake.url, baseDelayMs: 10, concurrency: 8 }, log, undefined, {
          apiKey: KEY,
          cacheDir: mkdtempSync(join(work, 'tag-cache-')),
        });
        if (tagged.tagged !== n) throw new Error(`${column}, ${n} tags, seed ${seed}: only ${tagged.tagged} rows tagged (${tagged.failed.length} failed)`);
        const d = await E.distilFromTags({ csvPath: csv, tagsCsv: tagged.tagsCsv, labelSet: setName(column), workspace, outDir, seed }, log, undefined, { embedder });
        const taggedRows = parse(readFileSync(tagged.tagsCsv), { columns: true }).map((r) => Number(r.row));
        runs.push({ n, seed, d, taggedRows, predictions: readPredictions(d.predictionsCsv) });
        process.stderr.write(`  ${column}: ${n} tags, seed ${seed}: agreement ${pct(d.agreement)}, ${d.rowsPerSecond.toFixed(0)} rows/s\n`);
      }
    }
  } finally {
    await fake.close();
  }

  // the rows every classifier below is scored on: held out of the reference, tagged by no sample
  const everTagged = new Set(runs.flatMap((r) => r.taggedRows));
  const evalRows = held.filter((t) => !everTagged.has(t.row));
  const fullCsv = join(work, `every-${column}.csv`);
  writeFileSync(fullCsv, stringify([['text', column], ...tickets.filter((t) => !heldRows.has(t.row)).map((t) => [t.text, t[column]])]));
  const fullModel = join(work, `every-${column}.tlc`);
  const t0 = performance.now();
  await E.trainModel({ csvPath: fullCsv, textColumn: 'text', columns: [{ column, multiLabel: false }], outPath: fullModel, params: E.TrainParams.parse({ seed: SEEDS[0] }) }, { embedder, log });
  const fullSeconds = (performance.now() - t0) / 1000;
  const full = new E.TrainedClassifier(fullModel, await E.loadModelFile(fullModel));
  const fullPreds = await full.predict(await embedder.embed(evalRows.map((t) => t.text)), { topK: 1, reject: false });
  const fullAccuracy = evalRows.filter((t, i) => fullPreds[i][0].label === t[column]).length / evalRows.length;

  const acc = (rows, p) => (rows.length ? rows.filter((t) => p.get(t.row).label === truth.get(t.row)).length / rows.length : NaN);
  console.log(`## ${column} (${classesOf(column).length} labels): scored on ${evalRows.length} held-out rows no sample tagged`);
  console.log(`every true label: ${tickets.length - held.length} rows, accuracy ${pct(fullAccuracy)} (trained in ${fullSeconds.toFixed(1)} s)\n`);
  console.log('| tags | accuracy | × every label | agreement with held-out tags | unsure | accuracy when sure | when unsure | train s | rows/s |');
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const n of SIZES) {
    const rs = runs.filter((r) => r.n === n);
    const accs = rs.map((r) => acc(evalRows, r.predictions));
    const sure = rs.map((r) => acc(evalRows.filter((t) => !r.predictions.get(t.row).unsure), r.predictions));
    const unsure = rs.map((r) => acc(evalRows.filter((t) => r.predictions.get(t.row).unsure), r.predictions)).filter((x) => !Number.isNaN(x));
    const unsureShare = rs.map((r) => evalRows.filter((t) => r.predictions.get(t.row).unsure).length / evalRows.length);
    const agreements = rs.map((r) => r.d.agreement);
    console.log(
      `| ${n} | ${pct(mean(accs))}${spread(accs)} | ${(mean(accs) / fullAccuracy).toFixed(3)} (min ${(Math.min(...accs) / fullAccuracy).toFixed(3)}) | ${pct(mean(agreements))}${spread(agreements)} | ${pct(mean(unsureShare))} | ${pct(mean(sure))} | ${unsure.length ? pct(mean(unsure)) : 'n/a'} | ${mean(rs.map((r) => r.d.seconds.train)).toFixed(1)} | ${mean(rs.map((r) => r.d.rowsPerSecond)).toFixed(0)} |`,
    );
  }
  console.log('');
}
await embedder.dispose();

// Classifying every row when nothing is cached: the embedding is the cost (the runs above found every text in the cache).
if (process.env.BENCH_TAG_COLD !== '0') {
  const tagsCsv = join(work, `${COLUMNS[0]}-${SIZES.includes(500) ? 500 : SIZES[0]}-${SEEDS[0]}`, 'tags.csv');
  const cold = await E.loadEmbedder({ modelDir: E.defaultModelDir(), device: 'cpu' });
  const d = await E.distilFromTags({ csvPath: csv, tagsCsv, labelSet: setName(COLUMNS[0]), workspace, outDir: join(work, 'cold'), seed: SEEDS[0] }, log, undefined, { embedder: cold });
  await cold.dispose();
  console.log(`no embedding cache: ${d.tags} tags trained in ${d.seconds.train.toFixed(1)} s; every row (${d.rows}) classified in ${d.seconds.classify.toFixed(1)} s, ${d.rowsPerSecond.toFixed(0)} rows/s (${cold.info.dtype}, CPU)`);
}
console.log(`work folder: ${work}`);

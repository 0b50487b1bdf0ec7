// `npm run bench:store` (node scripts/bench-store.mjs): the ticket store's targets (issue 13), each with
// its reference measured in the same run.
//   1. Ingest: `ticket-lens ingest` of Bitext into a fresh embedded store against `ticket-lens embed` of
//      the same file (the reference), each a process of the built CLI with its own empty embedding cache,
//      so neither reuses the other's vectors; alternated --pairs times (default 2), best against best.
//      Target: ingest ≤ 1.2 × embed. Then the same ingest again
//      (nothing to embed): target ≤ 5 s. Then the first store.knn on that store, which builds the HNSW
//      index a large ingest leaves to it (printed apart: no command of the two queries the index).
//   2. Assign: a store of 100k tickets — the Bitext vectors step 1 stored, less 1,000 rows held out as new
//      tickets, plus perturbed copies of them (Gaussian noise, renormalised; each copy a text of its own)
//      — is clustered from the store (a run over all of them); then the 1,000 held-out tickets are
//      ingested and assignStore (what `ticket-lens assign RUN --store` runs) places them. Only that step is
//      timed against the target (≤ 5 s). Embedding 100k texts takes minutes here, so the tickets go in
//      through the store's own ingest with an embedder that hands back the vectors made above (any text
//      it has none for — the model's probe texts — goes to the real model).
//   3. Nearest neighbours (run before step 2 grows the store): the same vectors — step 1's, less the
//      held-out rows — on both engines: the embedded store, and a real PostgreSQL server (PyPI's pgserver,
//      started as the store tests start it: test/support/postgres.ts). Two query sets: held-out Bitext
//      tickets (in-domain, the target) and Banking77 test texts embedded here (topics the store has not
//      seen, for reference). Per engine and set: pgvector HNSW at a few ef_search values (a query the
//      planner serves from the index; its plan is printed), store.knn as the product calls it, and exact
//      search: the HNSW query with `SET LOCAL enable_indexscan = off`, so PostgreSQL scans and sorts every
//      vector. recall@15 against the exact results (target ≥ 0.95) and queries/s, one query at a time.
// Options: --data CSV (default ../shared/data/bitext.csv or $TICKET_LENS_BENCH_DATA; a `text` column),
// --rows N (its first N rows), --stored N (tickets in step 2's store, default 100000), --new N (default
// 1000), --queries N (default 200), --queries-data CSV (default ../shared/data/banking77_test.csv),
// --depth N (the step-2 run's levels, default 1), --skip-postgres, --only-ingest (step 1 alone: the
// ingest figures, e.g. to check the second ingest), --pairs N (embed/ingest pairs in step 1, default 2).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as esbuild from 'esbuild';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const shared = resolve(root, '..', 'shared', 'data');
const { values: opt } = parseArgs({
  options: {
    data: { type: 'string', default: process.env.TICKET_LENS_BENCH_DATA || join(shared, 'bitext.csv') },
    rows: { type: 'string' },
    stored: { type: 'string', default: '100000' },
    new: { type: 'string', default: '1000' },
    queries: { type: 'string', default: '200' },
    'queries-data': { type: 'string', default: join(shared, 'banking77_test.csv') },
    depth: { type: 'string', default: '1' },
    'skip-postgres': { type: 'boolean', default: false },
    'only-ingest': { type: 'boolean', default: false },
    pairs: { type: 'string', default: '2' },
  },
});
const posInt = (name, v) => {
  const x = Number(v);
  if (!Number.isInteger(x) || x < 1) throw new Error(`--${name} must be a positive integer`);
  return x;
};
const STORED = posInt('stored', opt.stored);
const NEW = posInt('new', opt.new);
const QUERIES = posInt('queries', opt.queries);
const DEPTH = posInt('depth', opt.depth);
const K = 15;
const SIGMA = 0.01; // per component: a copy keeps cosine ≈ 1/√(1 + 384σ²) ≈ 0.98 with its original
const SEED = 42;
const benchStart = performance.now();

const secs = (t0) => (performance.now() - t0) / 1000;
const progress = (m) => process.stderr.write(`bench-store: ${m} (${secs(benchStart).toFixed(0)} s)\n`);
const verdict = (ok) => (ok ? 'PASS' : 'FAIL');
const n = (x) => x.toLocaleString('en-US');
const out = [];
const say = (line = '') => out.push(line);
const notes = [];

function execNode(args, env = process.env) {
  const r = spawnSync(process.execPath, args, { cwd: root, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed (${r.status ?? r.signal}): ${r.stderr}${r.stdout}`);
  return r.stdout;
}

execNode([join(root, 'scripts', 'models.mjs')]);
execNode([join(root, 'scripts', 'build.mjs')]);
// test/support/postgres.ts finds its requirements file from its own folder: bundled, it is told where that is.
await esbuild.build({
  absWorkingDir: root,
  entryPoints: { 'bench-store-postgres': 'test/support/postgres.ts' },
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  packages: 'external',
  define: { __dirname: JSON.stringify(join(root, 'test', 'support')) },
  logLevel: 'warning',
});
const B = await import(join(root, 'dist', 'bench.js'));
// What store.knn sets on its first try (src/server/store/vectors.ts): ef_search covers the KNN_OVERSAMPLE × k
// candidates it asks for. 40 is pgvector's default, printed for reference.
const EF_SEARCH = B.efSearchFor(K, B.KNN_OVERSAMPLE * K);
const EF_SWEEP = [...new Set([40, EF_SEARCH, 100, 200])].sort((a, b) => a - b);
const { startPostgres } = await import(join(root, 'dist', 'bench-store-postgres.js'));
const CLI = join(root, 'dist', 'cli.js');
const work = mkdtempSync(join(tmpdir(), 'tl-bench-store-'));

/** A CLI run with its own embedding cache folder; the model is the parent's. */
function cli(args, cache) {
  mkdirSync(cache, { recursive: true });
  const env = { ...process.env, TICKET_LENS_CACHE: cache, TICKET_LENS_MODEL_DIR: B.defaultModelDir(), TICKET_LENS_DATABASE: '' };
  const t0 = performance.now();
  const stdout = execNode([CLI, ...args], env);
  return { seconds: secs(t0), stdout };
}
const lastJson = (stdout) => JSON.parse(stdout.trim().split('\n').pop());

// ================================================================ 1. ingest against embed
let data = resolve(opt.data);
const allRows = parse(readFileSync(data), { columns: true });
let fileRows = allRows.length;
if (opt.rows !== undefined && posInt('rows', opt.rows) < allRows.length) {
  fileRows = Number(opt.rows);
  const subset = join(work, 'data.csv');
  writeFileSync(subset, stringify(allRows.slice(0, fileRows), { header: true, columns: Object.keys(allRows[0]) }));
  notes.push(`--rows ${fileRows}: the first ${n(fileRows)} of the ${n(allRows.length)} rows of ${data}`);
  data = subset;
}
// Embed and ingest alternate, `--pairs` times (default 2), each run from nothing (a fresh cache, a fresh
// store); each command's best time is compared. On this shared 2-core machine one pair's ratio has
// ranged from 0.73 to 1.23 with the same code as the load moved; the best of a few runs is the usual
// estimate of what a command costs (timeit's rule), and every run is printed.
const PAIRS = posInt('pairs', opt.pairs);
const embedRuns = [];
const ingestRuns = [];
let storeA = '';
let ingestCmd = [];
for (let p = 1; p <= PAIRS; p++) {
  progress(`ticket-lens embed of ${n(fileRows)} rows (the reference), run ${p} of ${PAIRS}`);
  embedRuns.push(cli(['embed', data, '--text-column', 'text', '--out', join(work, `reference-${p}.npy`), '--quiet'], join(work, `cache-embed-${p}`)));
  progress(`ticket-lens ingest into a fresh embedded store, run ${p} of ${PAIRS}`);
  storeA = join(work, `store-ingest-${p}`);
  ingestCmd = ['ingest', data, '--text-column', 'text', '--dataset', 'bitext', '--store', storeA, '--json', '--quiet'];
  ingestRuns.push(cli(ingestCmd, join(work, `cache-ingest-${p}`)));
}
const best = (runs) => runs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
const embedRun = best(embedRuns);
const ingest1 = best(ingestRuns);
const r1 = lastJson(ingest1.stdout);
progress('the same ingest again');
const ingest2 = cli(ingestCmd, join(work, `cache-ingest-${PAIRS}`));
const r2 = lastJson(ingest2.stdout);
const ratio = ingest1.seconds / embedRun.seconds;
// The ingest leaves the HNSW index to the first nearest-neighbour query (src/server/store/vectorIndex.ts):
// what that costs is measured here, as the first store.knn after the two ingests.
const storeAHandle = await B.openStore({ dir: storeA });
const base = await storeAHandle.vectors('bitext');
let t0 = performance.now();
await storeAHandle.knn('bitext', base.vectors.subarray(0, base.dim), K);
const firstKnn = secs(t0);
await storeAHandle.close();

say(`1. Ingest ${fileRows < allRows.length ? `${data} (a subset)` : data} (${n(fileRows)} rows): each command a process of the built CLI with its own empty embedding cache; wall time (start, model load, read, embed, write)`);
const each = (runs) => runs.map((r) => r.seconds.toFixed(1)).join(', ');
say(`   ticket-lens embed (the reference, .npy)     ${embedRun.seconds.toFixed(1).padStart(7)} s   (best of ${PAIRS}: ${each(embedRuns)} s)`);
say(`   ticket-lens ingest (fresh embedded store)   ${ingest1.seconds.toFixed(1).padStart(7)} s   (best of ${PAIRS}: ${each(ingestRuns)} s; its summary: ${n(r1.new)} new, ${n(r1.embedded)} embedded, ${n(r1.total)} stored, ${r1.seconds.toFixed(1)} s inside)`);
say(`   ratio ingest / embed (best against best)    ${ratio.toFixed(2).padStart(7)}     target ≤ 1.20: ${verdict(ratio <= 1.2)}   (pair by pair: ${embedRuns.map((e, i) => (ingestRuns[i].seconds / e.seconds).toFixed(2)).join(', ')})`);
say(`   second ingest of the same file              ${ingest2.seconds.toFixed(1).padStart(7)} s   (${n(r2.unchanged)} unchanged, ${n(r2.new)} new, ${n(r2.embedded)} embedded, ${r2.seconds.toFixed(1)} s inside)   target ≤ 5 s: ${verdict(ingest2.seconds <= 5)}`);
say(`   then the first store.knn, which builds the HNSW index the ingest left to it   ${firstKnn.toFixed(1)} s   (not part of either command: ingest, cluster and assign never query the index)`);
if (opt['only-ingest']) {
  say('');
  say(`whole bench ${secs(benchStart).toFixed(0)} s (--only-ingest: step 1 alone; work folder ${work}, removed)`);
  rmSync(work, { recursive: true, force: true });
  process.stdout.write(`${out.join('\n')}\n`);
  process.exit(0);
}

// ================================================================ step 1's vectors, the texts they stand for, and the held-out rows
const embedder = await B.loadEmbedder({ modelDir: B.defaultModelDir(), device: 'cpu' });
const dim = embedder.info.dim;
const count = base.ids.length;
if (NEW >= count) throw new Error(`--new ${NEW}: step 1 stored only ${count} tickets`);
if (QUERIES > NEW) throw new Error(`--queries ${QUERIES}: the in-domain queries are among the ${NEW} held-out rows (--new)`);
const vectorOf = (i) => base.vectors.subarray(i * dim, (i + 1) * dim);
const byText = new Map();
let repeatsDiffering = 0;
for (let i = 0; i < count; i++) {
  const had = byText.get(base.texts[i]);
  if (!had) byText.set(base.texts[i], vectorOf(i));
  else if (had.some((x, d) => Math.abs(x - base.vectors[i * dim + d]) > 1e-6)) repeatsDiffering++;
}
// Held out, evenly spread over the file: step 2's new tickets, and step 3's in-domain queries (the first of them).
const held = Array.from({ length: NEW }, (_, j) => Math.floor(((j + 0.5) * count) / NEW));
const heldSet = new Set(held);
const kept = base.ids.map((_, i) => i).filter((i) => !heldSet.has(i));

/** Hands back the vectors in byText; any other text (the model's probe texts) goes to the model. */
const fromModel = { texts: 0 };
const knownVectors = {
  info: embedder.info,
  cacheStats: null,
  async embed(texts, o) {
    const v = new Float32Array(texts.length * dim);
    const missing = [];
    texts.forEach((t, i) => {
      const x = byText.get(t);
      if (x) v.set(x, i * dim);
      else missing.push(i);
    });
    if (missing.length > 0) {
      fromModel.texts += missing.length;
      const m = await embedder.embed(missing.map((i) => texts[i]), o);
      missing.forEach((i, j) => v.set(m.subarray(j * dim, (j + 1) * dim), i * dim));
    }
    return v;
  },
  dispose: () => Promise.resolve(),
};
const ingestOptions = (csvPath) => ({ csvPath, dataset: 'tickets', textColumn: 'text', idColumn: 'id' });
const writeTickets = (name, rows) => {
  const path = join(work, name);
  writeFileSync(path, stringify(rows, { header: true, columns: ['id', 'text'] }));
  return path;
};
// The originals first, in file order: step 2's file begins with step 3's, so its ingest finds those rows unchanged.
const keptRows = kept.map((i) => ({ id: `t${base.rows[i]}`, text: base.texts[i] }));
const keptCsv = writeTickets('kept.csv', keptRows);

// ================================================================ 3. nearest neighbours over the kept rows' vectors
const bankRows = parse(readFileSync(resolve(opt['queries-data'])), { columns: true });
const bankTexts = Array.from({ length: QUERIES }, (_, j) => bankRows[Math.floor(((j + 0.5) * bankRows.length) / QUERIES)].text);
const inDomain = new Float32Array(QUERIES * dim);
held.slice(0, QUERIES).forEach((i, q) => inDomain.set(vectorOf(i), q * dim));
const querySets = [
  { name: 'in-domain', vectors: inDomain, knn: true },
  { name: 'out-of-domain', vectors: await embedder.embed(bankTexts), knn: false },
];
const vecText = (m, q) => `[${Array.from(m.subarray(q * dim, (q + 1) * dim), (x) => x.toPrecision(8)).join(',')}]`;
// The store holds one dataset under one model, so the index query needs no filter: ORDER BY distance LIMIT k is what pgvector's HNSW serves.
const INDEX_SQL = `SELECT e.ticket_pk::int AS pk, (e.embedding <=> $1::vector)::float8 AS distance FROM embeddings e ORDER BY e.embedding <=> $1::vector LIMIT ${K}`;
// store.knn's own SQL (its first try: KNN_OVERSAMPLE × k candidates), to print its plan.
const { KNN_SQL, KNN_OVERSAMPLE: OVERSAMPLE } = B;

/** The plan's scan and join nodes, e.g. "Limit → Index Scan using embeddings_hnsw on embeddings e". */
async function planOf(tx, sql, params) {
  const rows = await tx.query(`EXPLAIN ${sql}`, params);
  return rows
    .map((r) => r['QUERY PLAN'].trim().replace(/^->\s*/, '').replace(/\s*\(cost=.*$/, ''))
    .filter((l) => /^(Limit|Sort|Gather( Merge)?|Nested Loop|Hash Join|Merge Join|(Parallel )?Seq Scan|Index Scan|Index Only Scan|Bitmap Heap Scan|Bitmap Index Scan)(\s|$)/.test(l) && !/^Sort Key/.test(l))
    .join(' → ');
}

/** One query at a time: the results of each and queries/s. */
async function timed(nq, run) {
  const results = [];
  const t0 = performance.now();
  for (let q = 0; q < nq; q++) results.push(await run(q));
  return { results, qps: nq / secs(t0) };
}

async function nearestBench(store, dataset) {
  // An ingest that dropped the HNSW index leaves it to the first store.knn: built here, before any plan or timing.
  const t = performance.now();
  await store.knn(dataset, querySets[0].vectors.subarray(0, dim), K);
  const firstKnn = secs(t);
  const [{ version }] = await store.engine.query('SELECT version()');
  const [ext] = await store.engine.query(`SELECT extversion AS v FROM pg_extension WHERE extname = 'vector'`);
  const [{ vectors }] = await store.engine.query('SELECT count(*)::int AS vectors FROM embeddings');
  const [d] = await store.engine.query('SELECT id, embedding_model_id AS model FROM datasets WHERE name = $1', [dataset]);
  const sets = [];
  for (const qs of querySets) {
    const one = (tx, q) => tx.query(INDEX_SQL, [vecText(qs.vectors, q)]);
    const exact = await store.engine.transaction(async (tx) => {
      await tx.exec('SET LOCAL enable_indexscan = off');
      return { plan: await planOf(tx, INDEX_SQL, [vecText(qs.vectors, 0)]), ...(await timed(QUERIES, (q) => one(tx, q))) };
    });
    // recall@15: the share of the exact top 15 found; a result at the 15th exact distance counts (ties: Bitext repeats texts).
    const recall = (results) => {
      let found = 0;
      results.forEach((res, q) => {
        const cut = exact.results[q][K - 1].distance + 1e-6;
        found += Math.min(K, res.filter((x) => x.distance <= cut).length);
      });
      return found / (results.length * K);
    };
    const methods = [];
    for (const ef of EF_SWEEP) {
      const r = await store.engine.transaction(async (tx) => {
        await tx.query(`SELECT set_config('hnsw.ef_search', $1, true)`, [String(ef)]);
        return { plan: await planOf(tx, INDEX_SQL, [vecText(qs.vectors, 0)]), ...(await timed(QUERIES, (q) => one(tx, q))) };
      });
      methods.push({ method: `HNSW, ef_search ${ef}${ef === EF_SEARCH ? " (store.knn's)" : ef === 40 ? ' (default)' : ''}`, hnsw: true, plan: r.plan, qps: r.qps, recall: recall(r.results), ef });
    }
    if (qs.knn) {
      const plan = await store.engine.transaction(async (tx) => {
        await tx.query(`SELECT set_config('hnsw.ef_search', $1, true)`, [String(EF_SEARCH)]);
        return planOf(tx, KNN_SQL, [d.id, d.model, vecText(qs.vectors, 0), OVERSAMPLE * K, K]);
      });
      const r = await timed(QUERIES, (q) => store.knn(dataset, qs.vectors.subarray(q * dim, (q + 1) * dim), K));
      methods.push({ method: `store.knn (sets ef_search ${EF_SEARCH})`, hnsw: false, plan, qps: r.qps, recall: recall(r.results) });
    }
    methods.push({ method: 'exact (scan)', hnsw: false, plan: exact.plan, qps: exact.qps });
    sets.push({ name: qs.name, methods });
  }
  return { engine: `${version.split(' on ')[0].split(',')[0]}, pgvector ${ext.v}`, vectors, sets, firstKnn };
}

progress(`putting ${n(kept.length)} Bitext vectors into a fresh embedded store`);
const storeC = await B.openStore({ dir: join(work, 'store-tickets') });
t0 = performance.now();
await storeC.ingest(knownVectors, ingestOptions(keptCsv));
const tIngestKept = secs(t0);
progress(`nearest neighbours on the embedded store (${n(kept.length)} vectors, ${QUERIES} queries × 2 sets)`);
const nn = [{ name: 'embedded (PGlite)', r: await nearestBench(storeC, 'tickets'), ingest: tIngestKept }];
if (!opt['skip-postgres']) {
  progress('starting PostgreSQL (pgserver) and giving it the same vectors');
  const server = await startPostgres();
  try {
    const storeP = await B.openStore({ url: await server.createDatabase('bench_store') });
    try {
      t0 = performance.now();
      await storeP.ingest(knownVectors, ingestOptions(keptCsv));
      const ingest = secs(t0);
      progress('nearest neighbours on the PostgreSQL server');
      nn.push({ name: 'PostgreSQL server (pgserver)', r: await nearestBench(storeP, 'tickets'), ingest });
    } finally {
      await storeP.close();
    }
  } finally {
    await server.dispose();
  }
}

// ================================================================ 2. assign over 100k stored tickets
let seed = SEED;
const random = () => {
  // mulberry32
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
const storedRows = keptRows.slice(0, STORED);
let copies = 0;
for (let k = 1; storedRows.length < STORED; k++) {
  copies = k;
  for (const i of kept) {
    if (storedRows.length >= STORED) break;
    const text = `${base.texts[i]} [copy ${k}]`;
    if (!byText.has(text)) {
      const v = Float32Array.from(vectorOf(i), (x) => x + SIGMA * gaussian());
      const norm = Math.hypot(...v);
      for (let d = 0; d < dim; d++) v[d] /= norm;
      byText.set(text, v);
    }
    storedRows.push({ id: `t${base.rows[i]}c${k}`, text });
  }
}
const storedCsv = writeTickets('stored.csv', storedRows);
const newCsv = writeTickets('new.csv', held.map((i) => ({ id: `new${base.rows[i]}`, text: base.texts[i] })));

progress(`growing the embedded store to ${n(STORED)} tickets`);
t0 = performance.now();
const rB = await storeC.ingest(knownVectors, ingestOptions(storedCsv));
const tIngestB = secs(t0);
progress('clustering them from the store');
const runDir = join(work, 'run');
const params = B.ClusterParams.parse({ depth: DEPTH, minClusterSize: Math.round((100 * STORED) / 26872), seed: SEED });
t0 = performance.now();
const tickets = await storeC.vectors('tickets');
// The run keeps what assigning to it needs (its members' vectors and the calibration) as its last stage: timed apart.
let keptFrom = null;
const run = await B.runClusterPipeline(
  { csvPath: storedCsv, textColumn: 'text', labelColumn: null, outDir: runDir, params, stored: { tickets, title: 'tickets (ticket store)', source: { store: storeC.where, dataset: 'tickets' } } },
  { embedder, log: B.silentLogger, progress: (p) => (keptFrom ??= p.stage === 'calibrating assign thresholds' ? performance.now() : null) },
);
const tCluster = secs(t0);
const tKeep = keptFrom === null ? null : secs(keptFrom);
const keptMb = ['assign-members.bin', 'assign-calibration.json'].reduce((sum, f) => sum + statSync(join(runDir, f)).size, 0) / 1e6;
progress(`ingesting ${n(NEW)} new tickets and assigning them`);
t0 = performance.now();
const rNew = await storeC.ingest(knownVectors, ingestOptions(newCsv));
const tIngestNew = secs(t0);
const stages = [];
t0 = performance.now();
const assigned = await B.assignStore(storeC, { runDir, dataset: 'tickets', since: null }, {
  embedder,
  log: B.silentLogger,
  progress: (p) => {
    if (stages.at(-1)?.stage !== p.stage) stages.push({ stage: p.stage, at: performance.now() });
  },
});
const tAssign = secs(t0);
const end = t0 + tAssign * 1000;
const stageTimes = stages.map((s, i) => `${s.stage} ${(((stages[i + 1]?.at ?? end) - s.at) / 1000).toFixed(2)} s`).join(', ');
// For reference: the same assign without the run's kept files (a run made before them): the members'
// vectors read from the store and the calibration measured, as every assign did before.
progress('the same assign without the run\'s kept files');
await storeC.engine.query('DELETE FROM assignments WHERE run_id = $1', [basename(runDir)]);
for (const f of ['assign-members.bin', 'assign-calibration.json']) rmSync(join(runDir, f));
t0 = performance.now();
const cold = await B.assignStore(storeC, { runDir, dataset: 'tickets', since: null }, { embedder, log: B.silentLogger });
const tCold = secs(t0);
const sameCold = cold.assigned === assigned.assigned && cold.noise === assigned.noise && cold.new === assigned.new;
await storeC.close();
await embedder.dispose();

say('');
say(`2. ${n(assigned.tickets)} new tickets assigned to a run over ${n(rB.total)} stored tickets (embedded store)`);
say(`   stored: ${n(kept.length)} Bitext tickets with step 1's vectors (${n(NEW)} rows held out as the new tickets) + ${copies} perturbed cop${copies === 1 ? 'y' : 'ies'} of them (the last partial) up to ${n(STORED)}:`);
say(`     a copy = its original's vector + N(0, ${SIGMA}²) per component, renormalised (cosine ≈ 0.98), text "<text> [copy k]"; put in through store.ingest (${n(rB.new)} new rows in ${tIngestB.toFixed(1)} s)`);
say(`   the run: clustered from the store's vectors (runClusterPipeline, as cluster --store): ${n(run.rows)} rows, ${n(run.uniqueTexts)} unique texts, depth ${DEPTH}, min cluster size ${params.minClusterSize}, seed ${SEED} → ${run.topClusters} clusters, noise ${(run.noiseFraction * 100).toFixed(1)}%; ${tCluster.toFixed(1)} s`);
say(`     of which keeping its members and assign calibration in the run folder (assign-members.bin, assign-calibration.json: ${keptMb.toFixed(0)} MB) ${tKeep === null ? 'not done' : `${tKeep.toFixed(1)} s`}`);
say(`   new tickets: the ${n(NEW)} held-out Bitext rows with their step-1 vectors, ingested into the dataset after the run (${n(rNew.new)} new, ${tIngestNew.toFixed(1)} s)`);
say(`   assign (assignStore = ticket-lens assign RUN --store, model loaded)  ${tAssign.toFixed(2).padStart(7)} s   target ≤ 5 s: ${verdict(tAssign <= 5)}`);
say(`     ${n(assigned.assigned)} into clusters, ${n(assigned.noise)} with the run's noise, ${n(assigned.new)} new/unassigned, against ${n(assigned.members)} member texts; ${stageTimes}`);
say(`   the same assign without the run's kept files (member vectors from the store, calibration measured)  ${tCold.toFixed(2).padStart(7)} s   (for reference; ${sameCold ? 'the same' : 'NOT the same'} counts)`);

say('');
say(`3. Nearest neighbours: recall@${K} against exact search, ${QUERIES} queries per set, one at a time, over the ${n(kept.length)} Bitext vectors step 1 stored less the held-out rows`);
say(`   queries: in-domain = ${QUERIES} of the held-out Bitext tickets (step 1's vectors); out-of-domain = ${QUERIES} Banking77 test texts embedded here (topics the store has not seen)`);
say('   exact = the HNSW query with SET LOCAL enable_indexscan = off (every vector scanned and sorted in SQL); recall counts a result at the 15th exact distance as found (ties)');
say(`   ${'engine'.padEnd(29)} ${'queries'.padEnd(14)} ${'method'.padEnd(33)} ${`recall@${K}`.padStart(9)}  ${'q/s'.padStart(8)}   target recall ≥ 0.95`);
for (const { name, r } of nn) {
  for (const set of r.sets) {
    for (const m of set.methods) {
      const indexed = /embeddings_hnsw/.test(m.plan);
      // The target is the product's query: store.knn, and the index query at the ef_search store.knn sets.
      const product = !m.hnsw || m.ef === EF_SEARCH;
      const target = m.recall === undefined ? '' : m.hnsw && !indexed ? `not from the index (plan: ${m.plan})` : set.name === 'in-domain' && product ? verdict(m.recall >= 0.95) : '(for reference)';
      say(`   ${name.padEnd(29)} ${set.name.padEnd(14)} ${m.method.padEnd(33)} ${m.recall === undefined ? '–'.padStart(9) : m.recall.toFixed(4).padStart(9)}  ${m.qps.toFixed(1).padStart(8)}   ${target}`);
    }
  }
  const plans = r.sets[0].methods;
  say(`     ${r.engine}; ${n(r.vectors)} vectors`);
  say(`     plans: HNSW query: ${plans[0].plan}; store.knn: ${plans.find((m) => m.method.startsWith('store.knn')).plan}; exact: ${plans.at(-1).plan}`);
  if (!plans.find((m) => m.method.startsWith('store.knn')).plan.includes('embeddings_hnsw')) say("     note: store.knn's plan does not use the HNSW index: it scans every vector of the dataset (exact, and as slow as a scan)");
}
say(`   (each store got the vectors through store.ingest: ${nn.map(({ name, ingest, r }) => `${name} ${ingest.toFixed(1)} s, then its first store.knn ${r.firstKnn.toFixed(1)} s`).join('; ')})`);

if (repeatsDiffering > 0) notes.push(`${n(repeatsDiffering)} rows repeat an earlier row's text with a slightly different vector in step 1's store (embedded in another batch); steps 2–3 use the first row's`);
if (fromModel.texts > 0) notes.push(`${fromModel.texts} texts were embedded by the model in steps 2–3 besides the queries (the model's probe texts, when a store registers it)`);
if (STORED !== 100000 || NEW !== 1000 || QUERIES !== 200 || DEPTH !== 1) notes.push(`sizes: --stored ${STORED}, --new ${NEW}, --queries ${QUERIES}, --depth ${DEPTH}`);
say('');
say(`whole bench ${secs(benchStart).toFixed(0)} s (${n(fileRows)} rows; work folder ${work}, removed)`);
for (const note of notes) say(`note: ${note}`);
rmSync(work, { recursive: true, force: true });
process.stdout.write(`${out.join('\n')}\n`);

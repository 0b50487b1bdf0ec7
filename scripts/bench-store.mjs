// `npm run bench:store` (node scripts/bench-store.mjs): the ticket store's targets (issue 13), each with
// its reference measured in the same run.
//   1. Ingest: `ticket-lens ingest` of Bitext into a fresh embedded store against `ticket-lens embed` of
//      the same file (the reference), each a process of the built CLI with its own empty embedding cache,
//      so neither reuses the other's vectors. Target: ingest ≤ 1.2 × embed. Then the same ingest again
//      (nothing to embed): target ≤ 5 s.
//   2. Assign: a store of 100k tickets — the Bitext vectors step 1 stored, less 1,000 rows held out as new
//      tickets, plus perturbed copies of them (Gaussian noise, renormalised; each copy a text of its own)
//      — is clustered from the store (a run over all of them); then the 1,000 held-out tickets are
//      ingested and assignStore (what `ticket-lens assign RUN --store` runs) places them. Only that step is
//      timed against the target (≤ 5 s). Embedding 100k texts takes minutes here, so the tickets go in
//      through the store's own ingest with an embedder that hands back the vectors made above (any text
//      it has none for — the model's probe texts — goes to the real model).
//   3. Nearest neighbours: step 1's vectors on both engines — the embedded store step 1 made, and a real
//      PostgreSQL server (PyPI's pgserver, started as the store tests start it: test/support/postgres.ts)
//      given the same vectors — queried with real tickets from elsewhere (Banking77's test set, embedded
//      here). Per engine: pgvector HNSW (a query the planner serves from the index; its plan is printed),
//      store.knn as the product calls it, and exact search: the HNSW query with `SET LOCAL
//      enable_indexscan = off`, so PostgreSQL scans and sorts every vector. recall@15 against the exact
//      results (target ≥ 0.95) and queries/s, one query at a time.
// Options: --data CSV (default ../shared/data/bitext.csv or $TICKET_LENS_BENCH_DATA; a `text` column),
// --rows N (its first N rows), --stored N (tickets in step 2's store, default 100000), --new N (default
// 1000), --queries N (default 200), --queries-data CSV (default ../shared/data/banking77_test.csv),
// --depth N (the step-2 run's levels, default 1), --skip-postgres.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
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
const EF_SEARCH = Math.max(40, 2 * K); // what store.knn sets (src/server/store/vectors.ts)
const EF_SWEEP = [EF_SEARCH, 100, 200];
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
const storeA = join(work, 'store-ingest');
progress(`ticket-lens embed of ${n(fileRows)} rows (the reference)`);
const embedRun = cli(['embed', data, '--text-column', 'text', '--out', join(work, 'reference.npy'), '--quiet'], join(work, 'cache-embed'));
progress('ticket-lens ingest into a fresh embedded store');
const ingestCmd = ['ingest', data, '--text-column', 'text', '--dataset', 'bitext', '--store', storeA, '--json', '--quiet'];
const ingest1 = cli(ingestCmd, join(work, 'cache-ingest'));
const r1 = lastJson(ingest1.stdout);
progress('the same ingest again');
const ingest2 = cli(ingestCmd, join(work, 'cache-ingest'));
const r2 = lastJson(ingest2.stdout);
const ratio = ingest1.seconds / embedRun.seconds;

say(`1. Ingest ${fileRows < allRows.length ? `${data} (a subset)` : data} (${n(fileRows)} rows): each command a process of the built CLI with its own empty embedding cache; wall time (start, model load, read, embed, write)`);
say(`   ticket-lens embed (the reference, .npy)     ${embedRun.seconds.toFixed(1).padStart(7)} s`);
say(`   ticket-lens ingest (fresh embedded store)   ${ingest1.seconds.toFixed(1).padStart(7)} s   (its summary: ${n(r1.new)} new, ${n(r1.embedded)} embedded, ${n(r1.total)} stored, ${r1.seconds.toFixed(1)} s inside)`);
say(`   ratio ingest / embed                        ${ratio.toFixed(2).padStart(7)}     target ≤ 1.20: ${verdict(ratio <= 1.2)}`);
say(`   second ingest of the same file              ${ingest2.seconds.toFixed(1).padStart(7)} s   (${n(r2.unchanged)} unchanged, ${n(r2.new)} new, ${n(r2.embedded)} embedded, ${r2.seconds.toFixed(1)} s inside)   target ≤ 5 s: ${verdict(ingest2.seconds <= 5)}`);

// ================================================================ step 1's vectors, and the texts they stand for
const embedder = await B.loadEmbedder({ modelDir: B.defaultModelDir(), device: 'cpu' });
const dim = embedder.info.dim;
const storeAHandle = await B.openStore({ dir: storeA });
const base = await storeAHandle.vectors('bitext');
const count = base.ids.length;
if (NEW >= count) throw new Error(`--new ${NEW}: step 1 stored only ${count} tickets`);
const vectorOf = (i) => base.vectors.subarray(i * dim, (i + 1) * dim);
const byText = new Map();
let repeatsDiffering = 0;
const remember = (text, v) => {
  const had = byText.get(text);
  if (!had) byText.set(text, v);
  else if (had.some((x, d) => Math.abs(x - v[d]) > 1e-6)) repeatsDiffering++;
};
for (let i = 0; i < count; i++) remember(base.texts[i], vectorOf(i));

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

// ================================================================ 3. nearest neighbours on step 1's vectors
const queryRows = parse(readFileSync(resolve(opt['queries-data'])), { columns: true });
const queryTexts = Array.from({ length: Math.min(QUERIES, queryRows.length) }, (_, j) => queryRows[Math.floor(((j + 0.5) * queryRows.length) / Math.min(QUERIES, queryRows.length))].text);
const queries = await embedder.embed(queryTexts);
const vecText = (q) => `[${Array.from(queries.subarray(q * dim, (q + 1) * dim), (x) => x.toPrecision(8)).join(',')}]`;
// The store holds one dataset under one model, so the index query needs no filter: ORDER BY distance LIMIT k is what pgvector's HNSW serves.
const INDEX_SQL = `SELECT e.ticket_pk::int AS pk, (e.embedding <=> $1::vector)::float8 AS distance FROM embeddings e ORDER BY e.embedding <=> $1::vector LIMIT ${K}`;
// store.knn's own SQL (src/server/store/vectors.ts nearest()), copied only to print its plan; keep in step with it.
const KNN_SQL = `SELECT t.ticket_id, (e.embedding <=> $3::vector)::float8 AS distance
  FROM embeddings e JOIN tickets t ON t.pk = e.ticket_pk
  WHERE e.model_id = $2 AND t.dataset_id = $1 AND e.content_hash = t.content_hash
  ORDER BY e.embedding <=> $3::vector LIMIT $4`;

/** The plan's scan and join nodes, e.g. "Limit → Index Scan using embeddings_hnsw on embeddings e". */
async function planOf(tx, sql, params) {
  const rows = await tx.query(`EXPLAIN ${sql}`, params);
  return rows
    .map((r) => r['QUERY PLAN'].trim().replace(/^->\s*/, '').replace(/\s*\(cost=.*$/, ''))
    .filter((l) => /^(Limit|Sort|Nested Loop|Hash Join|Merge Join|Seq Scan|Index Scan|Index Only Scan|Bitmap Heap Scan|Bitmap Index Scan)(\s|$)/.test(l) && !/^Sort Key/.test(l))
    .join(' → ');
}

/** One query at a time: the results of each and queries/s. */
async function timed(run) {
  const results = [];
  const t0 = performance.now();
  for (let q = 0; q < queryTexts.length; q++) results.push(await run(q));
  return { results, qps: queryTexts.length / secs(t0) };
}

async function nearestBench(store, dataset) {
  const [{ version }] = await store.engine.query('SELECT version()');
  const [ext] = await store.engine.query(`SELECT extversion AS v FROM pg_extension WHERE extname = 'vector'`);
  const [{ vectors }] = await store.engine.query('SELECT count(*)::int AS vectors FROM embeddings');
  const [d] = await store.engine.query('SELECT id, embedding_model_id AS model FROM datasets WHERE name = $1', [dataset]);
  const exact = await store.engine.transaction(async (tx) => {
    await tx.exec('SET LOCAL enable_indexscan = off');
    const plan = await planOf(tx, INDEX_SQL, [vecText(0)]);
    return { plan, ...(await timed((q) => tx.query(INDEX_SQL, [vecText(q)]))) };
  });
  const hnsw = [];
  for (const ef of EF_SWEEP) {
    const r = await store.engine.transaction(async (tx) => {
      await tx.query(`SELECT set_config('hnsw.ef_search', $1, true)`, [String(ef)]);
      const plan = await planOf(tx, INDEX_SQL, [vecText(0)]);
      return { ef, plan, ...(await timed((q) => tx.query(INDEX_SQL, [vecText(q)]))) };
    });
    hnsw.push(r);
  }
  const knnPlan = await store.engine.transaction(async (tx) => {
    await tx.query(`SELECT set_config('hnsw.ef_search', $1, true)`, [String(EF_SEARCH)]);
    return planOf(tx, KNN_SQL, [d.id, d.model, vecText(0), K]);
  });
  const knn = { plan: knnPlan, ...(await timed((q) => store.knn(dataset, queries.subarray(q * dim, (q + 1) * dim), K))) };
  // recall@15: the share of the exact top 15 found; a result at the 15th exact distance counts (ties: Bitext repeats texts).
  const recall = (r) => {
    let found = 0;
    r.results.forEach((res, q) => {
      const cut = exact.results[q][K - 1].distance + 1e-6;
      found += Math.min(K, res.filter((x) => x.distance <= cut).length);
    });
    return found / (r.results.length * K);
  };
  return { engine: `${version.split(' on ')[0].split(',')[0]}, pgvector ${ext.v}`, vectors, exact, hnsw: hnsw.map((h) => ({ ...h, recall: recall(h) })), knn: { ...knn, recall: recall(knn) } };
}

progress(`nearest neighbours on the embedded store (${n(count)} vectors, ${queryTexts.length} queries)`);
const nnPglite = await nearestBench(storeAHandle, 'bitext');
await storeAHandle.close();
let nnPostgres = null;
let pgIngest = null;
if (!opt['skip-postgres']) {
  progress('starting PostgreSQL (pgserver) and giving it the same vectors');
  const server = await startPostgres();
  try {
    const storeP = await B.openStore({ url: await server.createDatabase('bench_store') });
    try {
      const t0 = performance.now();
      const r = await storeP.ingest(knownVectors, { csvPath: data, dataset: 'bitext', textColumn: 'text' });
      pgIngest = { seconds: secs(t0), total: r.total };
      progress('nearest neighbours on the PostgreSQL server');
      nnPostgres = await nearestBench(storeP, 'bitext');
    } finally {
      await storeP.close();
    }
  } finally {
    await server.dispose();
  }
}

// ================================================================ 2. assign over 100k stored tickets
// Held out, evenly spread over the file: the new tickets.
const held = Array.from({ length: NEW }, (_, j) => Math.floor(((j + 0.5) * count) / NEW));
const heldSet = new Set(held);
const kept = base.ids.map((_, i) => i).filter((i) => !heldSet.has(i));
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
const storedRows = [];
let copies = 0;
for (let k = 0; storedRows.length < STORED; k++) {
  copies = k;
  for (const i of kept) {
    if (storedRows.length >= STORED) break;
    const text = k === 0 ? base.texts[i] : `${base.texts[i]} [copy ${k}]`;
    if (!byText.has(text)) {
      const v = Float32Array.from(vectorOf(i), (x) => x + SIGMA * gaussian());
      const norm = Math.hypot(...v);
      for (let d = 0; d < dim; d++) v[d] /= norm;
      byText.set(text, v);
    }
    storedRows.push({ id: k === 0 ? `t${base.rows[i]}` : `t${base.rows[i]}c${k}`, text });
  }
}
const newRows = held.map((i) => ({ id: `new${base.rows[i]}`, text: base.texts[i] }));
const storedCsv = join(work, 'stored.csv');
const newCsv = join(work, 'new.csv');
writeFileSync(storedCsv, stringify(storedRows, { header: true, columns: ['id', 'text'] }));
writeFileSync(newCsv, stringify(newRows, { header: true, columns: ['id', 'text'] }));
const ingestOptions = (csvPath) => ({ csvPath, dataset: 'tickets', textColumn: 'text', idColumn: 'id' });

progress(`putting ${n(STORED)} tickets into a fresh embedded store`);
const storeB = await B.openStore({ dir: join(work, 'store-100k') });
let t0 = performance.now();
const rB = await storeB.ingest(knownVectors, ingestOptions(storedCsv));
const tIngestB = secs(t0);
progress('clustering them from the store');
const runDir = join(work, 'run-100k');
const params = B.ClusterParams.parse({ depth: DEPTH, minClusterSize: Math.round((100 * STORED) / 26872), seed: SEED });
t0 = performance.now();
const tickets = await storeB.vectors('tickets');
const run = await B.runClusterPipeline(
  { csvPath: storedCsv, textColumn: 'text', labelColumn: null, outDir: runDir, params, stored: { tickets, title: 'tickets (ticket store)', source: { store: storeB.where, dataset: 'tickets' } } },
  { embedder, log: B.silentLogger },
);
const tCluster = secs(t0);
progress(`ingesting ${n(NEW)} new tickets and assigning them`);
t0 = performance.now();
const rNew = await storeB.ingest(knownVectors, ingestOptions(newCsv));
const tIngestNew = secs(t0);
const stages = [];
t0 = performance.now();
const assigned = await B.assignStore(storeB, { runDir, dataset: 'tickets', since: null }, {
  embedder,
  log: B.silentLogger,
  progress: (p) => {
    if (stages.at(-1)?.stage !== p.stage) stages.push({ stage: p.stage, at: performance.now() });
  },
});
const tAssign = secs(t0);
const end = t0 + tAssign * 1000;
const stageTimes = stages.map((s, i) => `${s.stage} ${(((stages[i + 1]?.at ?? end) - s.at) / 1000).toFixed(2)} s`).join(', ');
await storeB.close();
await embedder.dispose();

say('');
say(`2. ${n(assigned.tickets)} new tickets assigned to a run over ${n(rB.total)} stored tickets (embedded store)`);
say(`   stored: ${n(kept.length)} Bitext tickets with step 1's vectors (${n(NEW)} rows held out as the new tickets) + ${copies} perturbed cop${copies === 1 ? 'y' : 'ies'} of them (the last partial) up to ${n(STORED)}:`);
say(`     a copy = its original's vector + N(0, ${SIGMA}²) per component, renormalised (cosine ≈ 0.98), text "<text> [copy k]"; put in through store.ingest in ${tIngestB.toFixed(1)} s`);
say(`   the run: clustered from the store's vectors (runClusterPipeline, as cluster --store): ${n(run.rows)} rows, ${n(run.uniqueTexts)} unique texts, depth ${DEPTH}, min cluster size ${params.minClusterSize}, seed ${SEED} → ${run.topClusters} clusters, noise ${(run.noiseFraction * 100).toFixed(1)}%; ${tCluster.toFixed(1)} s`);
say(`   new tickets: the ${n(NEW)} held-out Bitext rows with their step-1 vectors, ingested into the dataset after the run (${n(rNew.new)} new, ${tIngestNew.toFixed(1)} s)`);
say(`   assign (assignStore = ticket-lens assign RUN --store, model loaded)  ${tAssign.toFixed(2).padStart(7)} s   target ≤ 5 s: ${verdict(tAssign <= 5)}`);
say(`     ${n(assigned.assigned)} into clusters, ${n(assigned.noise)} with the run's noise, ${n(assigned.new)} new/unassigned, against ${n(assigned.members)} member texts; ${stageTimes}`);

say('');
say(`3. Nearest neighbours: recall@${K} against exact search, ${queryTexts.length} queries one at a time (Banking77 test texts embedded here, none in the store), over step 1's vectors`);
say('   exact = the HNSW query with SET LOCAL enable_indexscan = off (every vector scanned and sorted in SQL); recall counts a result at the 15th exact distance as found (ties)');
say(`   ${'engine'.padEnd(30)} ${'vectors'.padStart(8)}  ${'method'.padEnd(34)} ${`recall@${K}`.padStart(9)}  ${'q/s'.padStart(9)}   target recall ≥ 0.95`);
for (const [name, r] of [['embedded (PGlite)', nnPglite], ['PostgreSQL server (pgserver)', nnPostgres]]) {
  if (!r) {
    say(`   ${name.padEnd(30)} skipped (--skip-postgres)`);
    continue;
  }
  const row = (method, x, target) => say(`   ${name.padEnd(30)} ${n(r.vectors).padStart(8)}  ${method.padEnd(34)} ${x.recall === undefined ? '–'.padStart(9) : x.recall.toFixed(4).padStart(9)}  ${x.qps.toFixed(1).padStart(9)}   ${target}`);
  for (const h of r.hnsw) {
    const indexed = /embeddings_hnsw/.test(h.plan);
    row(`HNSW, ef_search ${h.ef}${h.ef === EF_SEARCH ? " (store.knn's)" : ''}`, h, indexed ? verdict(h.recall >= 0.95) : `not from the index (plan: ${h.plan})`);
  }
  row(`store.knn (sets ef_search ${EF_SEARCH})`, r.knn, verdict(r.knn.recall >= 0.95));
  row('exact (scan)', r.exact, '');
  say(`     ${r.engine}`);
  say(`     plans: HNSW query: ${r.hnsw[0].plan}; store.knn: ${r.knn.plan}; exact: ${r.exact.plan}`);
  if (!/embeddings_hnsw/.test(r.knn.plan)) say("     note: store.knn's plan does not use the HNSW index: it scans every vector of the dataset (exact, and as slow as the scan)");
}
if (pgIngest) say(`   (the server's ${n(pgIngest.total)} tickets put in through store.ingest with step 1's vectors in ${pgIngest.seconds.toFixed(1)} s)`);

if (repeatsDiffering > 0) notes.push(`${n(repeatsDiffering)} rows repeat an earlier row's text with a slightly different vector in step 1's store (embedded in another batch); the server and step 2 got the first row's`);
if (fromModel.texts > 0) notes.push(`${fromModel.texts} texts were embedded by the model in steps 2–3 besides the queries (the model's probe texts, when a store registers it)`);
if (STORED !== 100000 || NEW !== 1000 || QUERIES !== 200 || DEPTH !== 1) notes.push(`sizes: --stored ${STORED}, --new ${NEW}, --queries ${QUERIES}, --depth ${DEPTH}`);
say('');
say(`whole bench ${secs(benchStart).toFixed(0)} s (${n(fileRows)} rows; work folder ${work}, removed)`);
for (const note of notes) say(`note: ${note}`);
rmSync(work, { recursive: true, force: true });
process.stdout.write(`${out.join('\n')}\n`);

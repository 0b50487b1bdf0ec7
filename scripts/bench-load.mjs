// `npm run bench:load`: the built server (dist/cli.js serve) under load. Eight concurrent clients send
// POST /classify (the shipped bitext model, one short ticket per request, each text sent once) while
// /health is requested every 50 ms whether or not the last answer came (open loop, so a stall counts
// once per request it held up, not once):
//   1. idle: 15 s with no job — the reference, measured in the same run;
//   2. load: 60 s while a cluster job (Bitext rows, minClusterSize auto) and a training job (the same
//      rows, with the adapter) run; a job that ends is submitted again so CPU-bound work fills the
//      whole window, and the one still running at the end is cancelled (its cancel latency printed).
//      The rows are embedded once before (untimed), so the window holds the jobs' CPU-bound stages
//      rather than one long embedding (--cold skips that: the first job embeds under load).
// Prints p50/p99 of both routes against the targets (/health p99 < 250 ms, /classify p99 < 100 ms on
// 2 cores) with a verdict, and the error count, which must be 0 (the exit code is 1 otherwise).
//   TICKET_LENS_DATA     folder holding bitext.csv (default ../shared/data; else the bundled sample)
//   TICKET_LENS_LOAD_ROWS  rows per job (default 4000)
//   --no-build           use dist/ as it is
//   --cold               no warm-up of the jobs' embeddings
import { execFileSync, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const work = mkdtempSync(join(tmpdir(), 'tl-bench-load-'));
const CLIENTS = 8;
const IDLE_S = 15;
const LOAD_S = 60;
const HEALTH_EVERY_MS = 50;
const TARGET = { health: 250, classify: 100 };
const rows = Number(process.env.TICKET_LENS_LOAD_ROWS || 4000);

if (!process.argv.includes('--no-build')) execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { stdio: 'inherit' });
execFileSync(process.execPath, [join(root, 'scripts', 'models.mjs')], { stdio: 'inherit' });
// the model the user provisioned (embed/manifest.ts's defaultModelDir); the server gets a cache of its own
const modelDir = resolve(process.env.TICKET_LENS_MODEL_DIR || join(process.env.TICKET_LENS_CACHE || join(homedir(), '.cache', 'ticket-lens'), 'models', 'all-MiniLM-L6-v2'));

// ---- data: every k-th Bitext row for the jobs; the other rows are the tickets the clients classify
const bitext = join(process.env.TICKET_LENS_DATA || resolve(root, '..', 'shared', 'data'), 'bitext.csv');
const source = existsSync(bitext) ? bitext : join(root, 'media', 'samples', 'tickets.csv');
const records = parse(readFileSync(source), { columns: true, bom: true });
const k = Math.max(1, Math.floor(records.length / rows));
const jobRows = records.filter((_, i) => i % k === 0).slice(0, rows);
const csv = join(work, 'jobs.csv');
writeFileSync(csv, stringify(jobRows, { header: true }));
let tickets = records.filter((_, i) => k === 1 || i % k !== 0).map((r) => r.text);
// the sample alone is too small to send each text once: number the repeats (a cached text would skip the embedding)
if (tickets.length < 20_000) tickets = Array.from({ length: 20_000 }, (_, i) => `${tickets[i % tickets.length]}${i >= tickets.length ? ` (#${i})` : ''}`);
let nextTicket = 0;

// ---- the server
const token = 'bench-load-token-0123456789abcdef';
const serverLog = join(work, 'server.log');
const child = spawn(process.execPath, [join(root, 'dist', 'cli.js'), 'serve', '--model', modelDir], {
  env: { ...process.env, TICKET_LENS_TOKEN: token, TICKET_LENS_CACHE: join(work, 'cache') },
  stdio: ['ignore', 'pipe', 'pipe'],
});
child.stderr.pipe(createWriteStream(serverLog));
const port = await new Promise((res, rej) => {
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
    if (out.includes('\n')) res(JSON.parse(out.slice(0, out.indexOf('\n'))).port);
  });
  child.once('exit', (code) => rej(new Error(`serve exited with ${code}; see ${serverLog}`)));
});
const base = `http://127.0.0.1:${port}`;
const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
const post = (p, b) => fetch(base + p, { method: 'POST', headers, body: JSON.stringify(b) });
const getJob = async (id) => (await fetch(`${base}/jobs/${id}`, { headers })).json();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Runs the clients and the /health poller for `seconds`; `during` runs alongside. */
async function phase(seconds, during = async () => {}) {
  const m = { classify: [], health: [], errors: [] };
  const end = performance.now() + seconds * 1000;
  const record = async (list, route, send) => {
    const t = performance.now();
    try {
      const r = await send();
      await r.arrayBuffer();
      if (r.status !== 200) m.errors.push(`${route} ${r.status}`);
      else list.push(performance.now() - t);
    } catch (err) {
      m.errors.push(`${route} ${err.message}`);
    }
  };
  const client = async () => {
    while (performance.now() < end) await record(m.classify, '/classify', () => post('/classify', { texts: [tickets[nextTicket++ % tickets.length]], models: ['bitext'] }));
  };
  const health = async () => {
    const pending = [];
    while (performance.now() < end) {
      pending.push(record(m.health, '/health', () => fetch(`${base}/health`, { headers })));
      await sleep(HEALTH_EVERY_MS);
    }
    await Promise.all(pending);
  };
  await Promise.all([...Array.from({ length: CLIENTS }, client), health(), during(end)]);
  return m;
}

/** Keeps a cluster job and a training job running, one after the other, until `end`; cancels the last. */
async function jobs(end) {
  const done = [];
  const specs = [
    { kind: 'cluster', submit: (i) => post('/cluster', { csvPath: csv, textColumn: 'text', outDir: join(work, `run-${i}`), params: { minClusterSize: 'auto' } }) },
    { kind: 'train', submit: (i) => post('/classify/train', { csvPath: csv, textColumn: 'text', labelColumns: ['intent'], outPath: join(work, `model-${i}.tlc`), params: { adapter: true } }) },
  ];
  for (let i = 0; ; i++) {
    const spec = specs[i % 2];
    const job = await (await spec.submit(i)).json();
    if (!job.id) throw new Error(`${spec.kind} job refused: ${JSON.stringify(job)}`);
    const t = performance.now();
    let info = job;
    while (performance.now() < end && (info.state === 'queued' || info.state === 'running')) {
      await sleep(100);
      info = await getJob(job.id);
    }
    if (info.state === 'queued' || info.state === 'running') {
      const c = performance.now();
      await post(`/jobs/${job.id}/cancel`, {});
      while ((info = await getJob(job.id)).state === 'running') await sleep(10);
      done.push({ kind: spec.kind, state: info.state, seconds: (performance.now() - t) / 1000, cancelMs: performance.now() - c, stage: info.progress?.stage });
      return done;
    }
    done.push({ kind: spec.kind, state: info.state, seconds: (performance.now() - t) / 1000, error: info.error?.message });
  }
}

const pct = (xs, q) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * q))];
};
const ms = (x) => `${x.toFixed(0)} ms`;

try {
  // the bitext model and the embedder load on first use: not part of any figure
  const warm = await post('/classify', { texts: ['warm-up ticket: where is my order'], models: ['bitext'] });
  if (warm.status !== 200) throw new Error(`/classify warm-up answered ${warm.status}: ${await warm.text()}`);
  const cold = process.argv.includes('--cold');
  if (!cold) {
    const { id } = await (await post('/classify/train', { csvPath: csv, textColumn: 'text', labelColumns: ['intent'], outPath: join(work, 'warm-up.tlc'), params: { epochs: 1 } })).json();
    let info;
    while ((info = await getJob(id)).state === 'queued' || info.state === 'running') await sleep(200);
    if (info.state !== 'succeeded') throw new Error(`embedding warm-up job ${info.state}: ${info.error?.message}`);
  }

  console.log(`\nbench:load — ${availableParallelism()} cores, ${CLIENTS} /classify clients (bitext model, 1 ticket a request), /health every ${HEALTH_EVERY_MS} ms`);
  console.log(`jobs: ${jobRows.length} rows of ${source === bitext ? 'Bitext' : 'the bundled sample'} — cluster (minClusterSize auto) and train (adapter), one after the other; embeddings ${cold ? 'not cached (--cold)' : 'cached before'}\n`);
  const idle = await phase(IDLE_S);
  let ran = [];
  const load = await phase(LOAD_S, async (end) => {
    ran = await jobs(end);
  });

  const rowsOut = [
    ['/health', idle.health, load.health, TARGET.health],
    ['/classify', idle.classify, load.classify, TARGET.classify],
  ];
  console.log(`${'route'.padEnd(10)} ${`idle ${IDLE_S} s: p50 / p99`.padEnd(26)} ${`under load ${LOAD_S} s: p50 / p99`.padEnd(30)} ${'target'.padEnd(16)} verdict`);
  let allMet = true;
  for (const [route, a, b, target] of rowsOut) {
    const met = pct(b, 0.99) < target;
    allMet &&= met;
    console.log(
      `${route.padEnd(10)} ${`${ms(pct(a, 0.5))} / ${ms(pct(a, 0.99))} (n ${a.length})`.padEnd(26)} ${`${ms(pct(b, 0.5))} / ${ms(pct(b, 0.99))} (n ${b.length}, max ${ms(Math.max(...b))})`.padEnd(30)} ${`p99 < ${target} ms`.padEnd(16)} ${met ? 'met' : 'NOT MET'}`,
    );
  }
  const errors = [...idle.errors, ...load.errors];
  console.log(`errors: ${errors.length}${errors.length ? ` (${[...new Set(errors)].slice(0, 5).join('; ')})` : ''} — must be 0: ${errors.length === 0 ? 'met' : 'NOT MET'}`);
  console.log(
    `jobs under load: ${ran.map((j) => `${j.kind} ${j.state} ${j.seconds.toFixed(1)} s${j.cancelMs !== undefined ? ` (cancelled at "${j.stage}" in ${ms(j.cancelMs)})` : ''}${j.error ? ` (${j.error})` : ''}`).join(', ')}`,
  );
  console.log(`verdict: ${allMet && errors.length === 0 ? 'all targets met' : 'targets NOT met'} (server log: ${serverLog})`);
  process.exitCode = errors.length === 0 && ran.every((j) => j.state !== 'failed') ? 0 : 1;
} finally {
  child.kill('SIGTERM');
}

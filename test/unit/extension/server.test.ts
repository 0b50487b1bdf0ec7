/**
 * The extension's logic that needs the server, through the extension's typed client, against the
 * real server process (`ticket-lens serve`, the real model): following jobs the way commands do
 * (src/extension/runJob.ts: progress reports, the outcome of a job that succeeds, fails or is
 * refused, a cancel that takes effect), the tree model over the run a job made, and Classify
 * Selection's nearest-cluster lookup (src/extension/nearestCluster.ts).
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterResult, clusterName, type JobInfo, type LoadedRun } from '../../../src/shared/api';
import { ServerClient } from '../../../src/extension/client';
import { nearestCluster } from '../../../src/extension/nearestCluster';
import { progressMessage, runJob, type Cancellation } from '../../../src/extension/runJob';
import { childNodes, loadRuns, treeItem, type Node } from '../../../src/extension/views/runTreeModel';
import { spawnServe, type ServeProcess } from '../../support/cli';
import { modelDir } from '../../support/model';
import { SAMPLE_CSV } from '../../support/sample';

const dir = mkdtempSync(join(tmpdir(), 'tl-ext-job-'));
const token = 'extension-job-test-token-0123456789';
let server: ServeProcess;
let client: ServerClient;
/** The run the first test makes; the nearest-cluster tests compare texts with it. */
let made: LoadedRun | undefined;

/** The first `n` rows of the bundled sample, as a CSV of their own (fields quoted: texts hold commas and newlines). */
function sampleHead(n: number): string {
  const rows = parse<Record<string, string>>(readFileSync(SAMPLE_CSV), { columns: true });
  const header = Object.keys(rows[0]);
  const quote = (v: string) => `"${v.replace(/"/g, '""')}"`;
  const file = join(dir, `head-${n}.csv`);
  writeFileSync(file, [header.map(quote).join(','), ...rows.slice(0, n).map((r) => header.map((h) => quote(r[h] ?? '')).join(','))].join('\n') + '\n');
  return file;
}

const never: Cancellation = { isCancellationRequested: false };

beforeAll(async () => {
  server = await spawnServe(['--model', modelDir(), '--device', 'cpu'], { TICKET_LENS_TOKEN: token, TICKET_LENS_CACHE: join(dir, 'cache') });
  client = new ServerClient(`http://127.0.0.1:${server.port}`, token);
});
afterAll(async () => {
  if (!server || server.child.exitCode !== null) return;
  const exited = new Promise((r) => server.child.once('exit', r));
  server.child.kill('SIGTERM');
  await exited;
});

describe('following a server job', () => {
  it('a cluster job on 60 rows: waits its turn, progress as changing messages, then success with the run it made', async () => {
    const csv = sampleHead(60);
    const outDir = join(dir, 'runs', 'head-60');
    // Jobs run one at a time: with another one running, this one is reported queued at several polls
    // in a row (the other is cancelled after a while), and "queued" must be reported once.
    const other = await client.cluster({ csvPath: SAMPLE_CSV, textColumn: 'text', outDir: join(dir, 'runs', 'other') });
    let otherCancelled: Promise<JobInfo> | undefined;
    const messages: string[] = [];
    const report = (m: string) => {
      messages.push(m);
      if (m === 'queued' && !otherCancelled) otherCancelled = new Promise((r) => setTimeout(r, 1500)).then(() => client.cancel(other.id));
    };
    const outcome = await runJob(client, (c) => c.cluster({ csvPath: csv, textColumn: 'text', labelColumn: 'intent', outDir, params: { depth: 2 } }), report, never);
    expect((await otherCancelled)?.id).toBe(other.id);
    expect(messages[0]).toBe('queued');
    expect(outcome.ok, JSON.stringify(outcome)).toBe(true);
    if (!outcome.ok) return;
    const result = ClusterResult.parse(outcome.job.result);
    expect(result).toMatchObject({ runDir: outDir, rows: 60 });
    expect(existsSync(join(outDir, 'run.json'))).toBe(true);

    expect(messages.length).toBeGreaterThan(0);
    messages.slice(1).forEach((m, i) => expect(m, `report ${i + 1} repeats the one before`).not.toBe(messages[i]));
    for (const m of messages) {
      const count = / (\d+)\/(\d+)$/.exec(m);
      if (count) expect(Number(count[1])).toBeLessThanOrEqual(Number(count[2]));
    }

    // The tree shows that run, read back through the same client; a folder that is not a run is skipped.
    const warnings: string[] = [];
    const runs = await loadRuns([join(dir, 'runs'), outDir], (d) => client.loadRun(d), (w) => warnings.push(w));
    expect(runs.map((r) => r.runDir)).toEqual([outDir]);
    expect(warnings).toEqual([expect.stringMatching(/^skipping .*runs: .*not a Ticket Lens run folder/)]);
    const run = runs[0];
    made = run;
    const top = childNodes({ kind: 'run', run });
    expect(top.filter((n) => n.kind === 'cluster' && !n.cluster.isNoise)).toHaveLength(result.topClusters);
    expect(treeItem({ kind: 'run', run }).description).toMatch(new RegExp(`^${result.topClusters} clusters · 60 rows · `));
    const seen: string[] = [];
    const examples: Extract<Node, { kind: 'example' }>[] = [];
    const walk = (n: Node) => {
      if (n.kind === 'cluster') seen.push(n.cluster.id);
      if (n.kind === 'example') examples.push(n);
      childNodes(n).forEach(walk);
    };
    top.forEach(walk);
    expect(seen.sort()).toEqual(run.clusters.map((c) => c.id).sort());
    expect(seen.length).toBe(result.totalClusters + run.clusters.filter((c) => c.isNoise).length);
    // Every example is a real row of the input, at the row it names.
    const input = parse<Record<string, string>>(readFileSync(csv), { columns: true });
    expect(examples.length).toBeGreaterThan(0);
    for (const e of examples) expect(input[e.row - 1]?.text).toBe(e.text);
  });

  it('a cancel asked for mid-job takes effect: the job ends cancelled and leaves no run folder', async () => {
    const outDir = join(dir, 'runs', 'cancelled');
    const cancel = { isCancellationRequested: false };
    const messages: string[] = [];
    let id = '';
    const outcome = await runJob(
      client,
      async (c) => {
        const job = await c.cluster({ csvPath: SAMPLE_CSV, textColumn: 'text', outDir, params: { depth: 2 } });
        id = job.id;
        return job;
      },
      (m) => {
        messages.push(m);
        // The user cancels once the job is at work (a stage is reported), not while it waits in the queue.
        if (m !== 'queued' && m !== 'running') cancel.isCancellationRequested = true;
      },
      cancel,
    );
    expect(cancel.isCancellationRequested, `reports: ${messages.join(' | ')}`).toBe(true);
    expect(outcome).toMatchObject({ ok: false, cancelled: true, message: 'cancelled; nothing was written.' });
    expect(outcome.ok ? null : outcome.job?.state).toBe('cancelled');
    const final: JobInfo = await client.job(id);
    expect(final.state).toBe('cancelled');
    expect(final.error?.code).toBe('job_cancelled');
    expect(existsSync(outDir)).toBe(false);
    // The server goes on serving: the next job runs.
    expect((await client.health()).model.loaded).toBe(true);
  });

  it("a job that fails is a failed outcome with the server's message", async () => {
    const outcome = await runJob(client, (c) => c.cluster({ csvPath: SAMPLE_CSV, textColumn: 'body', outDir: join(dir, 'runs', 'no-column') }), () => {}, never);
    expect(outcome).toMatchObject({ ok: false, cancelled: false });
    expect(outcome.ok ? null : outcome.message).toContain('there is no column "body"');
    expect(outcome.ok ? null : outcome.job?.state).toBe('failed');
  });

  it("a refused request and an unreachable server are failed outcomes with the reason, and no job", async () => {
    const refused = await runJob(client, (c) => c.cluster({ csvPath: SAMPLE_CSV, textColumn: '' }), () => {}, never);
    expect(refused).toMatchObject({ ok: false, cancelled: false });
    expect(refused.ok ? null : refused.message).toMatch(/textColumn/);
    expect(refused.ok ? null : refused.job).toBeUndefined();

    const nowhere = new ServerClient('http://127.0.0.1:9', token);
    const unreachable = await runJob(nowhere, (c) => c.cluster({ csvPath: SAMPLE_CSV, textColumn: 'text' }), () => {}, never);
    expect(unreachable).toMatchObject({ ok: false, cancelled: false });
    expect(unreachable.ok ? null : unreachable.message).toMatch(/^The Ticket Lens server is not reachable/);
  });

  it('progress messages: the stage with its count when there is one, else the state', () => {
    const job = (progress: JobInfo['progress'], state: JobInfo['state'] = 'running'): JobInfo => ({ id: 'j', kind: 'cluster', state, progress, createdAt: '', finishedAt: null, error: null });
    expect(progressMessage(job(null, 'queued'))).toBe('queued');
    expect(progressMessage(job({ stage: 'embedding', done: 128, total: 300 }))).toBe('embedding 128/300');
    expect(progressMessage(job({ stage: 'embedding', total: 300 }))).toBe('embedding 0/300');
    expect(progressMessage(job({ stage: 'HDBSCAN' }))).toBe('HDBSCAN');
  });
});

describe("Classify Selection's nearest cluster", () => {
  const text = 'I was charged twice for my order and I want my money back';

  it('with a run: the closest cluster, named as the tree names it', async () => {
    expect(made, 'the run made by the cluster job above').toBeDefined();
    const run = made!;
    const warnings: string[] = [];
    const r = await nearestCluster(client, () => Promise.resolve(run), text, (w) => warnings.push(w));
    expect(r.clusterError).toBeNull();
    expect(warnings).toEqual([]);
    expect(r.cluster).toMatchObject({ runDir: run.runDir, input: 'head-60.csv' });
    const record = run.clusters.find((c) => c.id === r.cluster?.path);
    expect(record, `a cluster of the run is close enough: ${JSON.stringify(r.cluster)}`).toBeDefined();
    expect(r.cluster?.name).toBe(clusterName(record!));
  });

  it('no run at all: neither a cluster nor an error', async () => {
    const warnings: string[] = [];
    expect(await nearestCluster(client, () => Promise.resolve(undefined), text, (w) => warnings.push(w))).toEqual({ cluster: null, clusterError: null });
    expect(warnings).toEqual([]);
  });

  it("a lookup the server cannot answer is an error with the server's reason, logged, not \"no run\"", async () => {
    // The run was loaded, then its folder went away (deleted, or the workspace moved).
    expect(made, 'the run made by the cluster job above').toBeDefined();
    const gone: LoadedRun = { ...made!, runDir: join(dir, 'runs', 'deleted-since') };
    const warnings: string[] = [];
    const r = await nearestCluster(client, () => Promise.resolve(gone), text, (w) => warnings.push(w));
    expect(r.cluster).toBeNull();
    expect(r.clusterError).toMatch(/deleted-since.* not a Ticket Lens run folder/);
    expect(warnings).toEqual([`nearest cluster in ${gone.runDir}: ${r.clusterError}`]);
  });

  it('runs that cannot be read are an error with the reason too', async () => {
    const warnings: string[] = [];
    const r = await nearestCluster(client, () => Promise.reject(new Error('The Ticket Lens server is not reachable (connect ECONNREFUSED).')), text, (w) => warnings.push(w));
    expect(r).toEqual({ cluster: null, clusterError: 'the runs could not be read: The Ticket Lens server is not reachable (connect ECONNREFUSED).' });
    expect(warnings).toHaveLength(1);
  });
});

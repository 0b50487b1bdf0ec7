/**
 * Faults: the real server (`ticket-lens serve`, a child process) killed with SIGKILL in the middle of
 * each kind of write — a cluster job writing its run folder, a label job saving a label, an export
 * writing its CSV, an edit committing a merge. TICKET_LENS_TEST_PAUSE_AT (src/server/run/pausePoint.ts)
 * stops the server exactly in the window, so the kill lands there every time. Afterwards a fresh server
 * loads every run folder of the workspace, each is its old state or its new one (never a mix), nothing
 * temporary is where the extension lists runs or is left once runs are loaded, and the client that was
 * following the job gets an error rather than waiting forever. (Ingest, issue 13, does not exist yet.)
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClustersFile, LoadedRun, RunManifest, TicketLensError, type ClusterRecord, type JobInfo } from '../../../src/shared/api';
import { ClusterParams } from '../../../src/shared/cluster';
import { ServerClient } from '../../../src/extension/client';
import { runJob, type JobOutcome } from '../../../src/extension/runJob';
import { runClusterPipeline } from '../../../src/server/cluster/pipeline';
import { loadEmbedder } from '../../../src/server/embed';
import { silentLogger } from '../../../src/server/log';
import { readAssignments } from '../../../src/server/run/assignmentsCsv';
import { COMMIT_JOURNAL } from '../../../src/server/run/commit';
import { readMetrics } from '../../../src/server/run/metricsJson';
import type { PausePoint } from '../../../src/server/run/pausePoint';
import { renderSummary, summaryOfRun } from '../../../src/server/run/summaryMd';
import { spawnServe, type ServeProcess } from '../../support/cli';
import { labelFromPrompt, startFakeAnthropic, type FakeAnthropic } from '../../support/fakeAnthropic';
import { modelDir } from '../../support/model';
import { SAMPLE_CSV } from '../../support/sample';

const ws = mkdtempSync(join(tmpdir(), 'tl-faults-'));
const runs = join(ws, '.ticket-lens', 'runs');
const base = join(ws, 'base');
const token = 'fault-suite-token-0123456789abcdef';
const KEY = 'sk-ant-test-0123456789abcdef';
const env = { TICKET_LENS_TOKEN: token, TICKET_LENS_CACHE: join(ws, 'cache') };
let fake: FakeAnthropic;

/** The files of a folder (one level) and their bytes. */
function snapshot(dir: string): Map<string, string> {
  return new Map(readdirSync(dir).sort().map((f) => [f, readFileSync(join(dir, f), 'latin1')]));
}

function tree(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? tree(join(dir, e.name)) : [join(dir, e.name)]))
    .sort();
}

/** The run folders the extension lists: VS Code's findFiles('**\/.ticket-lens/runs/*\/run.json'), whose `*` matches dot names too. */
function listedRuns(): string[] {
  return tree(ws)
    .filter((p) => /^(?:.*\/)?\.ticket-lens\/runs\/[^/]*\/run\.json$/.test(relative(ws, p).split('\\').join('/')))
    .map((p) => join(p, '..'));
}

const clustersIn = (dir: string) => ClustersFile.parse(JSON.parse(readFileSync(join(dir, 'clusters.json'), 'utf8'))).clusters;

function copyOfBase(name: string): string {
  const dir = join(runs, name);
  cpSync(base, dir, { recursive: true });
  return dir;
}

async function until(what: string, ok: () => boolean, timeoutMs = 120_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A server that stops at `point`; `paused` resolves when it is there. */
async function serverPausingAt(point: PausePoint): Promise<{ s: ServeProcess; client: ServerClient; paused: () => Promise<void>; kill: () => Promise<void> }> {
  const s = await spawnServe(['--model', modelDir(), '--device', 'cpu'], { ...env, TICKET_LENS_TEST_PAUSE_AT: point });
  const exited = new Promise<void>((r) => s.child.once('exit', () => r()));
  return {
    s,
    client: new ServerClient(`http://127.0.0.1:${s.port}`, token),
    paused: () => until(`the server to pause at ${point}`, () => s.stderr().includes(`TICKET_LENS_TEST_PAUSED ${point}`)),
    kill: async () => {
      s.child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Follows a job as the extension does (runJob over the typed client) and as a raw /events stream would. */
function follow(client: ServerClient, job: JobInfo) {
  const outcome: Promise<JobOutcome> = runJob(client, () => Promise.resolve(job), () => undefined, { isCancellationRequested: false });
  let connected!: () => void;
  const firstEvent = new Promise<void>((r) => (connected = r));
  const events = (async () => {
    const states: string[] = [];
    try {
      const res = await fetch(`${client.baseUrl}/jobs/${job.id}/events`, { headers: { authorization: `Bearer ${token}` } });
      const reader = res.body!.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        for (const m of new TextDecoder().decode(value).matchAll(/"state":"(\w+)"/g)) states.push(m[1]);
        if (states.length) connected();
      }
      return { states, ended: 'closed' };
    } catch (err) {
      return { states, ended: `error: ${(err as Error).message}` };
    }
  })();
  return { outcome, events, firstEvent };
}

/** A fresh server loads every listed run; returns them by folder. */
async function loadEveryRun(): Promise<Map<string, LoadedRun>> {
  const s = await spawnServe(['--model', modelDir(), '--device', 'cpu'], env);
  const client = new ServerClient(`http://127.0.0.1:${s.port}`, token);
  try {
    const loaded = new Map<string, LoadedRun>();
    for (const dir of listedRuns()) loaded.set(dir, await client.loadRun(dir));
    return loaded;
  } finally {
    const exited = new Promise((r) => s.child.once('exit', r));
    s.child.kill('SIGTERM');
    await exited;
  }
}

/** Nothing temporary left anywhere in the workspace's runs. */
function leftovers(): string[] {
  return tree(runs).filter((p) => /\.(?:tmp|tx)-\d+-[0-9a-f]{8}|ticket-lens-tmp|ticket-lens-commit/.test(p));
}

/** summary.md is the report of the run's other files: an update was applied whole. */
async function summaryMatchesFiles(dir: string): Promise<boolean> {
  const manifest = RunManifest.parse(JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')));
  return readFileSync(join(dir, 'summary.md'), 'utf8') === renderSummary(summaryOfRun(manifest, clustersIn(dir), await readMetrics(dir)));
}

const labelFieldsOf = (c: ClusterRecord) => [c.label, c.description, c.labelSource, c.suggestedCategory ?? null, c.suggestedPriority ?? null, c.labelConfidence ?? null];
const withoutLabels = (c: ClusterRecord) => ({ ...c, label: null, description: null, labelSource: null, suggestedCategory: null, suggestedPriority: null, labelConfidence: null });

beforeAll(async () => {
  const e = await loadEmbedder({ modelDir: modelDir(), device: 'cpu' });
  await runClusterPipeline({ csvPath: SAMPLE_CSV, textColumn: 'text', labelColumn: 'intent', outDir: base, params: ClusterParams.parse({ depth: 1 }) }, { embedder: e, log: silentLogger });
  await e.dispose();
  mkdirSync(runs, { recursive: true });
  fake = await startFakeAnthropic((q) => ({ kind: 'tool', input: labelFromPrompt(q), delayMs: 100 }));
});
afterAll(() => fake?.close());

describe('kill -9 in the middle of a write', () => {
  it('a cluster job writing its run folder: no run, nothing listed, the follower told it failed, the leftover removed', async () => {
    const untouched = copyOfBase('untouched');
    const before = snapshot(untouched);
    const srv = await serverPausingAt('run-write');
    const outDir = join(runs, 'new-run');
    const job = await srv.client.cluster({ csvPath: SAMPLE_CSV, textColumn: 'text', outDir, params: { depth: 1 } });
    const followers = follow(srv.client, job);
    await followers.firstEvent;
    await srv.paused();
    // Half-built (run.json and clusters.json written) yet not where runs are listed.
    expect(tree(runs).some((p) => p.endsWith('run.json') && p.includes('new-run'))).toBe(true);
    expect(listedRuns()).toEqual([untouched]);
    await srv.kill();

    const outcome = await followers.outcome;
    expect(outcome.ok).toBe(false);
    expect(!outcome.ok && outcome.message).toMatch(/not reachable/);
    const ev = await followers.events;
    // The stream was live (it saw the job running) and ended with the server, without an end state.
    expect(ev.states).toContain('running');
    expect(ev.states).not.toContain('succeeded');
    expect(ev.states).not.toContain('failed');
    await expect(srv.client.job(job.id)).rejects.toThrow(/not reachable/);

    const loaded = await loadEveryRun();
    expect([...loaded.keys()]).toEqual([untouched]);
    expect(existsSync(outDir)).toBe(false);
    expect(snapshot(untouched)).toEqual(before);
    expect(leftovers()).toEqual([]);
  });

  it('a label job saving a label: the save is finished on load (new state), the follower told it failed', async () => {
    const dir = copyOfBase('labelled');
    const before = clustersIn(dir);
    const srv = await serverPausingAt('run-commit');
    const job = await srv.client.label(dir, KEY, { baseURL: fake.url, concurrency: 1 });
    const followers = follow(srv.client, job);
    await followers.firstEvent;
    await srv.paused();
    // Killed mid-commit: clusters.json already replaced, summary.md not yet, the journal in place.
    expect(existsSync(join(dir, COMMIT_JOURNAL))).toBe(true);
    expect(await summaryMatchesFiles(dir)).toBe(false);
    await srv.kill();

    const outcome = await followers.outcome;
    expect(!outcome.ok && outcome.message).toMatch(/not reachable/);
    const ev = await followers.events;
    expect(ev.states).toContain('running');
    expect(ev.states).not.toContain('succeeded');
    expect(ev.states).not.toContain('failed');

    const loaded = await loadEveryRun();
    expect(loaded.has(dir)).toBe(true);
    const after = loaded.get(dir)!.clusters;
    // The new state of that one save: exactly one cluster labelled, nothing else changed, the summary rebuilt with it.
    expect(after.filter((c) => c.labelSource === 'llm')).toHaveLength(1);
    expect(after.map(withoutLabels)).toEqual(before.map(withoutLabels));
    expect(after.filter((c, i) => JSON.stringify(labelFieldsOf(c)) !== JSON.stringify(labelFieldsOf(before[i])))).toHaveLength(1);
    expect(await summaryMatchesFiles(dir)).toBe(true);
    expect(leftovers()).toEqual([]);
  });

  it('an edit committing a merge: the merge is finished on load, never half there', async () => {
    const dir = copyOfBase('merged');
    const [a, b] = clustersIn(dir).filter((c) => !c.isNoise);
    const srv = await serverPausingAt('run-commit');
    const edit = srv.client.editRun(dir, [{ op: 'merge', ids: [a.id, b.id] }]);
    const failed = edit.then(
      () => null,
      (e: unknown) => e,
    );
    await srv.paused();
    // The mix a crash would leave without a journal: clusters.json merged, assignments.csv not.
    expect(clustersIn(dir).some((c) => c.id === b.id)).toBe(false);
    expect((await readAssignments(dir)).some((r) => r.cluster === b.id)).toBe(true);
    await srv.kill();
    const err = await failed;
    expect(err).toBeInstanceOf(TicketLensError);
    expect((err as TicketLensError).message).toMatch(/not reachable/);

    const loaded = await loadEveryRun();
    const after = loaded.get(dir)!.clusters;
    expect(after.some((c) => c.id === b.id)).toBe(false);
    expect(after.find((c) => c.id === a.id)).toMatchObject({ size: a.size + b.size, mergedFrom: [b.id] });
    const rows = await readAssignments(dir);
    expect(rows.some((r) => r.cluster === b.id)).toBe(false);
    expect(rows.filter((r) => r.cluster === a.id)).toHaveLength(a.size + b.size);
    expect(await summaryMatchesFiles(dir)).toBe(true);
    expect(leftovers()).toEqual([]);
  });

  it('an edit killed before it commits: the old run, byte for byte', async () => {
    const dir = copyOfBase('staged');
    const before = snapshot(dir);
    const [a, b] = clustersIn(dir).filter((c) => !c.isNoise);
    const srv = await serverPausingAt('run-stage');
    const failed = srv.client.editRun(dir, [{ op: 'rename', id: a.id, label: 'Never saved' }, { op: 'merge', ids: [a.id, b.id] }]).then(
      () => null,
      (e: unknown) => e,
    );
    await srv.paused();
    expect(readdirSync(dir).filter((f) => f.includes('.tx-')).length).toBeGreaterThanOrEqual(3);
    await srv.kill();
    expect(await failed).toBeInstanceOf(TicketLensError);

    const loaded = await loadEveryRun();
    expect(loaded.get(dir)!.clusters.find((c) => c.id === a.id)?.label).not.toBe('Never saved');
    expect(snapshot(dir)).toEqual(before);
    expect(leftovers()).toEqual([]);
  });

  it('an export writing its CSV: no CSV, the run untouched, the temporary file removed', async () => {
    const dir = copyOfBase('exported');
    const [a, b] = clustersIn(dir).filter((c) => !c.isNoise);
    const srv = await serverPausingAt('export');
    await srv.client.editRun(dir, [
      { op: 'rename', id: a.id, label: 'Refunds' },
      { op: 'rename', id: b.id, label: 'Passwords' },
      { op: 'review', id: a.id, reviewed: true },
      { op: 'review', id: b.id, reviewed: true },
    ]);
    const before = snapshot(dir);
    const failed = srv.client.exportLabels({ runDir: dir }).then(
      () => null,
      (e: unknown) => e,
    );
    await srv.paused();
    expect(readdirSync(dir).some((f) => f.startsWith('.reviewed-labels.csv.tmp-'))).toBe(true);
    await srv.kill();
    expect(await failed).toBeInstanceOf(TicketLensError);

    const loaded = await loadEveryRun();
    expect(loaded.get(dir)!.clusters.find((c) => c.id === a.id)).toMatchObject({ label: 'Refunds', reviewed: true });
    expect(existsSync(join(dir, 'reviewed-labels.csv'))).toBe(false);
    expect(snapshot(dir)).toEqual(before);
    expect(leftovers()).toEqual([]);
  });
});

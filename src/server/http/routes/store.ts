/**
 * Ticket store routes: ingest a CSV into a store (a job: progress per committed batch; a cancel stops
 * it within a batch's embedding, keeping what was committed; running it again resumes), then assign the
 * dataset's new tickets to the latest run made from it (ingestAssign/); list a store's datasets with
 * that run and where the tickets since it went; and write a run's trends from the store (a job, as
 * `ticket-lens trends RUN --store`).
 *
 * The store is opened per request or job and closed after it: an embedded store is open in one process
 * at a time (its lock file), so a server that kept it open would lock the CLI out, and the CLI's ingest
 * would lock the server out. A listing waits briefly and then answers with the holder named; an ingest
 * job waits (its progress says for whom) until it can open it or is cancelled.
 *
 * A PostgreSQL connection string comes with each request, its password included: it is used for that
 * request only, and every message that could carry it (errors, the job's failure, the log) names the
 * server with the password replaced.
 *
 * Run folders are looked for beside an embedded store and in each allowed root's `.ticket-lens/runs`;
 * one found elsewhere (the store's runs table may name any folder) is used only inside the allowed roots.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  StoreDatasets,
  StoreDatasetsRequest,
  StoreIngestRequest,
  StoreTrendsRequest,
  TicketLensError,
  JobInfo,
  type JobProgress,
  type StoreDataset,
  type StoreIngestResult,
  type StoreLocation,
  type TrendsFile,
} from '../../../shared/api';
import type { AssignProgress } from '../../assign/assignRun';
import type { ServerContext } from '../../context';
import { datasetRunStatus, latestDatasetRun, runsDirsOf, type RunFolderCheck } from '../../ingestAssign/datasetRun';
import { ingestAndAssign } from '../../ingestAssign/ingestAndAssign';
import { defaultStoreDir, openStore, redactUrl, type IngestProgress, type Store } from '../../store';
import { DEFAULT_TREND_OPTIONS } from '../../trends/build';
import { computeTrends, saveTrends } from '../../trends/trends';
import { defineRoute } from '../route';

/** How long a listing waits for another process to close the embedded store before naming it. */
const LIST_LOCK_WAIT_MS = 2_000;

/** The request's store, its folder checked against the allowed roots. */
async function locate(store: StoreLocation | undefined, ctx: ServerContext): Promise<StoreLocation> {
  if (store && 'url' in store) return store;
  const dir = resolve(store?.dir ?? defaultStoreDir(ctx.config.allowedRoots?.[0] ?? process.cwd()));
  // Opening a store creates or writes its folder: an output, in the policy's terms.
  await ctx.paths.output(dir);
  return { dir };
}

/** The parts of a connection string that must not leave this request: its password and password-like parameters. */
function secretsOf(url: string): string[] {
  const out = new Set<string>();
  try {
    const u = new URL(url);
    if (u.password) {
      out.add(u.password);
      out.add(decodeURIComponent(u.password));
    }
    for (const [k, v] of u.searchParams) if (/pass/i.test(k) && v) out.add(v);
  } catch {
    const m = /\/\/[^:/@]*:([^@]*)@/.exec(url);
    if (m?.[1]) out.add(m[1]);
  }
  return [...out].sort((a, b) => b.length - a.length);
}

function scrub(text: string, url: string, secrets: readonly string[]): string {
  let t = text.split(url).join(redactUrl(url));
  for (const s of secrets) t = t.split(s).join('***');
  return t;
}

/** Any failure as a TicketLensError whose message and details hold no secret of the connection string. */
function redacted(err: unknown, location: StoreLocation): unknown {
  if (!('url' in location)) return err;
  const secrets = secretsOf(location.url);
  const code = err instanceof TicketLensError ? err.code : 'job_failed';
  const message = scrub(err instanceof Error ? err.message : String(err), location.url, secrets);
  const details = err instanceof TicketLensError && err.details ? (JSON.parse(scrub(JSON.stringify(err.details), location.url, secrets)) as Record<string, unknown>) : undefined;
  return new TicketLensError(code, err instanceof TicketLensError ? message : `The ticket store at ${redactUrl(location.url)} failed: ${message}`, details);
}

interface OpenHooks {
  lockTimeoutMs?: number;
  onWait?: (owner: string) => void;
  signal?: AbortSignal;
}

/** Opens the store for `use` and closes it after; a cancel while waiting for the store's lock ends at once. */
async function withStore<T>(location: StoreLocation, ctx: ServerContext, hooks: OpenHooks, use: (store: Store) => Promise<T>): Promise<T> {
  try {
    const opening = openStore(location, { log: ctx.log, lockTimeoutMs: hooks.lockTimeoutMs, onWait: hooks.onWait });
    let store: Store;
    const signal = hooks.signal;
    if (signal) {
      let onAbort: (() => void) | undefined;
      const aborted = new Promise<never>((_, reject) => {
        onAbort = () => reject(new TicketLensError('job_cancelled', 'The job was cancelled.'));
        if (signal.aborted) onAbort();
        else signal.addEventListener('abort', onAbort, { once: true });
      });
      try {
        store = await Promise.race([opening, aborted]);
      } catch (err) {
        // Opened after all (or still opening): closed once it has, so the lock is not kept.
        opening.then((s) => s.close()).catch(() => undefined);
        throw err;
      } finally {
        if (onAbort) signal.removeEventListener('abort', onAbort);
      }
    } else {
      store = await opening;
    }
    try {
      return await use(store);
    } finally {
      await store.close();
    }
  } catch (err) {
    throw redacted(err, location);
  }
}

/** Where this server looks for runs of a store's datasets. */
const runsDirs = (location: StoreLocation, ctx: ServerContext) => runsDirsOf(location, ctx.config.allowedRoots ?? [process.cwd()]);

/** A run folder the path policy lets this server read. */
const readable =
  (ctx: ServerContext): RunFolderCheck =>
  (dir) =>
    ctx.paths.runFolder(dir).then(
      () => true,
      () => false,
    );

async function listDatasets(store: StoreLocation | undefined, ctx: ServerContext): Promise<StoreDatasets> {
  const location = await locate(store, ctx);
  const kind = 'dir' in location ? 'embedded' : 'postgres';
  if ('dir' in location && !existsSync(location.dir)) return { store: location.dir, kind, exists: false, datasets: [] };
  return withStore(location, ctx, { lockTimeoutMs: LIST_LOCK_WAIT_MS }, async (s) => {
    const datasets: StoreDataset[] = [];
    for (const d of await s.datasets()) {
      const run = await latestDatasetRun(s, d.name, runsDirs(location, ctx), readable(ctx));
      datasets.push({ ...d, run: run ? await datasetRunStatus(s.engine, d.name, run) : null });
    }
    return { store: s.where, kind, exists: true, datasets };
  });
}

const stageNames: Record<IngestProgress['stage'], string> = {
  reading: 'reading the CSV',
  waiting: 'waiting for another ingest of this dataset',
  embedding: 'embedding and storing',
};

const assignProgress = (p: AssignProgress): JobProgress => ({ stage: `assigning new tickets: ${p.stage}`, ...(p.total !== undefined ? { done: p.done ?? 0, total: p.total } : {}) });

function jobProgress(p: IngestProgress): JobProgress {
  const counted = p.stage === 'embedding';
  return {
    stage: stageNames[p.stage],
    ...(counted ? { done: p.done, total: p.total } : {}),
    ...(p.batches ? { message: `${p.batches.done} of ${p.batches.total} batches committed` } : {}),
  };
}

export const storeRoutes = [
  defineRoute({
    method: 'POST',
    path: '/store/ingest',
    tag: 'store',
    summary:
      "Add a CSV's rows to a dataset of the ticket store with their vectors, then assign the dataset's new tickets to the latest run made from it, or to runDir, unless assign is false (a job: progress per committed batch; a cancel keeps the committed batches and the same request resumes)",
    body: StoreIngestRequest,
    response: JobInfo,
    status: 202,
    async handler({ body }, ctx) {
      const { store, assign, runDir, ...options } = body;
      if (options.csvPath !== null) await ctx.paths.inputFile(options.csvPath);
      if (assign && runDir !== null) await ctx.paths.runFolder(runDir);
      const location = await locate(store, ctx);
      return ctx.jobs.submit('ingest', async (job): Promise<StoreIngestResult> => {
        const onWait = (owner: string) => job.progress({ stage: 'waiting for the store', message: `in use by ${owner}` });
        return withStore(location, ctx, { onWait, signal: job.signal }, async (s) => {
          const embedder = await ctx.getEmbedder();
          return ingestAndAssign(
            s,
            embedder,
            options,
            { assign, runDir },
            { runsDirs: runsDirs(location, ctx), usable: readable(ctx) },
            { log: job.log, signal: job.signal, onProgress: (p) => job.progress(jobProgress(p)), onAssignProgress: (p) => job.progress(assignProgress(p)) },
          );
        });
      });
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/store/trends',
    tag: 'store',
    summary:
      "A run's trends from a dataset's stored tickets and where the run placed them, written to the run's trends.json and summary.md (a job, as ticket-lens trends RUN --store; its result is the trends)",
    body: StoreTrendsRequest,
    response: JobInfo,
    status: 202,
    async handler({ body }, ctx) {
      await ctx.paths.runFolder(body.runDir);
      const location = await locate(body.store, ctx);
      return ctx.jobs.submit('trends', async (job): Promise<TrendsFile> => {
        const onWait = (owner: string) => job.progress({ stage: 'waiting for the store', message: `in use by ${owner}` });
        const trends = await withStore(location, ctx, { onWait, signal: job.signal }, (s) => {
          job.progress({ stage: 'counting tickets per cluster' });
          return computeTrends(
            { runDir: body.runDir, store: { store: s, dataset: body.dataset }, options: { ...DEFAULT_TREND_OPTIONS, bucket: null, until: null } },
            { log: job.log, signal: job.signal, embedder: () => ctx.getEmbedder() },
          );
        });
        job.progress({ stage: 'writing trends.json and summary.md' });
        await saveTrends(body.runDir, trends);
        return trends;
      });
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/store/datasets',
    tag: 'store',
    summary: "A ticket store's datasets: source, columns, ticket and vector counts, date range, last ingest and model",
    body: StoreDatasetsRequest,
    response: StoreDatasets,
    handler: ({ body }, ctx) => listDatasets(body.store, ctx),
  }),
  defineRoute({
    method: 'GET',
    path: '/store/datasets',
    tag: 'store',
    summary: "The default ticket store's datasets (<first allowed root>/.ticket-lens/store); POST names another store",
    response: StoreDatasets,
    handler: (_input, ctx) => listDatasets(undefined, ctx),
  }),
];

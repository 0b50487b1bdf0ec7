/**
 * Ticket store routes: ingest a CSV into a store (a job: progress per committed batch; a cancel stops
 * it within a batch's embedding, keeping what was committed; running it again resumes) and list a
 * store's datasets.
 *
 * The store is opened per request or job and closed after it: an embedded store is open in one process
 * at a time (its lock file), so a server that kept it open would lock the CLI out, and the CLI's ingest
 * would lock the server out. A listing waits briefly and then answers with the holder named; an ingest
 * job waits (its progress says for whom) until it can open it or is cancelled.
 *
 * A PostgreSQL connection string comes with each request, its password included: it is used for that
 * request only, and every message that could carry it (errors, the job's failure, the log) names the
 * server with the password replaced.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { IngestResult, StoreDatasets, StoreDatasetsRequest, StoreIngestRequest, TicketLensError, JobInfo, type JobProgress, type StoreLocation } from '../../../shared/api';
import type { ServerContext } from '../../context';
import { defaultStoreDir, openStore, redactUrl, type IngestProgress, type Store } from '../../store';
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

async function listDatasets(store: StoreLocation | undefined, ctx: ServerContext): Promise<StoreDatasets> {
  const location = await locate(store, ctx);
  const kind = 'dir' in location ? 'embedded' : 'postgres';
  if ('dir' in location && !existsSync(location.dir)) return { store: location.dir, kind, exists: false, datasets: [] };
  return withStore(location, ctx, { lockTimeoutMs: LIST_LOCK_WAIT_MS }, async (s) => ({ store: s.where, kind, exists: true, datasets: await s.datasets() }));
}

const stageNames: Record<IngestProgress['stage'], string> = {
  reading: 'reading the CSV',
  waiting: 'waiting for another ingest of this dataset',
  embedding: 'embedding and storing',
  indexing: 'building the vector index',
};

function jobProgress(p: IngestProgress): JobProgress {
  const counted = p.stage === 'embedding' || p.stage === 'indexing';
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
      "Add a CSV's rows to a dataset of the ticket store with their vectors (a job: progress per committed batch; a cancel keeps the committed batches and the same request resumes)",
    body: StoreIngestRequest,
    response: JobInfo,
    status: 202,
    async handler({ body }, ctx) {
      const { store, ...options } = body;
      if (options.csvPath !== null) await ctx.paths.inputFile(options.csvPath);
      const location = await locate(store, ctx);
      return ctx.jobs.submit('ingest', async (job): Promise<IngestResult> => {
        const onWait = (owner: string) => job.progress({ stage: 'waiting for the store', message: `in use by ${owner}` });
        return withStore(location, ctx, { onWait, signal: job.signal }, async (s) => {
          const embedder = await ctx.getEmbedder();
          return s.ingest(embedder, options, { log: job.log, signal: job.signal, onProgress: (p) => job.progress(jobProgress(p)) });
        });
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

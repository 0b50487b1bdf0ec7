/**
 * An ingest, then its assign step (issue 13: new tickets into known clusters "automatically after an
 * ingest when a run exists"): the dataset's tickets ingested since the run was made that it has not
 * placed yet go to the run's clusters, noise or new/unassigned through `assignStore` — what
 * `ticket-lens assign RUN --store` does — with the vectors just stored. Shared by `ticket-lens ingest`
 * and the server's ingest job, so both choose the run and report the same way.
 *
 * The ingest is committed before assigning starts: an assign that fails (a run made with another model,
 * a run folder gone) leaves it stored and says why in the result; only a cancel ends the whole. When the
 * run has placed every stored ticket already (a repeated ingest), the model is not loaded for nothing.
 */
import { TicketLensError, type IngestAssignOptions, type IngestAssignment, type IngestOptions, type StoreIngestResult } from '../../shared/api';
import type { AssignProgress } from '../assign/assignRun';
import { assignStore } from '../assign/assignStore';
import type { Embedder } from '../embed/types';
import type { Logger } from '../log';
import { loadRun } from '../run/folder';
import type { IngestProgress, Store } from '../store';
import { ingest, type EmbedderSource } from '../store/ingest';
import { isSource } from '../store/ingest/embedderSource';
import { latestDatasetRun, unplacedSince, type FoundRun, type RunFolderCheck } from './datasetRun';

export interface IngestAndAssignHooks {
  log: Logger;
  signal?: AbortSignal;
  onProgress?: (p: IngestProgress) => void;
  onAssignProgress?: (p: AssignProgress) => void;
}

export interface RunLookup {
  /** Folders whose run folders are read for runs made from the dataset (datasetRun.ts). */
  runsDirs: readonly string[];
  /** The server's path policy for a run folder found there or in the store's runs table. */
  usable?: RunFolderCheck;
}

/** A named run, read before the ingest so a wrong folder fails before anything is stored. */
async function namedRun(runDir: string): Promise<FoundRun> {
  const run = await loadRun(runDir);
  return { runDir: run.runDir, manifest: run.manifest };
}

const isCancel = (err: unknown, signal: AbortSignal | undefined) => signal?.aborted === true || (err instanceof TicketLensError && err.code === 'job_cancelled');

export async function ingestAndAssign(
  store: Store,
  embedder: Embedder | EmbedderSource,
  options: IngestOptions,
  assign: IngestAssignOptions,
  lookup: RunLookup,
  hooks: IngestAndAssignHooks,
): Promise<StoreIngestResult> {
  const wanted = assign.assign !== false;
  const named = wanted && assign.runDir ? await namedRun(assign.runDir) : null;
  const result = await ingest(store.engine, embedder, options, { log: hooks.log, signal: hooks.signal, onProgress: hooks.onProgress });
  const dataset = result.dataset;
  let assignment: IngestAssignment;
  if (!wanted) {
    assignment = { status: 'skipped', reason: 'off', runDir: null, message: 'not assigned (asked not to)' };
  } else {
    const run = named ?? (await latestDatasetRun(store, dataset, lookup.runsDirs, lookup.usable));
    if (!run) {
      assignment = {
        status: 'skipped',
        reason: 'no-run',
        runDir: null,
        message: `no run made from dataset "${dataset}" yet, so nothing was assigned (ticket-lens cluster --store --dataset ${dataset})`,
      };
    } else {
      assignment = await assignTo(store, embedder, dataset, run, named !== null, hooks);
    }
  }
  return { ...result, assignment };
}

async function assignTo(store: Store, given: Embedder | EmbedderSource, dataset: string, run: FoundRun, named: boolean, hooks: IngestAndAssignHooks): Promise<IngestAssignment> {
  try {
    if ((await unplacedSince(store.engine, dataset, run)).withVector === 0) {
      return { status: 'skipped', reason: 'nothing-new', runDir: run.runDir, message: `run ${run.manifest.id} has placed every ticket stored since it was made; nothing new to assign` };
    }
    const embedder = isSource(given) ? await given.load() : given;
    const r = await assignStore(store, { runDir: run.runDir, dataset, since: null }, { embedder, log: hooks.log, signal: hooks.signal, progress: hooks.onAssignProgress });
    const { rows: _rows, dataset: _dataset, ...counts } = r;
    return { ...counts, status: 'assigned', runId: run.manifest.id, runCreatedAt: run.manifest.createdAt, chosen: named ? 'named' : 'latest' };
  } catch (err) {
    if (isCancel(err, hooks.signal)) throw err;
    return { status: 'failed', runDir: run.runDir, message: err instanceof Error ? err.message : String(err) };
  }
}

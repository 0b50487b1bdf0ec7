/**
 * `ticket-lens assign RUN --store`: the dataset's tickets ingested since the run was made (or since a
 * day) that the run has not placed yet, assigned with the vectors the store holds (nothing is
 * embedded again; members too come from the store where their texts are stored), and written to the
 * store's assignments table.
 */
import type { AssignResult, AssignedRow } from '../../shared/api';
import type { Store } from '../store';
import { membersAssigner } from './calibrationCache';
import type { AssignDeps } from './assignRun';
import { summarise } from './assignRun';
import { assertRunEmbedding, embedTexts, runMembers } from './runMembers';
import { pendingTickets, saveAssignments, storedVectorsOf, storeRun } from './storeAssignments';
import { loadRun } from '../run/folder';
import { TicketLensError } from '../../shared/api';
import { embedderText, runNormalized } from '../text/normalize';

export interface AssignStoreInput {
  runDir: string;
  /** Default: the store's only dataset. */
  dataset: string | null;
  /** Tickets ingested at or after this instant (epoch ms); default: when the run was made. */
  since: number | null;
}

export interface AssignStoreResult extends AssignResult {
  dataset: string;
  /** Due tickets left out because they have no vector yet. */
  withoutVector: number;
  rows: AssignedRow[];
}

async function datasetOf(store: Store, asked: string | null): Promise<string> {
  if (asked) return asked;
  const all = await store.datasets();
  if (all.length === 1) return all[0].name;
  throw new TicketLensError('bad_input', all.length === 0 ? `The ticket store at ${store.where} has no datasets; ingest one first (ticket-lens ingest).` : `The ticket store at ${store.where} has ${all.length} datasets (${all.map((d) => d.name).join(', ')}); name one with --dataset.`);
}

export async function assignStore(store: Store, input: AssignStoreInput, deps: AssignDeps): Promise<AssignStoreResult> {
  const started = Date.now();
  const e = deps.embedder;
  const run = await loadRun(input.runDir);
  await assertRunEmbedding(run, e);
  const dataset = await datasetOf(store, input.dataset);
  // The embedder was checked against the run: the dataset's model is the run's if it knows either build.
  const r = await storeRun(store, run, dataset, (hashes) => hashes.includes(run.manifest.model.hash) || hashes.includes(e.info.modelHash));
  const since = input.since ?? Date.parse(run.manifest.createdAt);
  deps.progress?.({ stage: 'reading stored tickets' });
  const due = await pendingTickets(store.engine, r, since, e.info.dim);
  if (due.withoutVector > 0) deps.log.warn(`${due.withoutVector} tickets of "${dataset}" have no vector yet and were left for later (ticket-lens ingest --embeddings-only --dataset ${dataset}).`);
  const known = storedVectorsOf(store.engine, r, e.info.dim);
  // A run the store's tickets are assigned to keeps its members (assign-members.bin): the next assign reads no vectors from the store.
  const members = await runMembers(input.runDir, e, { signal: deps.signal, known, keep: true, log: deps.log, onProgress: (done, total) => deps.progress?.({ stage: "embedding the run's members", done, total }) });
  deps.progress?.({ stage: 'calibrating thresholds' });
  const assigner = await membersAssigner(members, e, { ...deps.options, signal: deps.signal }, deps.log);
  deps.progress?.({ stage: 'assigning', done: 0, total: due.pks.length });
  // The stored vectors are of the original texts; a run made with normalisation compares normalised ones.
  const vectors = runNormalized(run.manifest.params) ? await embedTexts(e, due.texts.map((t) => embedderText(t, true)), { signal: deps.signal }) : due.vectors;
  const out = await assigner.assign(members.toRunSpace(vectors), due.pks.length, deps.signal);
  deps.progress?.({ stage: 'saving assignments' });
  await saveAssignments(
    store,
    r,
    out.map((a, i) => ({ pk: due.pks[i], cluster: a.cluster, probability: a.probability })),
  );
  const rows: AssignedRow[] = out.map((a, i) => ({
    row: Math.max(1, due.rows[i]),
    line: Math.max(1, due.lines[i]),
    id: due.ids[i],
    date: Number.isNaN(due.dates[i]) ? null : new Date(due.dates[i]).toISOString(),
    text: due.texts[i],
    ...a,
  }));
  const summary = summarise(input.runDir, members.texts.length, assigner, out, `the ticket store at ${store.where}, dataset "${dataset}"`, (Date.now() - started) / 1000);
  return { ...summary, dataset, withoutVector: due.withoutVector, rows };
}

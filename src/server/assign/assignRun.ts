/**
 * `ticket-lens assign RUN --csv new.csv`: the run's members and thresholds (runMembers.ts,
 * assigner.ts), the new tickets embedded (cache first) and mapped into the run's space, each given a
 * cluster path or new/unassigned, written to assigned.csv.
 */
import { resolve } from 'node:path';
import { topLevelPath, type AssignResult, type AssignedRow, type TicketAssignment } from '../../shared/api';
import type { Embedder } from '../embed/types';
import type { Logger } from '../log';
import type { AssignOptions, Assigner } from './assigner';
import { writeAssigned } from './assignedCsv';
import { membersAssigner } from './calibrationCache';
import { readNewTickets } from './csvTickets';
import { embedderText, runNormalized } from '../text/normalize';
import { embedTexts, runMembers, type KnownVectors, type RunMembers } from './runMembers';

export interface AssignProgress {
  stage: string;
  done?: number;
  total?: number;
}

export interface AssignDeps {
  embedder: Embedder;
  log: Logger;
  signal?: AbortSignal;
  progress?: (p: AssignProgress) => void;
  /** Vectors the store already has, by text (members and new tickets). */
  known?: KnownVectors;
  options?: AssignOptions;
}

/** The run's members and its assigner, ready for any number of batches. */
export async function prepareRun(runDir: string, deps: AssignDeps): Promise<{ members: RunMembers; assigner: Assigner }> {
  deps.progress?.({ stage: "embedding the run's members" });
  const members = await runMembers(runDir, deps.embedder, {
    signal: deps.signal,
    known: deps.known,
    log: deps.log,
    onProgress: (done, total) => deps.progress?.({ stage: "embedding the run's members", done, total }),
  });
  deps.progress?.({ stage: 'calibrating thresholds' });
  const assigner = await membersAssigner(members, deps.embedder, { ...deps.options, signal: deps.signal }, deps.log);
  const t = Object.values(assigner.calibration.thresholds);
  deps.log.info(`run ${members.run.manifest.id}: ${members.texts.length} unique texts; far-from-cluster thresholds ${Math.min(...t).toFixed(2)}–${Math.max(...t).toFixed(2)} (cosine) over ${t.length} top-level places`);
  return { members, assigner };
}

/** Texts → assignments in the run's space. */
export async function assignTexts(prepared: { members: RunMembers; assigner: Assigner }, texts: readonly string[], deps: AssignDeps): Promise<TicketAssignment[]> {
  deps.progress?.({ stage: 'embedding new tickets', done: 0, total: texts.length });
  // A run made with normalisation compares normalised texts (and the store's vectors are of original ones).
  const normalized = runNormalized(prepared.members.run.manifest.params);
  const raw = await embedTexts(deps.embedder, texts.map((t) => embedderText(t, normalized)), { signal: deps.signal, known: normalized ? undefined : deps.known, onProgress: (done, total) => deps.progress?.({ stage: 'embedding new tickets', done, total }) });
  deps.progress?.({ stage: 'assigning' });
  return prepared.assigner.assign(prepared.members.toRunSpace(raw), texts.length, deps.signal);
}

export function summarise(runDir: string, members: number, assigner: Assigner, out: readonly TicketAssignment[], output: string, seconds: number): AssignResult {
  const by = new Map<string, number>();
  for (const a of out) {
    const k = a.cluster === null ? 'new' : topLevelPath(a.cluster);
    by.set(k, (by.get(k) ?? 0) + 1);
  }
  return {
    runDir: resolve(runDir),
    tickets: out.length,
    assigned: out.filter((a) => a.status === 'assigned').length,
    noise: out.filter((a) => a.status === 'noise').length,
    new: out.filter((a) => a.status === 'new').length,
    byCluster: [...by].map(([cluster, tickets]) => ({ cluster, tickets })).sort((a, b) => b.tickets - a.tickets || (a.cluster < b.cluster ? -1 : 1)),
    members,
    calibration: assigner.calibration,
    output,
    seconds: Number(seconds.toFixed(2)),
  };
}

export interface AssignCsvInput {
  runDir: string;
  csvPath: string;
  textColumn: string;
  idColumn?: string | null;
  dateColumn?: string | null;
  outPath: string;
}

export async function assignCsv(input: AssignCsvInput, deps: AssignDeps): Promise<AssignResult> {
  const started = Date.now();
  deps.progress?.({ stage: 'reading CSV' });
  // The CSV first: a bad date or a missing column is reported before any embedding.
  const t = await readNewTickets(input.csvPath, { textColumn: input.textColumn, idColumn: input.idColumn, dateColumn: input.dateColumn, signal: deps.signal, log: deps.log });
  const prepared = await prepareRun(input.runDir, deps);
  const out = await assignTexts(prepared, t.texts, deps);
  const rows: AssignedRow[] = out.map((a, i) => ({
    row: t.rows[i],
    line: t.lines[i],
    id: t.ids[i],
    date: Number.isNaN(t.dates[i]) ? null : new Date(t.dates[i]).toISOString(),
    text: t.texts[i],
    ...a,
  }));
  deps.progress?.({ stage: 'writing' });
  await writeAssigned(input.outPath, rows);
  return summarise(input.runDir, prepared.members.texts.length, prepared.assigner, out, resolve(input.outPath), (Date.now() - started) / 1000);
}

/**
 * `ticket-lens trends RUN`: the run's dated tickets from every source given (sources.ts), counted and
 * compared (build.ts), saved as the run's trends.json with a Trends section in its summary.md.
 */
import { basename } from 'node:path';
import { TicketLensError, TRENDS_JSON, type TrendsFile } from '../../shared/api';
import type { Embedder } from '../embed/types';
import type { Logger } from '../log';
import { readAssignments } from '../run/assignmentsCsv';
import { commitRunFiles } from '../run/commit';
import { withRunRead } from '../run/folder';
import { readMetrics } from '../run/metricsJson';
import { renderSummary, SUMMARY_MD, summaryOfRun } from '../run/summaryMd';
import type { Store } from '../store';
import { buildTrends, type TrendOptions } from './build';
import { assignedRows, runRows, storeRows, type TrendTicket } from './sources';
import { trendsText } from './trendsJson';

export interface TrendsInput {
  runDir: string;
  /** Date the run's own rows by this column of the CSV it was made from. */
  dateColumn?: string | null;
  /** Assigned-tickets CSVs (ticket-lens assign --csv --date-column). */
  assigned?: readonly string[];
  /** A store dataset (null: the store's only one). */
  store?: { store: Store; dataset: string | null } | null;
  options: TrendOptions;
}

export interface TrendsDeps {
  log: Logger;
  /** Loaded only if new tickets need embedding for emerging topics. */
  embedder: (() => Promise<Embedder>) | null;
  signal?: AbortSignal;
}

async function datasetOf(store: Store, asked: string | null): Promise<string> {
  if (asked) return asked;
  const all = await store.datasets();
  if (all.length === 1) return all[0].name;
  throw new TicketLensError('bad_input', `The ticket store at ${store.where} has ${all.length} datasets${all.length ? ` (${all.map((d) => d.name).join(', ')})` : ''}; name one with --dataset.`);
}

export async function computeTrends(input: TrendsInput, deps: TrendsDeps): Promise<TrendsFile> {
  if (!input.dateColumn && !input.assigned?.length && !input.store) {
    throw new TicketLensError('bad_input', "Trends need dated tickets: --date-column (a column of the run's CSV), --assigned FILE (ticket-lens assign --date-column …) or --store.");
  }
  const { run, assignments } = await withRunRead(input.runDir, async (r) => ({ run: r, assignments: await readAssignments(r.runDir) }));
  const tickets: TrendTicket[] = [];
  const sources: string[] = [];
  if (input.dateColumn) {
    const rows = await runRows(run, assignments, input.dateColumn, deps.signal);
    tickets.push(...rows);
    sources.push(`the run's ${rows.length} rows, dated by column "${input.dateColumn}" of ${basename(run.manifest.input.path)}`);
  }
  for (const path of input.assigned ?? []) {
    const rows = await assignedRows(path);
    tickets.push(...rows);
    sources.push(`${rows.length} assigned tickets in ${basename(path)}`);
  }
  if (input.store) {
    const dataset = await datasetOf(input.store.store, input.store.dataset);
    const r = await storeRows(input.store.store, dataset, run, assignments);
    tickets.push(...r.tickets);
    sources.push(`${r.tickets.length} tickets of dataset "${dataset}" in the ticket store`);
    if (r.unplaced > 0) deps.log.warn(`${r.unplaced} tickets of "${dataset}" are not placed in run ${run.manifest.id} yet and were left out; run ticket-lens assign ${input.runDir} --store first.`);
  }
  return buildTrends(run, tickets, sources, input.options, deps.embedder, deps.signal);
}

/**
 * Writes trends.json into the run and rebuilds its summary.md with the Trends section, in one commit
 * under the run's lock (run/commit.ts), so the report never shows trends other than the file's.
 */
export function saveTrends(runDir: string, trends: TrendsFile): Promise<void> {
  return withRunRead(runDir, async (run) => {
    const summary = renderSummary(summaryOfRun(run.manifest, run.clusters, await readMetrics(run.runDir), trends));
    await commitRunFiles(run.runDir, [
      { name: TRENDS_JSON, data: trendsText(trends) },
      { name: SUMMARY_MD, data: summary },
    ]);
  });
}

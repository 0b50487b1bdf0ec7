/**
 * The dated tickets trends are counted from, wherever they were placed in the run:
 *  - the run's own rows, dated by a column of the CSV it was made from (each row's text checked
 *    against the run's, so a file edited since the run is refused rather than miscounted);
 *  - assigned-tickets CSVs (`ticket-lens assign --csv … --date-column …`);
 *  - a store dataset: its tickets with where the run placed them (the store's assignments table, else
 *    the run's own row of the same text), for those that have a created-at.
 * A ticket far from every cluster (assigned `new`) is a candidate for an emerging topic.
 */
import { isTopLevelNoise, TicketLensError, type AssignmentRow, type AssignStatus, type LoadedRun } from '../../shared/api';
import { readAssigned } from '../assign/assignedCsv';
import { readCsv } from '../data/csv';
import { parseDateColumn } from '../store/ingest/dates';
import { STORE_DIM, type Store } from '../store';
import { requireDataset } from '../store/vectors';
import { decodeVector, vectorSelect } from '../store/vectorCodec';

export interface TrendTicket {
  /** Epoch ms; NaN when undated. */
  at: number;
  cluster: string | null;
  /** `fit`: one of the run's own rows; else how assign placed it. */
  status: 'fit' | AssignStatus;
  text: string;
  row: number | null;
  /** The stored vector (raw model space), for a candidate read from the store. */
  vector?: Float32Array;
}

/** A ticket an emerging topic may be made of (emerging.ts says why `noise` is not one). */
export const isCandidate = (t: TrendTicket) => t.status === 'new';

/** The run's rows dated by `column` of its input CSV. */
export async function runRows(run: LoadedRun, assignments: readonly AssignmentRow[], column: string, signal?: AbortSignal): Promise<TrendTicket[]> {
  const path = run.manifest.input.path;
  const table = await readCsv(path, { textColumn: run.manifest.input.textColumn, columns: [column], signal });
  const dates = parseDateColumn(
    table.records.map((r) => ({ row: r.row, value: r.fields[column] })),
    path,
    column,
  );
  const byRow = new Map(table.records.map((r, i) => [r.row, { text: r.text, at: dates[i] }]));
  return assignments.map((a) => {
    const rec = byRow.get(a.row);
    if (!rec || rec.text !== a.text) {
      throw new TicketLensError('bad_input', `${path} has changed since run ${run.manifest.id} was made (row ${a.row} ${rec ? 'holds another text' : 'is gone'}); date the run's rows from the file it was made from.`, { path, row: a.row });
    }
    return { at: rec.at, cluster: a.cluster, status: 'fit' as const, text: a.text, row: a.row };
  });
}

/** The tickets of assigned-tickets CSVs. */
export async function assignedRows(path: string): Promise<TrendTicket[]> {
  return (await readAssigned(path)).map((a) => ({ at: a.date === null ? Number.NaN : Date.parse(a.date), cluster: a.cluster, status: a.status, text: a.text, row: a.row }));
}

/** A store dataset's tickets with where the run placed them; `unplaced` counts those it has not (assign them first). */
export async function storeRows(store: Store, dataset: string, run: LoadedRun, assignments: readonly AssignmentRow[]): Promise<{ tickets: TrendTicket[]; unplaced: number }> {
  const d = await requireDataset(store.engine, dataset, store.where);
  const rows = await store.engine.query<{ text: string; created_ms: number | null; source_row: number; cluster_path: string | null; source: string | null; v: string | null }>(
    `SELECT t.text, (extract(epoch FROM t.created_at) * 1000)::float8 AS created_ms, t.source_row, a.cluster_path, a.source,
       CASE WHEN a.source = 'assign' AND a.cluster_path IS NULL THEN ${vectorSelect('e.embedding')} END AS v
     FROM tickets t
     LEFT JOIN assignments a ON a.run_id = $2 AND a.ticket_pk = t.pk
     LEFT JOIN embeddings e ON e.ticket_pk = t.pk AND e.model_id = $3 AND e.content_hash = t.content_hash
     WHERE t.dataset_id = $1
     ORDER BY t.pk`,
    [d.id, run.manifest.id, d.modelId],
  );
  const fitPath = new Map(assignments.map((a) => [a.text, a.cluster]));
  const tickets: TrendTicket[] = [];
  let unplaced = 0;
  for (const r of rows) {
    const at = r.created_ms ?? Number.NaN;
    const row = r.source_row > 0 ? r.source_row : null;
    if (r.source !== null) {
      const status: TrendTicket['status'] = r.source === 'fit' ? 'fit' : r.cluster_path === null ? 'new' : isTopLevelNoise(r.cluster_path) ? 'noise' : 'assigned';
      let vector: Float32Array | undefined;
      if (r.v !== null) decodeVector(r.v, (vector = new Float32Array(STORE_DIM)), 0, STORE_DIM);
      tickets.push({ at, cluster: r.cluster_path, status, text: r.text, row, vector });
    } else if (fitPath.has(r.text)) {
      tickets.push({ at, cluster: fitPath.get(r.text)!, status: 'fit', text: r.text, row });
    } else {
      unplaced++;
    }
  }
  return { tickets, unplaced };
}

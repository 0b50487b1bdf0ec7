/**
 * The ticket store's side of assigning (tables runs, assignments; store/migrations/0001_initial.ts):
 * which stored tickets a run has not placed yet, their vectors, the vectors the store already has for
 * a run's member texts, and where each ticket went. Every query goes through the store's SqlEngine, so
 * both engines run the same SQL.
 */
import { TicketLensError, type LoadedRun } from '../../shared/api';
import { contentHash } from '../store/ingest/readRows';
import { modelById } from '../store/models';
import type { SqlRunner, Store } from '../store';
import { requireDataset } from '../store/vectors';
import { decodeVector, vectorSelect } from '../store/vectorCodec';
import type { KnownVectors } from './runMembers';

export interface StoreRun {
  runId: string;
  datasetId: number;
  modelId: number;
}

/** Epoch ms for a SQL timestamp parameter both drivers pass as text. */
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The run's row in the store (made if absent: a run clustered from a CSV gets one the first time its
 * clusters receive stored tickets). A row of the same id for another dataset is refused rather than mixed.
 */
export async function storeRun(store: Store, run: LoadedRun, dataset: string, sameModel: (hashes: readonly string[]) => boolean): Promise<StoreRun> {
  const d = await requireDataset(store.engine, dataset, store.where);
  const model = await modelById(store.engine, d.modelId);
  if (!model || !sameModel(model.hashes)) {
    const m = run.manifest.model;
    throw new TicketLensError(
      'bad_input',
      `Dataset "${dataset}" holds vectors of ${model ? `${model.modelId} (ONNX sha256 ${model.hashes[0]?.slice(0, 12)}…)` : 'an unknown model'}, but run ${run.manifest.id} was made with ${m.id} (ONNX sha256 ${m.hash.slice(0, 12)}…); ` +
        'ingest the dataset with the run\'s model (ticket-lens ingest --embeddings-only --model …) or cluster the dataset again.',
      { dataset, run: run.manifest.id },
    );
  }
  const runId = run.manifest.id;
  return store.engine.transaction(async (tx) => {
    const [have] = await tx.query<{ dataset_id: number; folder: string | null }>('SELECT dataset_id, folder FROM runs WHERE id = $1', [runId]);
    if (have && have.dataset_id !== d.id) {
      throw new TicketLensError('bad_input', `The ticket store already has a run "${runId}" of another dataset${have.folder ? ` (${have.folder})` : ''}; its assignments are not mixed with dataset "${dataset}".`, { run: runId, dataset });
    }
    if (!have) {
      await tx.query('INSERT INTO runs (id, dataset_id, model_id, folder, params, created_at) VALUES ($1, $2, $3, $4, $5::jsonb, $6)', [
        runId,
        d.id,
        d.modelId,
        run.runDir,
        JSON.stringify(run.manifest.params),
        run.manifest.createdAt,
      ]);
    }
    return { runId, datasetId: d.id, modelId: d.modelId };
  });
}

export interface PendingTickets {
  pks: number[];
  ids: string[];
  texts: string[];
  /** Epoch ms; NaN when undated. */
  dates: Float64Array;
  rows: number[];
  lines: number[];
  /** Raw model vectors, row-major. */
  vectors: Float32Array;
  /** Tickets that would be due but have no vector of their current text yet. */
  withoutVector: number;
}

/**
 * Tickets of the run's dataset ingested at or after `since` (epoch ms) that the run has not placed, and
 * tickets assign placed that an ingest changed since (an edited text is another ticket to place), with
 * their vectors.
 */
export async function pendingTickets(db: SqlRunner, r: StoreRun, since: number, dim: number): Promise<PendingTickets> {
  const rows = await db.query<{ pk: number; ticket_id: string; text: string; created_ms: number | null; source_row: number; source_line: number; v: string | null }>(
    `SELECT t.pk::int AS pk, t.ticket_id, t.text, (extract(epoch FROM t.created_at) * 1000)::float8 AS created_ms, t.source_row, t.source_line, ${vectorSelect('e.embedding')} AS v
     FROM tickets t
     LEFT JOIN embeddings e ON e.ticket_pk = t.pk AND e.model_id = $2 AND e.content_hash = t.content_hash
     LEFT JOIN assignments a ON a.run_id = $3 AND a.ticket_pk = t.pk
     WHERE t.dataset_id = $1 AND ((a.ticket_pk IS NULL AND t.ingested_at >= $4::timestamptz) OR (a.source = 'assign' AND t.updated_at > a.assigned_at))
     ORDER BY t.pk`,
    [r.datasetId, r.modelId, r.runId, iso(since)],
  );
  const withVector = rows.filter((x) => x.v !== null);
  const out: PendingTickets = {
    pks: [],
    ids: [],
    texts: [],
    dates: new Float64Array(withVector.length),
    rows: [],
    lines: [],
    vectors: new Float32Array(withVector.length * dim),
    withoutVector: rows.length - withVector.length,
  };
  withVector.forEach((x, i) => {
    out.pks.push(x.pk);
    out.ids.push(x.ticket_id);
    out.texts.push(x.text);
    out.dates[i] = x.created_ms ?? Number.NaN;
    out.rows.push(x.source_row);
    out.lines.push(x.source_line);
    decodeVector(x.v!, out.vectors, i, dim);
  });
  return out;
}

/** The store's vectors of texts of the run's dataset (matched by content hash), so members need no embedding. */
export function storedVectorsOf(db: SqlRunner, r: StoreRun, dim: number): KnownVectors {
  return async (texts) => {
    const hashes = texts.map(contentHash);
    const found = new Map<string, Float32Array>();
    const rows = await db.query<{ h: string; v: string }>(
      `SELECT DISTINCT ON (t.content_hash) t.content_hash AS h, ${vectorSelect('e.embedding')} AS v
       FROM tickets t JOIN embeddings e ON e.ticket_pk = t.pk AND e.model_id = $2 AND e.content_hash = t.content_hash
       WHERE t.dataset_id = $1 AND t.content_hash = ANY($3::text[])`,
      [r.datasetId, r.modelId, [...new Set(hashes)]],
    );
    for (const x of rows) {
      const v = new Float32Array(dim);
      decodeVector(x.v, v, 0, dim);
      found.set(x.h, v);
    }
    return hashes.map((h) => found.get(h) ?? null);
  };
}

/** Writes (or replaces) where each ticket went, source 'assign', in one transaction. */
export async function saveAssignments(store: Store, r: StoreRun, items: readonly { pk: number; cluster: string | null; probability: number }[]): Promise<void> {
  const BATCH = 5000;
  await store.engine.transaction(async (tx) => {
    for (let i = 0; i < items.length; i += BATCH) {
      const json = JSON.stringify(items.slice(i, i + BATCH).map((x) => ({ pk: x.pk, cluster_path: x.cluster, probability: x.probability })));
      await tx.query(
        `INSERT INTO assignments (run_id, ticket_pk, cluster_path, probability, source)
         SELECT $1, x.pk, x.cluster_path, x.probability, 'assign'
         FROM json_to_recordset($2::json) AS x(pk bigint, cluster_path text, probability real)
         ON CONFLICT (run_id, ticket_pk) DO UPDATE SET cluster_path = EXCLUDED.cluster_path, probability = EXCLUDED.probability, source = EXCLUDED.source, assigned_at = now()`,
        [r.runId, json],
      );
    }
  });
}

/**
 * Reading vectors back: a dataset's (or a date range of it) as one matrix for clustering, and the
 * nearest stored tickets of a vector through the HNSW index for assigning new ones.
 */
import { TicketLensError } from '../../shared/api';
import type { Logger } from '../log';
import { getDataset, type DatasetRow } from './datasets';
import { STORE_DIM } from './dim';
import type { SqlEngine, SqlRunner } from './engine';
import { decodeVector, vectorSelect, vectorText } from './vectorCodec';
import { ensureVectorIndex } from './vectorIndex';

export interface StoredVectors {
  dataset: string;
  dim: number;
  /** Row-major, ids.length × dim, L2-normalised as the embedder made them. */
  vectors: Float32Array;
  ids: string[];
  texts: string[];
  /** Epoch ms per ticket; NaN for an undated one. */
  dates: Float64Array;
  /** The CSV row and line each ticket was last read from. */
  rows: Int32Array;
  lines: Int32Array;
}

/** [start, end): epoch ms or ISO strings; either may be absent. */
export interface DateRange {
  start?: number | string | Date;
  end?: number | string | Date;
}

const toIso = (t: number | string | Date | undefined) => (t === undefined ? null : new Date(t).toISOString());

export async function requireDataset(db: SqlRunner, name: string, where: string): Promise<DatasetRow & { modelId: number }> {
  const d = await getDataset(db, name);
  if (!d) throw new TicketLensError('not_found', `The ticket store at ${where} has no dataset "${name}".`, { dataset: name });
  if (d.modelId === null) throw new TicketLensError('not_found', `Dataset "${name}" has no vectors yet; ingest it first.`, { dataset: name });
  return { ...d, modelId: d.modelId };
}

/**
 * The dataset's tickets that have a vector of their current text under the dataset's model, in the order
 * they were first stored; with a range, only tickets dated within it (undated ones are left out).
 */
export async function readVectors(engine: SqlEngine, dataset: string, range: DateRange = {}): Promise<StoredVectors> {
  const d = await requireDataset(engine, dataset, engine.where);
  const ranged = range.start !== undefined || range.end !== undefined;
  const rows = await engine.query<{ ticket_id: string; text: string; created_ms: number | null; source_row: number; source_line: number; v: string }>(
    `SELECT t.ticket_id, t.text, round(extract(epoch FROM t.created_at) * 1000)::float8 AS created_ms, t.source_row, t.source_line, ${vectorSelect('e.embedding')} AS v
     FROM tickets t JOIN embeddings e ON e.ticket_pk = t.pk AND e.model_id = $2 AND e.content_hash = t.content_hash
     WHERE t.dataset_id = $1
       AND (NOT $5::boolean OR t.created_at IS NOT NULL)
       AND ($3::timestamptz IS NULL OR t.created_at >= $3) AND ($4::timestamptz IS NULL OR t.created_at < $4)
     ORDER BY t.pk`,
    [d.id, d.modelId, toIso(range.start), toIso(range.end), ranged],
  );
  const n = rows.length;
  const out: StoredVectors = {
    dataset,
    dim: STORE_DIM,
    vectors: new Float32Array(n * STORE_DIM),
    ids: new Array<string>(n),
    texts: new Array<string>(n),
    dates: new Float64Array(n),
    rows: new Int32Array(n),
    lines: new Int32Array(n),
  };
  rows.forEach((r, i) => {
    decodeVector(r.v, out.vectors, i, STORE_DIM);
    out.ids[i] = r.ticket_id;
    out.texts[i] = r.text;
    out.dates[i] = r.created_ms ?? Number.NaN;
    out.rows[i] = r.source_row;
    out.lines[i] = r.source_line;
  });
  return out;
}

export interface Neighbour {
  id: string;
  /** Cosine distance (1 − cosine similarity). */
  distance: number;
}

/** pgvector ≥ 0.8 keeps scanning the index past ef_search until the LIMIT is met (older ones stop there). */
async function iterativeScan(db: SqlRunner): Promise<boolean> {
  const [r] = await db.query<{ v: string | null }>(`SELECT extversion AS v FROM pg_extension WHERE extname = 'vector'`);
  const [major, minor] = (r?.v ?? '0.0').split('.').map(Number);
  return major > 0 || minor >= 8;
}

/**
 * The k-nearest query: the HNSW index can only serve an ORDER BY over `embeddings` alone, so the
 * subquery orders that table by distance (model filter only) and takes `limit` candidates; the join to
 * the dataset's current tickets filters them afterwards. $1 dataset id, $2 model id, $3 vector, $4 limit.
 */
export const KNN_SQL = `SELECT t.ticket_id, c.distance
  FROM (SELECT e.ticket_pk, e.content_hash, (e.embedding <=> $3::vector)::float8 AS distance
        FROM embeddings e
        WHERE e.model_id = $2
        ORDER BY e.embedding <=> $3::vector
        LIMIT $4) c
  JOIN tickets t ON t.pk = c.ticket_pk
  WHERE t.dataset_id = $1 AND t.content_hash = c.content_hash
  ORDER BY c.distance, t.pk
  LIMIT $5`;

/** Candidates taken per wanted neighbour before the dataset filter; grown until k survive or none are left. */
export const KNN_OVERSAMPLE = 4;

/** The ef_search a k-nearest query sets for `candidates` rows: the index returns at most ef_search rows per scan. */
export const efSearchFor = (k: number, candidates: number): number => Math.min(1000, Math.max(40, 2 * k, candidates));

/**
 * The k stored tickets of the dataset nearest to `vector` (cosine), through the HNSW index: approximate,
 * as pgvector's HNSW is (ef_search ≥ max(40, 2k)). `vector` is one row (dim numbers). An index a large
 * ingest dropped is built first.
 */
export async function nearest(engine: SqlEngine, dataset: string, vector: Float32Array, k: number, log?: Logger): Promise<Neighbour[]> {
  if (vector.length !== STORE_DIM) throw new TicketLensError('bad_request', `A query vector has ${vector.length} numbers; the store's have ${STORE_DIM}.`);
  const d = await requireDataset(engine, dataset, engine.where);
  if (k <= 0) return [];
  await ensureVectorIndex(engine, log);
  const text = vectorText(vector, 0, STORE_DIM);
  const [{ n }] = await engine.query<{ n: number }>(`SELECT count(*)::int AS n FROM embeddings WHERE model_id = $1`, [d.modelId]);
  const iterative = await iterativeScan(engine);
  return engine.transaction(async (tx) => {
    if (iterative) await tx.query(`SELECT set_config('hnsw.iterative_scan', 'strict_order', true)`);
    for (let limit = k * KNN_OVERSAMPLE; ; limit *= 4) {
      await tx.query(`SELECT set_config('hnsw.ef_search', $1, true)`, [String(efSearchFor(k, limit))]);
      const rows = await tx.query<{ ticket_id: string; distance: number }>(KNN_SQL, [d.id, d.modelId, text, limit, k]);
      if (rows.length >= k || limit >= n) return rows.map((r) => ({ id: r.ticket_id, distance: r.distance }));
    }
  });
}

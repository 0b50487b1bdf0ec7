/** Datasets (table datasets): what a store files tickets under, with its columns and its model. */
import type { DatasetInfo } from '../../shared/api';
import type { SqlRunner } from './engine';

export interface DatasetRow {
  id: number;
  name: string;
  sourcePath: string;
  textColumn: string;
  idColumn: string | null;
  dateColumn: string | null;
  /** embedding_models.id of its vectors; null before the first. */
  modelId: number | null;
}

interface Row {
  id: number;
  name: string;
  source_path: string;
  text_column: string;
  id_column: string | null;
  date_column: string | null;
  embedding_model_id: number | null;
}

const COLUMNS = 'id, name, source_path, text_column, id_column, date_column, embedding_model_id';

const fromRow = (r: Row): DatasetRow => ({
  id: r.id,
  name: r.name,
  sourcePath: r.source_path,
  textColumn: r.text_column,
  idColumn: r.id_column,
  dateColumn: r.date_column,
  modelId: r.embedding_model_id,
});

export async function getDataset(db: SqlRunner, name: string): Promise<DatasetRow | null> {
  const [r] = await db.query<Row>(`SELECT ${COLUMNS} FROM datasets WHERE name = $1`, [name]);
  return r ? fromRow(r) : null;
}

export async function createDataset(tx: SqlRunner, d: Omit<DatasetRow, 'id'>): Promise<DatasetRow> {
  const [r] = await tx.query<Row>(
    `INSERT INTO datasets (name, source_path, text_column, id_column, date_column, embedding_model_id) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
    [d.name, d.sourcePath, d.textColumn, d.idColumn, d.dateColumn, d.modelId],
  );
  return fromRow(r);
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** Every dataset (or the one named) with its counts, date range and model. */
export async function datasetInfos(db: SqlRunner, name?: string): Promise<DatasetInfo[]> {
  const rows = await db.query<{
    name: string;
    source_path: string;
    text_column: string;
    id_column: string | null;
    date_column: string | null;
    created_ms: number;
    last_ms: number | null;
    tickets: number;
    embedded: number;
    first_ms: number | null;
    last_date_ms: number | null;
    model_id: string | null;
    model_hash: string | null;
  }>(
    `SELECT d.name, d.source_path, d.text_column, d.id_column, d.date_column,
       round(extract(epoch FROM d.created_at) * 1000)::float8 AS created_ms,
       round(extract(epoch FROM d.last_ingest_at) * 1000)::float8 AS last_ms,
       coalesce(s.tickets, 0) AS tickets, coalesce(s.embedded, 0) AS embedded, s.first_ms, s.last_date_ms,
       m.model_id, m.hashes[1] AS model_hash
     FROM datasets d
     LEFT JOIN embedding_models m ON m.id = d.embedding_model_id
     LEFT JOIN LATERAL (
       SELECT count(*)::int AS tickets, count(e.ticket_pk)::int AS embedded,
         round(extract(epoch FROM min(t.created_at)) * 1000)::float8 AS first_ms,
         round(extract(epoch FROM max(t.created_at)) * 1000)::float8 AS last_date_ms
       FROM tickets t
       LEFT JOIN embeddings e ON e.ticket_pk = t.pk AND e.model_id = d.embedding_model_id AND e.content_hash = t.content_hash
       WHERE t.dataset_id = d.id
     ) s ON true
     WHERE $1::text IS NULL OR d.name = $1
     ORDER BY d.name`,
    [name ?? null],
  );
  return rows.map((r) => ({
    name: r.name,
    sourcePath: r.source_path,
    textColumn: r.text_column,
    idColumn: r.id_column,
    dateColumn: r.date_column,
    createdAt: iso(r.created_ms)!,
    lastIngestAt: iso(r.last_ms),
    tickets: r.tickets,
    embedded: r.embedded,
    dates: r.first_ms !== null && r.last_date_ms !== null ? { first: iso(r.first_ms)!, last: iso(r.last_date_ms)! } : null,
    model: r.model_id !== null && r.model_hash !== null ? { id: r.model_id, hash: r.model_hash } : null,
  }));
}

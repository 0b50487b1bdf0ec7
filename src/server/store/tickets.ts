/**
 * Tickets and their vectors (tables tickets, embeddings). A batch is written with a few statements
 * whatever its size, inside the caller's transaction: rows go in as one JSON parameter
 * (json_to_recordset), which both drivers pass as plain text, and vectors the same way on a PostgreSQL
 * server but by a binary COPY in PGlite (vectorCodec.ts: parsing their text costs it more than the rest
 * of the ingest's writes).
 */
import { STORE_DIM } from './dim';
import type { SqlRunner } from './engine';
import type { IngestRow } from './ingest/readRows';
import { vectorCopyFile, vectorText } from './vectorCodec';

export interface StoredTicket {
  contentHash: string;
  createdAt: number | null;
  row: number;
  line: number;
  /** The content hash of the text its vector under the model was made from; null: no vector. */
  embeddedHash: string | null;
}

type StoredRow = [ticketId: string, contentHash: string, createdMs: number | null, row: number, line: number, embeddedHash: string | null];

/**
 * The dataset's tickets by id, with whether each has a current vector under `modelId`. Read as one
 * JSON array rather than a row per ticket: the drivers hand values over one by one, and for the
 * 26,872 tickets of Bitext (what a re-ingest of an unchanged file compares with) one value is ~3×
 * faster on PGlite.
 */
export async function storedTickets(db: SqlRunner, datasetId: number, modelId: number | null): Promise<Map<string, StoredTicket>> {
  const [{ j }] = await db.query<{ j: string | null }>(
    `SELECT json_agg(json_build_array(t.ticket_id, t.content_hash, round(extract(epoch FROM t.created_at) * 1000)::float8, t.source_row, t.source_line, e.content_hash))::text AS j
     FROM tickets t LEFT JOIN embeddings e ON e.ticket_pk = t.pk AND e.model_id = $2
     WHERE t.dataset_id = $1`,
    [datasetId, modelId],
  );
  const out = new Map<string, StoredTicket>();
  for (const [id, contentHash, createdAt, row, line, embeddedHash] of JSON.parse(j ?? '[]') as StoredRow[]) out.set(id, { contentHash, createdAt, row, line, embeddedHash });
  return out;
}

export interface TicketWrite {
  ticket: IngestRow;
  /** Store or replace the ticket's row (it is new or changed). */
  upsert: boolean;
  /** Its text changed: vectors of the old text (under any model) are dropped. */
  textChanged: boolean;
  /** Row of `vectors` holding its new vector; null: none to store. */
  vectorRow: number | null;
}

export async function writeTickets(tx: SqlRunner, datasetId: number, modelId: number, writes: readonly TicketWrite[], vectors: Float32Array | null): Promise<void> {
  const upserts = writes.filter((w) => w.upsert);
  if (upserts.length > 0) {
    const json = JSON.stringify(
      upserts.map(({ ticket: t }) => ({
        ticket_id: t.ticketId,
        text: t.text,
        created_at: t.createdAt === null ? null : new Date(t.createdAt).toISOString(),
        source_row: t.row,
        source_line: t.line,
        content_hash: t.contentHash,
      })),
    );
    await tx.query(
      `INSERT INTO tickets (dataset_id, ticket_id, text, created_at, source_row, source_line, content_hash)
       SELECT $1, x.ticket_id, x.text, x.created_at, x.source_row, x.source_line, x.content_hash
       FROM json_to_recordset($2::json) AS x(ticket_id text, text text, created_at timestamptz, source_row int, source_line int, content_hash text)
       ON CONFLICT (dataset_id, ticket_id) DO UPDATE SET text = EXCLUDED.text, created_at = EXCLUDED.created_at, source_row = EXCLUDED.source_row,
         source_line = EXCLUDED.source_line, content_hash = EXCLUDED.content_hash, updated_at = now()`,
      [datasetId, json],
    );
  }
  const changed = writes.filter((w) => w.textChanged).map((w) => w.ticket.ticketId);
  if (changed.length > 0) {
    await tx.query(
      `DELETE FROM embeddings e USING tickets t
       WHERE e.ticket_pk = t.pk AND t.dataset_id = $1 AND t.ticket_id = ANY($2::text[]) AND e.content_hash <> t.content_hash`,
      [datasetId, changed],
    );
  }
  const embedded = writes.filter((w) => w.vectorRow !== null);
  if (embedded.length > 0 && vectors) await writeVectors(tx, datasetId, modelId, embedded, vectors);
}

/** The vectors land in a staging table first, filled by a binary COPY where the engine takes one; one statement files them from there. */
async function writeVectors(tx: SqlRunner, datasetId: number, modelId: number, embedded: readonly TicketWrite[], vectors: Float32Array): Promise<void> {
  let from: string;
  let params: unknown[];
  if (tx.copyFrom) {
    await tx.exec(`CREATE TEMP TABLE incoming_vectors (ticket_id text NOT NULL, embedding vector(${STORE_DIM}) NOT NULL) ON COMMIT DROP`);
    const file = vectorCopyFile(
      embedded.map((w) => w.ticket.ticketId),
      vectors,
      embedded.map((w) => w.vectorRow!),
      STORE_DIM,
    );
    await tx.copyFrom(`COPY incoming_vectors (ticket_id, embedding) FROM '/dev/blob' WITH (FORMAT binary)`, file);
    from = 'incoming_vectors x';
    params = [datasetId, modelId];
  } else {
    from = `json_to_recordset($3::json) AS x(ticket_id text, embedding vector(${STORE_DIM}))`;
    params = [datasetId, modelId, JSON.stringify(embedded.map((w) => ({ ticket_id: w.ticket.ticketId, embedding: vectorText(vectors, w.vectorRow!, STORE_DIM) })))];
  }
  await tx.query(
    `INSERT INTO embeddings (ticket_pk, model_id, content_hash, embedding)
     SELECT t.pk, $2, t.content_hash, x.embedding
     FROM ${from}
     JOIN tickets t ON t.dataset_id = $1 AND t.ticket_id = x.ticket_id
     ON CONFLICT (ticket_pk, model_id) DO UPDATE SET content_hash = EXCLUDED.content_hash, embedding = EXCLUDED.embedding, embedded_at = now()`,
    params,
  );
}

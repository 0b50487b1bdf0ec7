/**
 * The ticket store's contract (issue 13): where a store is, what an ingest is asked to do and what it
 * reports, and what a dataset looks like from outside. The engine behind it is src/server/store.
 */
import * as z from 'zod';

/** A calendar day, `YYYY-MM-DD`, read as UTC. */
export const IsoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD');

/**
 * The embedded store (a folder, PGlite) or a PostgreSQL server with pgvector (a connection string).
 * The default folder is `<workspace>/.ticket-lens/store`.
 */
export const StoreLocation = z.union([
  z.object({ dir: z.string().min(1) }),
  z.object({ url: z.string().regex(/^postgres(ql)?:\/\//, 'a postgres:// or postgresql:// connection string') }),
]);
export type StoreLocation = z.infer<typeof StoreLocation>;

/** A dataset's name: what the store files tickets under (default: the CSV's file name without extension). */
export const DatasetName = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[^\p{Cc}]+$/u, 'no control characters');

export const IngestOptions = z.object({
  /** The CSV to read; absent with `embeddingsOnly` (the stored tickets are embedded, no file is read). */
  csvPath: z.string().min(1).nullable().default(null),
  /** Default: the CSV's file name without extension. */
  dataset: DatasetName.nullable().default(null),
  textColumn: z.string().min(1).nullable().default(null),
  /** The ticket's stable id; without it a ticket's id is its source row and a hash of its text. */
  idColumn: z.string().min(1).nullable().default(null),
  dateColumn: z.string().min(1).nullable().default(null),
  /** Only rows dated on or after this day (UTC). Needs dateColumn. */
  startDate: IsoDay.nullable().default(null),
  /** Only rows dated on or before this day (UTC). Needs dateColumn. */
  endDate: IsoDay.nullable().default(null),
  /** Only rows dated within the last N days (from today's start, UTC); instead of startDate. */
  daysBack: z.number().int().min(0).nullable().default(null),
  /** At most this many rows (in file order, after the date filter). */
  limit: z.number().int().min(1).nullable().default(null),
  /** Rows embedded and committed per transaction: what a crash can cost to redo. */
  batchSize: z.number().int().min(1).max(20_000).default(512),
  /**
   * Read no file: embed the dataset's stored tickets that have no vector under the current model, and make
   * it the dataset's model once all have one (how a dataset moves to another model; resumable).
   */
  embeddingsOnly: z.boolean().default(false),
  /** Append-only feeds: a row whose id already has a vector is skipped without comparing its text (an edit is not picked up). */
  skipEmbedded: z.boolean().default(false),
});
export type IngestOptions = z.input<typeof IngestOptions>;
export type IngestOptionsParsed = z.infer<typeof IngestOptions>;

export const IngestSkipped = z.object({
  emptyText: z.number().int(),
  /** Dated outside startDate..endDate, or undated while a date range was asked for. */
  outsideDates: z.number().int(),
  beyondLimit: z.number().int(),
  /** The same id and the same text as an earlier row of the file. */
  duplicate: z.number().int(),
  /** skipEmbedded: already stored with a vector. */
  alreadyEmbedded: z.number().int(),
});
export type IngestSkipped = z.infer<typeof IngestSkipped>;

export const IngestResult = z.object({
  dataset: z.string(),
  /** Where the store is: its folder, or the connection string without its password. */
  store: z.string(),
  /** Data rows in the file (0 with embeddingsOnly). */
  rows: z.number().int(),
  new: z.number().int(),
  /** Stored tickets whose text, date or source row changed (those whose text changed were re-embedded). */
  updated: z.number().int(),
  unchanged: z.number().int(),
  skipped: z.number().int(),
  skippedBy: IngestSkipped,
  /** Vectors computed (or taken from the embedding cache) and stored. */
  embedded: z.number().int(),
  /** Tickets of the dataset in the store after the ingest. */
  total: z.number().int(),
  /** Earliest and latest created-at of the rows read, ISO; null without a date column or dated rows. */
  dates: z.object({ first: z.string(), last: z.string() }).nullable(),
  /** An earlier ingest of this dataset had stopped before its end; what it committed was kept. */
  resumed: z.boolean(),
  model: z.object({ id: z.string(), hash: z.string() }),
  seconds: z.number(),
  warnings: z.array(z.string()),
});
export type IngestResult = z.infer<typeof IngestResult>;

export const DatasetInfo = z.object({
  name: z.string(),
  sourcePath: z.string(),
  textColumn: z.string(),
  idColumn: z.string().nullable(),
  dateColumn: z.string().nullable(),
  createdAt: z.string(),
  lastIngestAt: z.string().nullable(),
  tickets: z.number().int(),
  /** Tickets with a vector under the dataset's model. */
  embedded: z.number().int(),
  /** Earliest and latest ticket created-at, ISO; null when no ticket is dated. */
  dates: z.object({ first: z.string(), last: z.string() }).nullable(),
  /** The embedding model the dataset's vectors are in; null before its first vector. */
  model: z.object({ id: z.string(), hash: z.string() }).nullable(),
});
export type DatasetInfo = z.infer<typeof DatasetInfo>;

/**
 * Which store a route works on: absent, the embedded store in `<first allowed root>/.ticket-lens/store`
 * (the extension names its workspace's explicitly); a folder, which must lie inside the server's allowed
 * roots; or a PostgreSQL server, whose connection string (password included) is used for this request
 * only — never logged, never echoed: messages name it with its password replaced.
 */
const StoreField = { store: StoreLocation.optional() };

/** POST /store/ingest: an ingest (IngestOptions) into the request's store, run as a job. */
export const StoreIngestRequest = IngestOptions.extend(StoreField);
export type StoreIngestRequest = z.input<typeof StoreIngestRequest>;

/** POST /store/datasets (GET: the default store). */
export const StoreDatasetsRequest = z.object(StoreField);
export type StoreDatasetsRequest = z.input<typeof StoreDatasetsRequest>;

export const StoreDatasets = z.object({
  /** The folder, or the connection string without its password. */
  store: z.string(),
  kind: z.enum(['embedded', 'postgres']),
  /** false: an embedded store folder not made yet (listing one creates nothing). */
  exists: z.boolean(),
  datasets: z.array(DatasetInfo),
});
export type StoreDatasets = z.infer<typeof StoreDatasets>;

/**
 * The ticket store's contract (issue 13): where a store is, what an ingest is asked to do and what it
 * reports, and what a dataset looks like from outside. The engine behind it is src/server/store.
 */
import * as z from 'zod';
import { AssignResult } from './trends';

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
  /**
   * Rows embedded and committed per transaction: what a crash can cost to redo. The embedder sorts each
   * batch's texts by token count, so a batch's padding shrinks as it grows: on Bitext 4.1 % of the
   * tokens in batches of 512, 1.3 % in batches of 2,048, 0.1 % for the whole file at once.
   */
  batchSize: z.number().int().min(1).max(20_000).default(2048),
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

/**
 * What an ingest does with the dataset's new tickets once they are stored (issue 13: "automatically
 * after an ingest when a run exists"): assign them to a run's clusters (`ticket-lens assign RUN --store`).
 * The run is the one named, else the latest run made from the dataset: a run clustered from it
 * (`cluster --store`, whose run.json records the store and dataset), or any run the store's runs table
 * files under it (a CSV-made run gets a row there the first time `assign RUN --store` places the
 * dataset's tickets in it). No such run: nothing is assigned, and the ingest says so.
 */
export const IngestAssignOptions = z.object({
  /** false: store only (CLI `--no-assign`). */
  assign: z.boolean().default(true),
  /** The run folder to assign to (CLI `--run DIR`); null: the latest run made from the dataset, if any. */
  runDir: z.string().min(1).nullable().default(null),
});
export type IngestAssignOptions = z.input<typeof IngestAssignOptions>;

/** How an ingest's assign step went. */
export const IngestAssignment = z.discriminatedUnion('status', [
  /** The dataset's tickets ingested since the run was made that it had not placed, placed now (AssignResult's counts). */
  AssignResult.extend({
    status: z.literal('assigned'),
    runId: z.string(),
    runCreatedAt: z.string(),
    /** `named`: the run asked for; `latest`: the latest run made from the dataset. */
    chosen: z.enum(['named', 'latest']),
    /** Due tickets left out because they have no vector yet. */
    withoutVector: z.number().int(),
  }),
  z.object({
    status: z.literal('skipped'),
    /** `off`: not asked for; `no-run`: no run made from the dataset; `nothing-new`: the run has placed every stored ticket already. */
    reason: z.enum(['off', 'no-run', 'nothing-new']),
    /** The run it would have gone to (nothing-new), else null. */
    runDir: z.string().nullable(),
    message: z.string(),
  }),
  /** The ingest is stored; assigning failed (e.g. the run was made with another model). */
  z.object({ status: z.literal('failed'), runDir: z.string(), message: z.string() }),
]);
export type IngestAssignment = z.infer<typeof IngestAssignment>;

/** An ingest and its assign step: what `ticket-lens ingest` prints and the ingest job's result. */
export const StoreIngestResult = IngestResult.extend({ assignment: IngestAssignment });
export type StoreIngestResult = z.infer<typeof StoreIngestResult>;

/** POST /store/ingest: an ingest (IngestOptions) into the request's store, then its assign step, run as a job. */
export const StoreIngestRequest = IngestOptions.extend(StoreField).extend(IngestAssignOptions.shape);
export type StoreIngestRequest = z.input<typeof StoreIngestRequest>;

/** POST /store/trends: `ticket-lens trends RUN --store` as a job — the run's trends from the dataset's stored tickets, written to its trends.json and summary.md. */
export const StoreTrendsRequest = z.object({ ...StoreField, runDir: z.string().min(1), dataset: DatasetName });
export type StoreTrendsRequest = z.input<typeof StoreTrendsRequest>;

/** POST /store/datasets (GET: the default store). */
export const StoreDatasetsRequest = z.object(StoreField);
export type StoreDatasetsRequest = z.input<typeof StoreDatasetsRequest>;

/** The run a dataset's new tickets go to (see IngestAssignOptions) and where they went. */
export const DatasetRun = z.object({
  runDir: z.string(),
  runId: z.string(),
  createdAt: z.string(),
  /** Tickets the run's assign placed since it was made: in a cluster, with the run's noise, new / unassigned. */
  assigned: z.number().int(),
  noise: z.number().int(),
  new: z.number().int(),
  /** Tickets ingested since the run was made that it has not placed yet (the next ingest or assign places them). */
  pending: z.number().int(),
});
export type DatasetRun = z.infer<typeof DatasetRun>;

/** A dataset as the store view lists it: its DatasetInfo and its run. */
export const StoreDataset = DatasetInfo.extend({
  /** null: no run made from the dataset yet. */
  run: DatasetRun.nullable().default(null),
});
export type StoreDataset = z.infer<typeof StoreDataset>;

export const StoreDatasets = z.object({
  /** The folder, or the connection string without its password. */
  store: z.string(),
  kind: z.enum(['embedded', 'postgres']),
  /** false: an embedded store folder not made yet (listing one creates nothing). */
  exists: z.boolean(),
  datasets: z.array(StoreDataset),
});
export type StoreDatasets = z.infer<typeof StoreDatasets>;

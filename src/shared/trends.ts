/**
 * New tickets into a run's known clusters, and trends over time (issue 13, "From the store"): what
 * `ticket-lens assign` writes for each ticket, and `trends.json` — tickets per cluster per day or week,
 * the clusters growing fastest, and emerging topics among the tickets that fit no cluster. The engines
 * are src/server/assign and src/server/trends.
 */
import * as z from 'zod';
import { Keyword } from './run';

/**
 * Where a new ticket went:
 *  - `assigned`: into a cluster of the run (`cluster` is its deepest path, e.g. `root.3.1` or `root.3.noise`);
 *  - `noise`: among tickets the run itself left unclustered (`cluster` is `root.noise`), as a full re-run would;
 *  - `new`: far from every cluster, farther than almost all of the run's own members are from theirs
 *    (`cluster` null): new or unassigned.
 */
export const AssignStatus = z.enum(['assigned', 'noise', 'new']);
export type AssignStatus = z.infer<typeof AssignStatus>;

export const TicketAssignment = z.object({
  /** The deepest cluster path of the run, `root.noise`, or null for a new / unassigned ticket. */
  cluster: z.string().nullable(),
  status: AssignStatus,
  /** Share of the neighbours' vote the top-level decision got, in [0, 1]. */
  probability: z.number(),
  /**
   * Mean cosine similarity to the nearest members of the chosen top-level cluster (of the run's noise
   * for `noise`): what was compared with the cluster's threshold.
   */
  similarity: z.number(),
});
export type TicketAssignment = z.infer<typeof TicketAssignment>;

/** A new ticket and where it went: a row of assigned.csv (`id` and `date` empty when the input had no such column). */
export const AssignedRow = TicketAssignment.extend({
  /** The 1-based data row and the physical line it starts on, in the input CSV (the store's source row for stored tickets). */
  row: z.number().int().min(1),
  line: z.number().int().min(1),
  id: z.string().nullable(),
  /** Created-at, ISO (UTC); null when undated. */
  date: z.string().nullable(),
  text: z.string(),
});
export type AssignedRow = z.infer<typeof AssignedRow>;

/** The columns of assigned.csv, in file order. */
export const ASSIGNED_COLUMNS = ['row', 'line', 'id', 'date', 'text', 'cluster', 'status', 'probability', 'similarity'] as const;

const numberCell = z.string().trim().min(1, 'empty, expected a number').transform(Number).pipe(z.number());
const intCell = numberCell.pipe(z.number().int().min(1));
const optionalCell = z.string().transform((s) => (s === '' ? null : s));

/** One line of assigned.csv as read (every cell a string), decoded. */
export const AssignedCsvRow = z
  .object({
    row: intCell,
    line: intCell,
    id: optionalCell,
    date: optionalCell.pipe(z.iso.datetime().nullable()),
    text: z.string(),
    cluster: optionalCell,
    status: AssignStatus,
    probability: numberCell,
    similarity: numberCell,
  })
  .transform((r): AssignedRow => r);

/** How a run's thresholds were set: per top-level cluster, a low quantile of its own members' similarity. */
export const AssignCalibration = z.object({
  /** Neighbours that vote. */
  k: z.number().int(),
  /** Nearest members of the chosen cluster whose mean similarity is compared with its threshold. */
  m: z.number().int(),
  /** The quantile of members' similarities taken as a cluster's threshold. */
  quantile: z.number(),
  /** Threshold per top-level cluster path (and `root.noise`). */
  thresholds: z.record(z.string(), z.number()),
  /** Members the thresholds were measured on (a sample of each large cluster). */
  sampled: z.number().int(),
});
export type AssignCalibration = z.infer<typeof AssignCalibration>;

// ---- assign-calibration.json

export const ASSIGN_CALIBRATION_JSON = 'assign-calibration.json';
export const ASSIGN_CALIBRATION_VERSION = 1;

/**
 * A run's calibration kept in its folder, so that assigning does not measure the thresholds again
 * (the one cost of assigning that grows with the run). It is reused only while everything it was
 * computed from is the same; otherwise it is computed again and the file rewritten.
 */
export const AssignCalibrationFile = z.object({
  version: z.literal(ASSIGN_CALIBRATION_VERSION),
  /** The model that made the members' vectors (ONNX sha256), and the adapter the run maps them through (null: none). */
  model: z.object({ hash: z.string(), adapter: z.string().nullable() }),
  /** The run's members (its unique texts, each with its path): how many, and the sha256 of the assignments.csv they were read from. */
  members: z.object({ count: z.number().int(), assignments: z.string() }),
  /** The options asked for (calibration.k may be less: at most the member count). */
  options: z.object({ k: z.number().int(), m: z.number().int(), quantile: z.number(), calibrationSample: z.number().int() }),
  calibration: AssignCalibration,
  createdAt: z.string(),
});
export type AssignCalibrationFile = z.infer<typeof AssignCalibrationFile>;

// ---- assign-members.bin

export const ASSIGN_MEMBERS_BIN = 'assign-members.bin';
export const ASSIGN_MEMBERS_VERSION = 1;

/**
 * The header of assign-members.bin: a run's members as assigning compares with them — its unique
 * texts, each one's path and (after the header) its vector in the run's space, float32 little-endian,
 * count × dim. Kept for runs of stored tickets, whose vectors the store gives slowly (bench:store:
 * ~3 s for 92,000 on PGlite); valid while assignments.csv is byte for byte the file it was read from
 * and the model and adapter are the same. File layout: 8 bytes "TLMEMBER", the header's length
 * (uint32 little-endian), the header as JSON, zero padding to a multiple of 4 bytes, the vectors.
 */
export const AssignMembersHeader = z.object({
  version: z.literal(ASSIGN_MEMBERS_VERSION),
  /** sha256 of the assignments.csv the members were read from. */
  assignments: z.string(),
  model: z.object({ hash: z.string(), adapter: z.string().nullable() }),
  /** Whether the texts are normalised (a run made with normalisation compares normalised texts). */
  normalized: z.boolean(),
  dim: z.number().int().positive(),
  texts: z.array(z.string()),
  paths: z.array(z.string()),
  /** sha256 of the vectors' bytes. */
  vectors: z.string(),
});
export type AssignMembersHeader = z.infer<typeof AssignMembersHeader>;

export const AssignResult = z.object({
  runDir: z.string(),
  tickets: z.number().int(),
  assigned: z.number().int(),
  noise: z.number().int(),
  new: z.number().int(),
  /** Tickets per top-level cluster path (`root.noise` and `new` included), largest first. */
  byCluster: z.array(z.object({ cluster: z.string(), tickets: z.number().int() })),
  /** Members of the run the tickets were compared with (its unique texts). */
  members: z.number().int(),
  calibration: AssignCalibration,
  /** Where the output went: a CSV path or the store. */
  output: z.string(),
  seconds: z.number(),
});
export type AssignResult = z.infer<typeof AssignResult>;

// ---- trends.json

export const TRENDS_FORMAT_VERSION = 1;
export const TRENDS_JSON = 'trends.json';

export const TrendBucket = z.enum(['day', 'week']);
export type TrendBucket = z.infer<typeof TrendBucket>;

/** The series of tickets that fit no cluster of the run (assigned `new`). */
export const NEW_SERIES = 'new';

/** One cluster's tickets per bucket (`counts[i]` for `TrendsFile.buckets[i]`). `cluster` `new` holds new/unassigned tickets. */
export const TrendSeries = z.object({
  cluster: z.string(),
  /** Its label, or its keywords for an unlabelled cluster. */
  name: z.string(),
  counts: z.array(z.number().int()),
  total: z.number().int(),
});
export type TrendSeries = z.infer<typeof TrendSeries>;

/** A cluster's tickets in the last window against the window before it. */
export const TrendGrowth = z.object({
  cluster: z.string(),
  name: z.string(),
  current: z.number().int(),
  previous: z.number().int(),
  /** (current + 1) / (previous + 1): a cluster from nothing does not get an infinite ratio. */
  ratio: z.number(),
});
export type TrendGrowth = z.infer<typeof TrendGrowth>;

export const TrendExample = z.object({ text: z.string(), row: z.number().int().nullable(), date: z.string().nullable() });

/** New tickets far from every cluster (assigned `new`) that are dense among themselves. */
export const EmergingTopic = z.object({
  id: z.string(),
  size: z.number().int(),
  keywords: z.array(Keyword),
  examples: z.array(TrendExample),
  /** Its earliest and latest ticket, ISO; null when none is dated. */
  first: z.string().nullable(),
  last: z.string().nullable(),
});
export type EmergingTopic = z.infer<typeof EmergingTopic>;

export const TrendsFile = z.object({
  version: z.literal(TRENDS_FORMAT_VERSION),
  runId: z.string(),
  createdAt: z.string(),
  bucket: TrendBucket,
  /** The comparison window in days: the last `windowDays` against the `windowDays` before. */
  windowDays: z.number().int().min(1),
  /** Bucket starts (ISO day, UTC; Monday for weeks), oldest first. */
  buckets: z.array(z.string()),
  /** Where the dated tickets came from, in words (the run's CSV and its date column, assigned files, a store dataset). */
  sources: z.array(z.string()),
  dated: z.number().int(),
  /** Tickets left out because they had no date. */
  undated: z.number().int(),
  /** Every top-level cluster with tickets, largest first; then `new` when any ticket fit no cluster. */
  series: z.array(TrendSeries),
  window: z.object({ currentStart: z.string(), end: z.string(), previousStart: z.string() }).nullable(),
  /** Clusters with at least `minCount` tickets in the last window, fastest growing first. */
  growth: z.array(TrendGrowth),
  minCount: z.number().int(),
  emerging: z.array(EmergingTopic),
  /** Smallest emerging topic reported. */
  minTopicSize: z.number().int(),
});
export type TrendsFile = z.infer<typeof TrendsFile>;

/**
 * Tagging rows with Claude into a label set (`ticket-lens tag`, POST /tag, "Tag Rows with Claude"):
 * the options, the answer Claude must give per row, the tags.csv format and the job's summary; and
 * distillation's options and summary. The tags.csv format is what distillation
 * (src/server/tag/distil.ts) trains from: keep it stable.
 */
import * as z from 'zod';
import { TaskTrainSummary, TrainParams } from './classify';
import { DEFAULT_LABEL_MODEL, LabelStop } from './label';

/** The output files, in the tag folder. */
export const TAGS_CSV = 'tags.csv';
export const TAGS_JSON = 'tags.json';
/**
 * Every answer, one JSON line per row (a TagRecord and the hash of the row's text), appended as each
 * request is answered: after a crash or a kill, a rerun sends none of these rows again, and a row
 * whose text has changed since is asked again. tags.csv is rewritten from it at the end of each run.
 */
export const TAGS_JOURNAL = 'tags.journal.jsonl';

/**
 * tags.csv: a header, then one line per tagged row in file order. `row` is the 1-based data row of
 * the input CSV (the header is row 0, as in data/csv.ts); `id` the id column's value, empty without
 * one; `label` the label name, several `;`-joined for a multi-label set (TAG_LABEL_SEPARATOR);
 * `reason` Claude's short reason. Written atomically, RFC 4180 quoting.
 */
export const TAGS_CSV_COLUMNS = ['row', 'id', 'label', 'reason'] as const;
export const TAG_LABEL_SEPARATOR = ';';

/** Rows sent per request: fewer requests, the system prompt and label set paid once per batch. */
export const DEFAULT_TAG_BATCH = 20;
export const DEFAULT_TAG_SAMPLE = 500;

export const TagOptions = z.object({
  csvPath: z.string().min(1),
  textColumn: z.string().min(1).default('text'),
  /** A column holding each row's id, carried to tags.csv; null: none (the row number identifies a row). */
  idColumn: z.string().min(1).nullable().default(null),
  /** A label set by name: a built-in (category, priority, sentiment, department) or the workspace's `.ticket-lens/labels.json`. */
  labelSet: z.string().min(1),
  /** The folder whose `.ticket-lens/labels.json` adds or overrides label sets, and under which the default output goes. */
  workspace: z.string().min(1).nullable().default(null),
  /** How many rows to tag: a diverse sample (stratified over the run's clusters when there is a run). Ignored with `all`. */
  sample: z.number().int().min(1).default(DEFAULT_TAG_SAMPLE),
  /** Tag every row. */
  all: z.boolean().default(false),
  /** A run of this CSV to stratify the sample over; null: the latest run of the CSV when one is found. */
  runDir: z.string().min(1).nullable().default(null),
  /** Only rows of these clusters (cluster paths such as `root.3` or `root.3.1`, sub-clusters included); needs a run. */
  clusters: z.array(z.string().min(1)).nullable().default(null),
  /** The output folder; null: `tags-<set>/` inside the run folder, else `.ticket-lens/tags/<csv-stem>-<set>/` in the workspace (or beside the CSV). */
  outDir: z.string().min(1).nullable().default(null),
  /** Estimate and build the first request; send nothing and write nothing. */
  dryRun: z.boolean().default(false),
  seed: z.number().int().default(42),
  model: z.string().min(1).default(DEFAULT_LABEL_MODEL),
  batchSize: z.number().int().min(1).max(100).default(DEFAULT_TAG_BATCH),
  concurrency: z.number().int().min(1).max(16).default(4),
  /** PII redaction before sending; turning it off must be explicit. */
  redact: z.boolean().default(true),
  timeoutMs: z.number().int().min(100).max(600_000).default(120_000),
  maxAttempts: z.number().int().min(1).max(10).default(5),
  baseDelayMs: z.number().int().min(0).max(60_000).default(1000),
  /** Stop sending once the estimate of what was spent and what is in flight would pass this many USD. */
  budgetUsd: z.number().positive().nullable().default(null),
  /** The same cap in tokens (exact for any model). */
  maxTokens: z.number().int().positive().nullable().default(null),
  baseURL: z.string().url().nullable().default(null),
});
export type TagOptions = z.infer<typeof TagOptions>;
export type TagOptionsInput = z.input<typeof TagOptions>;

/** One row of tags.csv, as read back. */
export const TagRecord = z.object({
  row: z.number().int().min(1),
  id: z.string().nullable(),
  /** One label, or several for a multi-label set; each a label of the set. */
  labels: z.array(z.string().min(1)).min(1),
  reason: z.string(),
});
export type TagRecord = z.infer<typeof TagRecord>;

/** The request that would be sent first: what a dry run shows. */
export const TagRequestPreview = z.object({
  system: z.string(),
  prompt: z.string(),
  rows: z.number().int(),
  redactions: z.record(z.string(), z.number()),
});
export type TagRequestPreview = z.infer<typeof TagRequestPreview>;

export const TagEstimate = z.object({
  rows: z.number().int(),
  requests: z.number().int(),
  inputTokens: z.number().int(),
  outputTokens: z.number().int(),
  /** USD at the model's list price; null when no price is known for the model. */
  costUsd: z.number().nullable(),
  model: z.string(),
});
export type TagEstimate = z.infer<typeof TagEstimate>;

export const TagSampleInfo = z.object({
  method: z.enum(['all', 'stratified', 'random']),
  /** The run the sample was stratified over. */
  runDir: z.string().nullable(),
  /** Selected rows per cluster (stratified only). */
  perCluster: z.record(z.string(), z.number().int()).nullable(),
});
export type TagSampleInfo = z.infer<typeof TagSampleInfo>;

export const TagSummary = z.object({
  csvPath: z.string(),
  labelSet: z.string(),
  multiLabel: z.boolean(),
  model: z.string(),
  /** Where tags.csv and tags.json are (or would be, on a dry run). */
  outDir: z.string(),
  tagsCsv: z.string(),
  /** Rows with text in the CSV. */
  rows: z.number().int(),
  /** Rows chosen to tag (the sample, or every row). */
  selected: z.number().int(),
  /** Chosen rows that have a tag now (this run's and earlier runs'). */
  tagged: z.number().int(),
  /** Rows in tags.csv: every row tagged in this folder, the chosen ones and earlier runs' others. */
  written: z.number().int(),
  /** Chosen rows already tagged by an earlier (perhaps interrupted) run into this folder: not sent again. */
  resumed: z.number().int(),
  /** Chosen rows whose text was tagged before into the same set with the same model (the tag cache): not sent again. */
  fromCache: z.number().int(),
  /** Rows sent but left without a valid tag, with why. */
  failed: z.array(z.object({ row: z.number().int(), reason: z.string() })),
  /** Label name → rows of tags.csv tagged with it. */
  counts: z.record(z.string(), z.number().int()),
  requests: z.number().int(),
  usage: z.object({ inputTokens: z.number(), outputTokens: z.number() }),
  costUsd: z.number().nullable(),
  estimate: TagEstimate,
  sample: TagSampleInfo,
  /** Why sending stopped before every chosen row was asked (a cap); null when it did not. */
  stopped: LabelStop.nullable(),
  /** Complete: every chosen row tagged; partial: some were not (a cap, failures); dry-run: nothing sent. */
  state: z.enum(['complete', 'partial', 'dry-run']),
  /** A dry run's first request. */
  preview: TagRequestPreview.nullable(),
});
export type TagSummary = z.infer<typeof TagSummary>;

/** tags.json: the summary of the run that wrote tags.csv. */
export const TagsJson = TagSummary.omit({ preview: true }).extend({ version: z.literal(1), createdAt: z.string() });
export type TagsJson = z.infer<typeof TagsJson>;

/**
 * Distillation (`ticket-lens tag --train`, POST /tag with `train`, server/tag/distil.ts): the tags
 * train a local classifier that classifies every row of the CSV offline.
 */
export const DistilOptions = z.object({
  /** The CSV that was tagged: every row of it is classified. */
  csvPath: z.string().min(1),
  /** The tags.csv `ticket-lens tag` wrote for it. */
  tagsCsv: z.string().min(1),
  textColumn: z.string().min(1).default('text'),
  /** The id column, carried to predictions.csv; null: the column named "id" when there is one (as `ticket-lens tag` picks it). */
  idColumn: z.string().min(1).nullable().default(null),
  /** The label set the rows were tagged into (built-in or the workspace's). */
  labelSet: z.string().min(1),
  workspace: z.string().min(1).nullable().default(null),
  /** Where classifier.tlc and predictions.csv go; null: the folder of tags.csv. */
  outDir: z.string().min(1).nullable().default(null),
  seed: z.number().int().default(42),
  /** Share of each label's tags held out of training to measure agreement with Claude. */
  holdout: z.number().min(0.05).max(0.5).default(0.2),
  /** After measuring, train the saved classifier on every tag (false: on the tags not held out, the measured model itself). */
  refit: z.boolean().default(true),
  /** A row is unsure below this confidence (calibrated: about the chance the label is right). */
  minConfidence: z.number().min(0).max(1).default(0.5),
  /** …or when the runner-up is closer than this. */
  minMargin: z.number().min(0).max(1).default(0.15),
  /**
   * Multi-label: unsure when a label's probability is this close to its threshold. Smaller than
   * minMargin because every label of a multi-label head is a sigmoid often near its threshold: on
   * Bitext (11 categories + a cross-cutting label, a model from 320 tags) 0.05 flagged 20% of rows, 57% right
   * against 90% for the rest; 0.15 flagged 40%.
   */
  minLabelMargin: z.number().min(0).max(1).default(0.05),
  /** Trainer parameters over TrainParams' defaults (seed: the one above). */
  params: TrainParams.partial().default({}),
});
export type DistilOptions = z.infer<typeof DistilOptions>;
export type DistilOptionsInput = z.input<typeof DistilOptions>;

export const DistilSummary = z.object({
  labelSet: z.string(),
  multiLabel: z.boolean(),
  modelPath: z.string(),
  predictionsCsv: z.string(),
  /** Tags read; the saved classifier trained on (all of them when refit); held out of the measuring model. */
  tags: z.number().int(),
  trainTags: z.number().int(),
  heldOutTags: z.number().int(),
  /** The saved classifier learnt from every tag, the held-out ones too: the agreement below was measured by a model trained without them. */
  refit: z.boolean(),
  /**
   * Share of held-out tags whose label(s) a model trained without them gives too (exact match for
   * multi-label): the estimate of how often the classifier agrees with Claude on rows it never saw
   * (refit on every tag, it does a little better); null without held-out tags.
   */
  agreement: z.number().nullable(),
  /** The same over the held-out rows it is not unsure of, and how many it is unsure of. */
  agreementWhenSure: z.number().nullable(),
  heldOutUnsure: z.number().int(),
  /** The trainer's own validation (a part of the training tags, for early stopping and calibration). */
  training: TaskTrainSummary,
  /** Rows classified; flagged unsure; skipped (empty text). */
  rows: z.number().int(),
  unsure: z.number().int(),
  skipped: z.number().int(),
  /** Label → rows predicted with it. */
  counts: z.record(z.string(), z.number().int()),
  rowsPerSecond: z.number(),
  seconds: z.object({ train: z.number(), classify: z.number() }),
});
export type DistilSummary = z.infer<typeof DistilSummary>;

export const TagRequest = z.object({
  options: TagOptions,
  /** Passed per request by the extension (from SecretStorage); never stored or logged by the server. */
  apiKey: z.string().min(1).nullable().optional(),
  /** Then distil the tags into a local classifier (classifier.tlc and predictions.csv beside tags.csv): the job's result is a TagTrainResult. Ignored on a dry run. */
  train: z.boolean().default(false),
});
export type TagRequest = z.input<typeof TagRequest>;

/** The result of a POST /tag job with `train`: the tagging's summary, then the distillation's. */
export const TagTrainResult = z.object({ tag: TagSummary, distil: DistilSummary });
export type TagTrainResult = z.infer<typeof TagTrainResult>;

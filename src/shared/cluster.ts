/** Cluster requests and results, shared by the CLI, the server routes and the extension's client. */
import * as z from 'zod';

export const ClusterParams = z.object({
  /** Levels of clusters: 1 = top level only, 2 = top level and one level of sub-clusters (root.0.1). */
  depth: z.number().int().min(1).max(4).default(2),
  /** A number, or 'auto' to sweep a range and keep the most valid (see src/server/cluster/autoSize.ts). */
  minClusterSize: z.union([z.number().int().min(2), z.literal('auto')]).default('auto'),
  /** HDBSCAN min_samples (density smoothing); default 10. */
  minSamples: z.number().int().min(1).optional(),
  selection: z.enum(['eom', 'leaf']).default('eom'),
  epsilon: z.number().min(0).default(0),
  /** Re-cluster inside a cluster only if it holds at least this percentage of its parent's rows. */
  minClusterPct: z.number().min(0).max(100).default(5),
  /**
   * What becomes of the rows HDBSCAN leaves as noise: 'auto' (the default) moves one into its most
   * similar cluster when it is as similar to it as nearly all of that cluster's own members are; a number
   * does so when the cosine similarity reaches it; null keeps HDBSCAN's noise. Either way assignments.csv
   * keeps `was_noise`. Why 'auto' is the default: src/server/cluster/outliers.ts.
   */
  reassignOutliers: z.union([z.number().min(-1).max(1), z.literal('auto')]).nullable().default('auto'),
  nNeighbors: z.number().int().min(2).max(100).default(15),
  nComponents: z.number().int().min(2).max(50).default(5),
  seed: z.number().int().default(42),
  /**
   * Cluster in the space of a trained classifier's contrastive adapter (a .tlc path or a shipped name):
   * texts with the same label were pulled together, so clusters follow those labels more closely.
   */
  adapterModel: z.string().min(1).nullable().default(null),
  /**
   * Normalise texts before embedding and keywords (handles, links, e-mail addresses, numbers, greetings,
   * signatures, quoted replies: the rules in normalizeRules.ts); every output still shows the original text.
   */
  normalize: z.boolean().default(true),
});
export type ClusterParams = z.infer<typeof ClusterParams>;
export type ClusterParamsInput = z.input<typeof ClusterParams>;

export const ClusterRequest = z.object({
  csvPath: z.string().min(1),
  textColumn: z.string().min(1),
  labelColumn: z.string().min(1).nullable().optional(),
  /** The run folder to create; default: `.ticket-lens/runs/<file>-<time>` under the input's folder's parent workspace (see server/run/folder.ts). */
  outDir: z.string().min(1).optional(),
  params: ClusterParams.default(ClusterParams.parse({})),
});
export type ClusterRequest = z.input<typeof ClusterRequest>;

/** One candidate of the `auto` minimum-cluster-size sweep: clusters found, noise share (0–1) and relative validity. */
export const SweepRow = z.object({ minClusterSize: z.number(), clusters: z.number(), noise: z.number(), validity: z.number() });
export type SweepRow = z.infer<typeof SweepRow>;

export const ClusterResult = z.object({
  runDir: z.string(),
  rows: z.number().int(),
  uniqueTexts: z.number().int(),
  skippedRows: z.number().int(),
  topClusters: z.number().int(),
  totalClusters: z.number().int(),
  noiseFraction: z.number(),
  minClusterSize: z.number().int(),
  sweep: z.array(SweepRow).nullable(),
  metrics: z
    .object({ label: z.string(), ari: z.number(), nmi: z.number(), ariNoNoise: z.number(), nmiNoNoise: z.number() })
    .nullable(),
  timings: z.record(z.string(), z.number()),
  cacheHits: z.number().int(),
});
export type ClusterResult = z.infer<typeof ClusterResult>;

/** The requests that name an existing run folder and nothing else (load, points). */
export const RunDirRequest = z.object({ runDir: z.string().min(1) });
export type RunDirRequest = z.input<typeof RunDirRequest>;

export const PredictRequest = z.object({
  runDir: z.string().min(1),
  texts: z.array(z.string()).min(1).max(256),
});
export const Prediction = z.object({
  path: z.string().nullable(),
  label: z.string().nullable(),
  similarity: z.number(),
  probability: z.number(),
});
export type PredictRequest = z.input<typeof PredictRequest>;
export const PredictResponse = z.object({ predictions: z.array(Prediction) });
export type Prediction = z.infer<typeof Prediction>;

export const CsvPreviewRequest = z.object({ path: z.string().min(1), rows: z.number().int().min(1).max(200).default(20) });
export type CsvPreviewRequest = z.input<typeof CsvPreviewRequest>;
export const CsvPreview = z.object({ header: z.array(z.string()), delimiter: z.string(), rows: z.array(z.array(z.string())) });
export type CsvPreview = z.infer<typeof CsvPreview>;

/** Edits a user makes while reviewing a run; the server applies them with one atomic write. */
export const RunEdit = z.discriminatedUnion('op', [
  z.object({ op: z.literal('rename'), id: z.string(), label: z.string().trim().min(1).max(80) }),
  z.object({ op: z.literal('review'), id: z.string(), reviewed: z.boolean() }),
  /** Merges `ids` into the first: its size and examples grow, the others are removed and their rows re-pathed. */
  z.object({ op: z.literal('merge'), ids: z.array(z.string()).min(2) }),
  /** Moves data rows (1-based, as assignments.csv numbers them) into an existing cluster: sizes, examples and purity follow. */
  z.object({ op: z.literal('moveRows'), rows: z.array(z.number().int().min(1)).min(1), to: z.string() }),
  /** Makes data rows a new top-level cluster named `label` (by the user): they leave their clusters as moveRows does. */
  z.object({ op: z.literal('newCluster'), rows: z.array(z.number().int().min(1)).min(1), label: z.string().trim().min(1).max(80) }),
]);
export type RunEdit = z.infer<typeof RunEdit>;
export const RunEditRequest = z.object({ runDir: z.string().min(1), edits: z.array(RunEdit).min(1) });
export type RunEditRequest = z.input<typeof RunEditRequest>;

export const RunPoints = z.object({
  x: z.array(z.number()),
  y: z.array(z.number()),
  cluster: z.array(z.string()),
  text: z.array(z.string()),
  row: z.array(z.number()),
  line: z.array(z.number()),
  /** Each row's value in the run's label column; absent when the run has none. */
  label: z.array(z.string()).optional(),
  /** Columns of the run's input CSV whose first rows hold dates (the map offers to colour by them); absent or empty: none. */
  dateColumns: z.array(z.string()).optional(),
  /** Each row's instant (epoch ms, null when its cell is empty) in the date column asked for; absent when none was. */
  date: z.array(z.number().nullable()).optional(),
});
export type RunPoints = z.infer<typeof RunPoints>;

/** The map's points of a run; `dateColumn`: also each row's date from that column of the run's input CSV. */
export const RunPointsRequest = RunDirRequest.extend({ dateColumn: z.string().min(1).optional() });
export type RunPointsRequest = z.input<typeof RunPointsRequest>;

/**
 * "Use reviewed clusters as labels": every row whose cluster path has a reviewed, labelled ancestor
 * (the deepest one wins) becomes `text,label`; other rows and noise are left out. Written by the
 * server atomically; the extension then trains a classifier from it (POST /classify/train).
 */
export const ExportLabelsRequest = z.object({
  runDir: z.string().min(1),
  /** Default: `<runDir>/reviewed-labels.csv`. */
  outPath: z.string().min(1).optional(),
  /** false: every labelled (or keyword-named) non-noise cluster counts, reviewed or not. */
  reviewedOnly: z.boolean().default(true),
});
export type ExportLabelsRequest = z.input<typeof ExportLabelsRequest>;
export type ExportLabelsRequestParsed = z.infer<typeof ExportLabelsRequest>;
export const ExportLabelsResult = z.object({
  csvPath: z.string(),
  rows: z.number().int(),
  skippedRows: z.number().int(),
  labels: z.array(z.object({ label: z.string(), clusters: z.array(z.string()), rows: z.number().int() })),
});
export type ExportLabelsResult = z.infer<typeof ExportLabelsResult>;

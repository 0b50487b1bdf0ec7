/**
 * The run folder: what "Cluster This CSV" writes, what labelling enriches and the extension shows.
 * One folder per run, written atomically (built in `.ticket-lens-tmp/` beside it, then renamed; later
 * updates are committed through a journal, server/run/commit.ts):
 *   run.json         RunManifest
 *   clusters.json    ClustersFile (every cluster and sub-cluster, flat, parent links)
 *   assignments.csv  AssignmentCsvRow: row,line,text,cluster,probability,outlier_score,was_noise,x,y[,label]
 *   metrics.json     MetricsFile: the evaluation against the label column, when one was given, and the size sweep
 *   summary.md       the readable report
 *   map.png          2-D map coloured by cluster (map-labels.png coloured by the label column, when given)
 * A "cluster path" names a cluster everywhere (code, API, UI): `root.0`, `root.0.1`, `root.0.noise`.
 */
import * as z from 'zod';
import { SweepRow } from './cluster';

export const RUN_FORMAT_VERSION = 1;

export const Keyword = z.object({ term: z.string(), score: z.number() });
export type Keyword = z.infer<typeof Keyword>;
/** `row` is the 1-based data row; `line` the physical line where it starts in the CSV (for "reveal in file"). */
export const Example = z.object({ row: z.number().int(), line: z.number().int().optional(), text: z.string() });

export const ClusterRecord = z.object({
  /** The cluster path, e.g. `root.3.1`; noise of a level is `<parent>.noise`. */
  id: z.string(),
  parent: z.string().nullable(),
  depth: z.number().int(),
  size: z.number().int(),
  isNoise: z.boolean(),
  keywords: z.array(Keyword),
  /**
   * A short readable name chosen without an LLM (server/cluster/autoName.ts), e.g. "Cancel my order";
   * null for noise, absent in runs written before names existed.
   */
  autoName: z.string().nullable().optional(),
  examples: z.array(Example),
  /** Mean of the members' normalised embeddings (not re-normalised), for assigning new texts. */
  centroid: z.array(z.number()).optional(),
  /** Majority label and its share, when the run has a label column. */
  purity: z.object({ label: z.string(), share: z.number() }).nullable().optional(),
  // Filled by labelling (LLM or user); null until then.
  label: z.string().nullable(),
  description: z.string().nullable(),
  labelSource: z.enum(['llm', 'keywords', 'user']).nullable(),
  suggestedCategory: z.string().nullable().optional(),
  suggestedPriority: z.enum(['High', 'Medium', 'Low']).nullable().optional(),
  labelConfidence: z.number().nullable().optional(),
  reviewed: z.boolean().default(false),
  /** Paths of clusters merged into this one by the user. */
  mergedFrom: z.array(z.string()).optional(),
});
export type ClusterRecord = z.infer<typeof ClusterRecord>;

export const ClustersFile = z.object({
  version: z.literal(RUN_FORMAT_VERSION),
  clusters: z.array(ClusterRecord),
});
export type ClustersFile = z.infer<typeof ClustersFile>;

/**
 * A few probe texts and their vectors under one embedding model (server/embed/identity.ts). lineage: the
 * model's lineage from its manifest (e.g. "finetuned:<sha256>"); absent for the base model and in fingerprints
 * recorded before lineages existed, which were all made with the base model.
 */
export const EmbeddingFingerprint = z
  .object({ texts: z.array(z.string()).min(1), vectors: z.array(z.array(z.number())), lineage: z.string().optional() })
  .refine((f) => f.vectors.length === f.texts.length, { message: 'one vector per probe text' });
export type EmbeddingFingerprint = z.infer<typeof EmbeddingFingerprint>;

export const RunManifest = z.object({
  version: z.literal(RUN_FORMAT_VERSION),
  id: z.string(),
  createdAt: z.string(),
  input: z.object({
    path: z.string(),
    sha256: z.string(),
    rows: z.number().int(),
    textColumn: z.string(),
    labelColumn: z.string().nullable(),
  }),
  /** fingerprint: probe texts and their vectors (absent in older runs), so another build of the same model can still compare texts with the run. */
  model: z.object({ id: z.string(), hash: z.string(), fingerprint: EmbeddingFingerprint.optional() }),
  /** The parameters as resolved (e.g. the minClusterSize that `auto` chose). */
  params: z.record(z.string(), z.unknown()),
  timings: z.record(z.string(), z.number()),
  labelling: z.object({
    state: z.enum(['none', 'partial', 'complete', 'keywords-only']),
    model: z.string().nullable(),
    usage: z.object({ inputTokens: z.number(), outputTokens: z.number() }).nullable(),
  }),
});
export type RunManifest = z.infer<typeof RunManifest>;

/** A run as the server hands it out (POST /runs/load) and the extension shows it. */
export const LoadedRun = z.object({ runDir: z.string(), manifest: RunManifest, clusters: z.array(ClusterRecord) });
export type LoadedRun = z.infer<typeof LoadedRun>;

/** The clusters after an edit (POST /runs/edit). */
export const RunEditResult = z.object({ clusters: z.array(ClusterRecord) });
export type RunEditResult = z.infer<typeof RunEditResult>;

/**
 * One row of the input in assignments.csv, as the server holds it. `row` is the 1-based data row
 * (header excluded), `line` the physical line where it starts (they differ after quoted newlines),
 * `wasNoise` whether HDBSCAN left it unclustered before outlier reassignment, `label` the label
 * column's value (only in runs with one).
 */
export const AssignmentRow = z.object({
  row: z.number().int().min(1),
  line: z.number().int().min(1),
  text: z.string(),
  cluster: z.string().min(1),
  probability: z.number(),
  outlierScore: z.number(),
  wasNoise: z.boolean(),
  x: z.number(),
  y: z.number(),
  label: z.string().optional(),
});
export type AssignmentRow = z.infer<typeof AssignmentRow>;

/** The columns of assignments.csv in file order; `label` follows only in runs with a label column. */
export const ASSIGNMENT_COLUMNS = ['row', 'line', 'text', 'cluster', 'probability', 'outlier_score', 'was_noise', 'x', 'y'] as const;
export const ASSIGNMENT_LABEL_COLUMN = 'label';

/** A cell that must hold a finite number (the file stores 4 decimals; `row` and `line` are integers). */
const numberCell = z.string().trim().min(1, 'empty, expected a number').transform(Number).pipe(z.number());
const intCell = numberCell.pipe(z.number().int().min(1));

/** One line of assignments.csv as read (every cell a string), decoded into an AssignmentRow. */
export const AssignmentCsvRow = z
  .object({
    row: intCell,
    line: intCell,
    text: z.string(),
    cluster: z.string().min(1),
    probability: numberCell,
    outlier_score: numberCell,
    was_noise: z.enum(['0', '1']),
    x: numberCell,
    y: numberCell,
    label: z.string().optional(),
  })
  .transform(
    (r): AssignmentRow => ({
      row: r.row,
      line: r.line,
      text: r.text,
      cluster: r.cluster,
      probability: r.probability,
      outlierScore: r.outlier_score,
      wasNoise: r.was_noise === '1',
      x: r.x,
      y: r.y,
      ...(r.label !== undefined ? { label: r.label } : {}),
    }),
  );

/** A score JSON could not hold: NaN (e.g. ARI of a one-row run) is written as null and read back as NaN. */
const score = z
  .number()
  .nullable()
  .transform((x) => x ?? Number.NaN);

export const ClusterScores = z.object({ n: z.number().int(), ari: score, nmi: score, homogeneity: score, completeness: score, vMeasure: score });
export type ClusterScores = z.infer<typeof ClusterScores>;

/** For one label: the cluster holding most of its rows, and the share of the label it holds. */
export const LabelPurity = z.object({ label: z.string(), size: z.number().int(), cluster: z.string(), share: score });
export type LabelPurity = z.infer<typeof LabelPurity>;

export const Contingency = z.object({
  labels: z.array(z.string()),
  clusters: z.array(z.string()),
  /** counts[labelIndex][clusterIndex] */
  counts: z.array(z.array(z.number().int())),
});
export type Contingency = z.infer<typeof Contingency>;

/** A clustering scored against a label column, with noise counted as one more cluster and with noise rows left out. */
export const Evaluation = z.object({
  withNoise: ClusterScores,
  withoutNoise: ClusterScores,
  noiseRows: z.number().int(),
  purity: z.array(LabelPurity),
  contingency: Contingency,
});
export type Evaluation = z.infer<typeof Evaluation>;

/** metrics.json: the evaluation at the top level and at the leaves (only when the run has a label column), and the auto-size sweep (null for a fixed size). */
export const MetricsFile = z.object({
  labelColumn: z.string().nullable(),
  topLevel: Evaluation.optional(),
  leafLevel: Evaluation.optional(),
  sweep: z.array(SweepRow).nullable(),
});
export type MetricsFile = z.infer<typeof MetricsFile>;

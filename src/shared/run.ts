/**
 * The run folder: what "Cluster This CSV" writes, what labelling enriches and the extension shows.
 * One folder per run, written atomically (built in a temp sibling, then renamed):
 *   run.json         RunManifest
 *   clusters.json    ClustersFile (every cluster and sub-cluster, flat, parent links)
 *   assignments.csv  row,text,cluster,probability,outlier_score,x,y[,label]   (row = 1-based data row of the input, header excluded)
 *   metrics.json     evaluation against the label column, when one was given
 *   summary.md       the readable report
 *   map.png          2-D map coloured by cluster (map-labels.png coloured by the label column, when given)
 * A "cluster path" names a cluster everywhere (code, API, UI): `root.0`, `root.0.1`, `root.0.noise`.
 */
import { z } from 'zod';

export const RUN_FORMAT_VERSION = 1;

export const Keyword = z.object({ term: z.string(), score: z.number() });
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

/** A few probe texts and their vectors under one embedding model (server/classify/embeddingIdentity.ts). */
export const EmbeddingFingerprint = z
  .object({ texts: z.array(z.string()).min(1), vectors: z.array(z.array(z.number())) })
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

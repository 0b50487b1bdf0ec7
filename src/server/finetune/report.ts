/**
 * finetune-eval.json: what was trained on what, how long it took, and the three spaces (base model,
 * today's adapter on it, fine-tuned model) scored on the held-out labels and on held-out rows of the
 * training labels. Read back by `npm run bench:finetune` and the tests, so it has a schema.
 */
import { z } from 'zod';

const Scores = z.object({
  rows: z.number(),
  labels: z.number(),
  /** k-means (k = labels), mean of several seeds. */
  ari: z.number(),
  nmi: z.number(),
  /** The cluster engine's top level (UMAP + HDBSCAN, automatic size), noise as one more cluster. */
  pipeline: z.object({ ari: z.number(), nmi: z.number(), clusters: z.number(), noise: z.number() }),
  knnAccuracy: z.number(),
  intraCosine: z.number(),
  interCosine: z.number(),
});

const SpaceResult = z.object({
  /** null when no labels were held out. */
  heldOutLabels: Scores.nullable(),
  heldOutRows: Scores,
});

export const SPACES = ['base', 'adapter', 'finetuned'] as const;

export const FinetuneEval = z.object({
  data: z.object({
    csv: z.string(),
    textColumn: z.string(),
    labelColumn: z.string(),
    /** Distinct texts (a repeated text once). */
    rows: z.number(),
    duplicatesDropped: z.number(),
    trainLabels: z.array(z.string()),
    holdoutLabels: z.array(z.string()),
    trainRows: z.number(),
    heldOutRows: z.number(),
    holdoutRows: z.number(),
  }),
  training: z.object({
    device: z.string(),
    threads: z.number(),
    pairs: z.number(),
    steps: z.number(),
    batch: z.number(),
    epochs: z.number(),
    lr: z.number(),
    seed: z.number(),
    trainSeconds: z.number(),
    exportSeconds: z.number(),
    finalLoss: z.number().nullable(),
  }),
  model: z.object({
    id: z.string(),
    onnxSha256: z.string(),
    baseId: z.string(),
    baseOnnxSha256: z.string(),
    /** The manifest's lineage ("finetuned:<sha256 of the fp32 ONNX>"): what keeps it apart from the base model. */
    lineage: z.string(),
    /** Smallest and largest cosine between the base's and the tuned model's fingerprint probe vectors. */
    probeCosineToBase: z.object({ min: z.number(), max: z.number() }),
    parity: z.object({ fp32MinCosine: z.number(), q8MinCosine: z.number() }),
  }),
  method: z.object({
    clustering: z.string(),
    pipeline: z.string(),
    knn: z.string(),
    adapter: z.string(),
  }),
  spaces: z.object({ base: SpaceResult, adapter: SpaceResult, finetuned: SpaceResult }),
  evalSeconds: z.number(),
});
export type FinetuneEval = z.infer<typeof FinetuneEval>;

const NAMES: Record<(typeof SPACES)[number], string> = { base: 'base model', adapter: 'adapter (today)', finetuned: 'fine-tuned' };

/** The comparison as plain-text tables, one per evaluation set (the CLI's and the bench's output). */
export function evalTable(r: FinetuneEval): string {
  const head = ['k-means ARI', 'NMI', 'HDBSCAN ARI', 'NMI', 'clusters', 'noise', 'kNN', 'intra', 'inter'];
  const widths = head.map((h) => Math.max(6, h.length));
  const row = (name: string, cells: string[]) => `${name.padEnd(16)} ${cells.map((c, i) => c.padStart(widths[i])).join(' ')}`;
  const cells = (s: z.infer<typeof Scores>) => [s.ari, s.nmi, s.pipeline.ari, s.pipeline.nmi].map((v) => v.toFixed(3)).concat([String(s.pipeline.clusters), `${(s.pipeline.noise * 100).toFixed(1)}%`], [s.knnAccuracy, s.intraCosine, s.interCosine].map((v) => v.toFixed(3)));
  const lines: string[] = [];
  const block = (title: string, pick: (s: (typeof r.spaces)['base']) => z.infer<typeof Scores> | null) => {
    const first = pick(r.spaces.base);
    if (!first) return;
    lines.push(`${title} (${first.labels} labels, ${first.rows} rows)`, row('', head));
    for (const s of SPACES) lines.push(row(NAMES[s], cells(pick(r.spaces[s])!)));
    lines.push('');
  };
  block('held-out labels, never trained on', (s) => s.heldOutLabels);
  block('held-out rows of the training labels', (s) => s.heldOutRows);
  const t = r.training;
  lines.push(
    `k-means: ${r.method.clustering}; HDBSCAN: ${r.method.pipeline}; kNN: ${r.method.knn}; intra/inter: mean cosine of same-label / different-label pairs.`,
    `training: ${t.pairs} pairs, ${t.steps} steps of ${t.batch}, ${t.epochs} epoch(s) on ${t.device}${t.device === 'cpu' ? ` (${t.threads} threads)` : ''}: ${t.trainSeconds.toFixed(1)} s; export + int8 + parity ${t.exportSeconds.toFixed(1)} s (q8 min cosine ${r.model.parity.q8MinCosine.toFixed(4)}); evaluation ${r.evalSeconds.toFixed(1)} s.`,
  );
  return lines.join('\n');
}

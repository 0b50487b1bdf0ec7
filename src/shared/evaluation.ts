/**
 * The evaluation of a classifier on a labelled CSV (issue 15, "Evaluate Classifier"): one head (a
 * label column) judged row by row. `ticket-lens eval --out DIR` writes it as evaluation.json (this
 * schema) beside evaluation.md and SVG pictures; the POST /evaluate job returns it and the evaluation
 * webview draws it. The engine is src/server/evaluation.
 *
 * Rows are carried with their row and line numbers (CSV records may span lines), so every view can
 * open the CSV where a row starts. Example texts are the tickets as written: views show them as text.
 */
import * as z from 'zod';
import { RowRef } from './profile';

export const EVALUATION_JSON = 'evaluation.json';
export const EVALUATION_MD = 'evaluation.md';
export const EVALUATION_SVGS = ['confusion.svg', 'per-class.svg', 'roc.svg', 'reliability.svg'] as const;
/** Written beside them when the classifier has an adapter. */
export const ADAPTER_MAPS_SVG = 'adapter-maps.svg';

/** Bins of the reliability diagram (equal width over [0, 1]; lo < p ≤ hi, as scikit-learn's calibration_curve). */
export const RELIABILITY_BINS = 10;
/** Rows kept per confusion-matrix cell for the view to list (the telling ones first; see Cell). */
export const MAX_CELL_ROWS = 50;
/** Likely mislabelled rows kept, the most suspicious first. */
export const MAX_LABEL_ISSUES = 500;
/** Points kept per ROC curve (thinned evenly; the AUC is computed on the full curve). */
export const MAX_ROC_POINTS = 200;

export const EvaluateRequest = z.object({
  csvPath: z.string().min(1),
  textColumn: z.string().min(1),
  labelColumn: z.string().min(1),
  /** A .tlc file or the name of a shipped classifier. */
  model: z.string().min(1),
  /** The classifier's task judged against the label column (default: the task trained from a column of that name). */
  task: z.string().min(1).optional(),
  /** k of the k-fold out-of-fold training that finds likely mislabelled rows; 0 skips that search. */
  folds: z.number().int().min(0).max(10).refine((k) => k !== 1, 'folds is 0 (no search) or at least 2').default(5),
});
export type EvaluateRequest = z.input<typeof EvaluateRequest>;
export type EvaluateRequestParsed = z.infer<typeof EvaluateRequest>;

/** One row of the CSV as the evaluation saw it. */
export const EvalRow = RowRef.extend({
  text: z.string(),
  /** The label the CSV gives. */
  label: z.string(),
  /** The classifier's top class and its probability. */
  predicted: z.string(),
  confidence: z.number(),
});
export type EvalRow = z.infer<typeof EvalRow>;

/**
 * A non-empty cell of the confusion matrix and some of its rows: in a wrong cell the most confidently
 * wrong first, on the diagonal the least confidently right first.
 */
export const Cell = z.object({ truth: z.number().int(), predicted: z.number().int(), count: z.number().int(), rows: z.array(EvalRow) });
export type Cell = z.infer<typeof Cell>;

export const ClassScores = z.object({
  label: z.string(),
  precision: z.number(),
  recall: z.number(),
  f1: z.number(),
  /** Rows whose given label is this class. */
  support: z.number().int(),
});
export type ClassScores = z.infer<typeof ClassScores>;

/** [false-positive rate, true-positive rate] points from (0, 0) to (1, 1). */
export const RocCurve = z.object({ label: z.string(), auc: z.number().nullable(), points: z.array(z.tuple([z.number(), z.number()])) });
export type RocCurve = z.infer<typeof RocCurve>;

export const ReliabilityBin = z.object({
  lo: z.number(),
  hi: z.number(),
  count: z.number().int(),
  /** Mean top-class probability of the bin's rows (null: an empty bin). */
  meanConfidence: z.number().nullable(),
  /** Share of the bin's rows predicted right. */
  accuracy: z.number().nullable(),
});
export type ReliabilityBin = z.infer<typeof ReliabilityBin>;

/** A pair of classes the classifier mixes up (given → predicted) with up to three of its rows. */
export const ConfusedPairRows = z.object({ truth: z.string(), predicted: z.string(), count: z.number().int(), examples: z.array(EvalRow) });
export type ConfusedPairRows = z.infer<typeof ConfusedPairRows>;

/** A row whose given label disagrees with a confident out-of-fold prediction. */
export const LabelIssue = RowRef.extend({
  text: z.string(),
  given: z.string(),
  /** The class the out-of-fold model is confident of. */
  suggested: z.string(),
  /** Out-of-fold probability of the given label (the rank: lowest first). */
  selfConfidence: z.number(),
  suggestedConfidence: z.number(),
});
export type LabelIssue = z.infer<typeof LabelIssue>;

export const LabelIssues = z.object({
  folds: z.number().int(),
  /** How the rows were found, in words (shown in the views). */
  method: z.string(),
  /** Accuracy of the out-of-fold predictions against the given labels. */
  outOfFoldAccuracy: z.number(),
  /** Rows found, before MAX_LABEL_ISSUES cuts the list. */
  found: z.number().int(),
  rows: z.array(LabelIssue),
});
export type LabelIssues = z.infer<typeof LabelIssues>;

/** Rows laid out in each 2-D map of the adapter's effect (a seeded sample of larger files). */
export const MAX_ADAPTER_MAP_ROWS = 2000;

/**
 * The same rows laid out in 2-D (UMAP) from the base vectors and from the vectors through the adapter:
 * `label[i]` indexes Evaluation.labels (the row's given label); the maps are x, y pairs, row i at 2i.
 */
export const AdapterMaps = z.object({ label: z.array(z.number().int().min(0)), base: z.array(z.number()), adapted: z.array(z.number()) }).refine((m) => m.base.length === 2 * m.label.length && m.adapted.length === m.base.length, 'each map holds an x, y pair per row');
export type AdapterMaps = z.infer<typeof AdapterMaps>;

/** k-means (k = classes) on the rows' vectors without and with the classifier's adapter, against the labels; and both as 2-D maps. */
export const AdapterEffect = z.object({ ariBase: z.number(), ariAdapted: z.number(), nmiBase: z.number(), nmiAdapted: z.number(), maps: AdapterMaps.optional() });
export type AdapterEffect = z.infer<typeof AdapterEffect>;

export const Evaluation = z.object({
  input: z.object({ path: z.string(), textColumn: z.string(), labelColumn: z.string() }),
  model: z.object({ name: z.string(), path: z.string(), task: z.string(), adapter: z.boolean() }),
  createdAt: z.string(),
  rows: z.number().int(),
  accuracy: z.number(),
  macroF1: z.number(),
  weightedF1: z.number(),
  /** Mean one-vs-rest ROC-AUC over the classes with both positives and negatives. */
  macroAuc: z.number().nullable(),
  /** The classes shown (the model's classes present in the labels or the predictions), in `order`. */
  labels: z.array(z.string()),
  /** How `labels` is sorted, in words. */
  order: z.string(),
  /** confusion[truth][predicted] over `labels`. */
  confusion: z.array(z.array(z.number().int())),
  cells: z.array(Cell),
  perClass: z.array(ClassScores),
  roc: z.object({ perClass: z.array(RocCurve), micro: RocCurve }),
  reliability: z.object({ bins: z.array(ReliabilityBin), ece: z.number() }),
  confusedPairs: z.array(ConfusedPairRows),
  /** null: not looked for (folds 0, or fewer than two rows per fold). */
  labelIssues: LabelIssues.nullable(),
  adapterEffect: AdapterEffect.nullable(),
});
export type Evaluation = z.infer<typeof Evaluation>;

// ---- The evaluation webview's messages (both directions), parsed on receipt like the profile's.

export const EvaluationHostToWebview = z.discriminatedUnion('type', [z.object({ type: z.literal('evaluation'), evaluation: Evaluation }), z.object({ type: z.literal('error'), message: z.string() })]);
export type EvaluationHostToWebview = z.infer<typeof EvaluationHostToWebview>;

export const EvaluationWebviewToHost = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  /** Open the evaluated CSV at a row. */
  z.object({ type: z.literal('reveal'), row: z.number().int().min(1), line: z.number().int().min(1) }),
]);
export type EvaluationWebviewToHost = z.infer<typeof EvaluationWebviewToHost>;

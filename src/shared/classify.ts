/**
 * Classification contract: label sets (zero-shot), trained-model training/evaluation parameters and
 * results, and the /classify request/response. One schema per concept; the server, the CLI and the
 * extension's client all import the types inferred from these.
 */
import * as z from 'zod';

// ---- Label sets (zero-shot): names + descriptions + optional example phrases.

export const LabelDef = z.object({
  name: z.string().trim().min(1, 'a label name must not be empty'),
  description: z.string().trim().min(1, 'a label description must not be empty'),
  examples: z.array(z.string().trim().min(1, 'an example phrase must not be empty')).default([]),
});
export type LabelDef = z.infer<typeof LabelDef>;

export const LabelSet = z
  .object({
    /** The task name the predictions are reported under (e.g. "category"). */
    name: z.string().trim().min(1, 'a label set needs a name').regex(/^[A-Za-z0-9_.-]+$/, 'a label set name may hold letters, digits, "_", "." and "-" only'),
    description: z.string().optional(),
    multiLabel: z.boolean().default(false),
    /**
     * Softmax temperature over the labels' similarities, fitted on labelled texts (bench:classify prints
     * the fit); absent: the default in zeroShot.ts. Smaller = more confident.
     */
    temperature: z.number().positive().max(1).optional(),
    labels: z.array(LabelDef).min(2, 'a label set needs at least two labels'),
  })
  .superRefine((s, ctx) => {
    const seen = new Set<string>();
    s.labels.forEach((l, i) => {
      if (seen.has(l.name.toLowerCase())) ctx.addIssue({ code: 'custom', path: ['labels', i, 'name'], message: `the label "${l.name}" appears twice` });
      seen.add(l.name.toLowerCase());
    });
  });
export type LabelSet = z.infer<typeof LabelSet>;

export const LabelsFile = z.object({
  version: z.literal(1).default(1),
  sets: z.array(LabelSet).min(1, 'the file defines no label sets'),
});
export type LabelsFile = z.infer<typeof LabelsFile>;

// ---- Training

export const TrainParams = z.object({
  seed: z.number().int().default(42),
  /** Share of each class held out for validation (early stopping, thresholds, calibration). */
  valFraction: z.number().min(0.05).max(0.5).default(0.1),
  /** 0 = a linear (softmax / sigmoid) head; > 0 = one hidden layer of this width. */
  hidden: z.number().int().min(0).max(2048).default(0),
  epochs: z.number().int().min(1).max(500).default(20),
  batchSize: z.number().int().min(8).max(4096).default(64),
  lr: z.number().positive().default(0.02),
  weightDecay: z.number().min(0).default(1e-4),
  /** Epochs without validation improvement before stopping. */
  patience: z.number().int().min(1).default(5),
  /** Inverse-frequency class weights in the loss (imbalanced data). */
  classWeighting: z.boolean().default(true),
  /** Train the contrastive adapter and classify on adapted vectors. */
  adapter: z.boolean().default(false),
  /** Weight of a kNN vote over stored training examples blended into the head's probabilities (0 = off; auto = best on validation). */
  knnBlend: z.union([z.number().min(0).max(1), z.literal('auto')]).default('auto'),
  knnK: z.number().int().min(1).max(100).default(10),
  /** Training examples stored per class in the model file (kNN blend, explanations, reject option). */
  examplesPerClass: z.number().int().min(1).max(1000).default(64),
});
export type TrainParams = z.infer<typeof TrainParams>;

export const ClassMetrics = z.object({
  label: z.string(),
  precision: z.number(),
  recall: z.number(),
  f1: z.number(),
  support: z.number().int(),
  rocAuc: z.number().nullable(),
});
export type ClassMetrics = z.infer<typeof ClassMetrics>;

export const ConfusedPair = z.object({
  truth: z.string(),
  predicted: z.string(),
  count: z.number().int(),
  examples: z.array(z.string()),
});
export type ConfusedPair = z.infer<typeof ConfusedPair>;

export const TaskReport = z.object({
  task: z.string(),
  multiLabel: z.boolean(),
  n: z.number().int(),
  accuracy: z.number(),
  macro_f1: z.number(),
  micro_f1: z.number(),
  weighted_f1: z.number(),
  /** Mean one-vs-rest ROC-AUC over the classes present in the data. */
  roc_auc_ovr: z.number().nullable(),
  /** Expected calibration error of the top label's confidence (15 equal-width bins). */
  ece: z.number(),
  /** Multi-label only: every label right / share of label decisions wrong. */
  exact_match: z.number().optional(),
  hamming_loss: z.number().optional(),
  /** Rows the reject option turned into "unknown" (counted as errors above). */
  unknown: z.number().int(),
  per_class: z.array(ClassMetrics),
  confusion: z.object({ labels: z.array(z.string()), matrix: z.array(z.array(z.number().int())) }),
  most_confused: z.array(ConfusedPair),
});
export type TaskReport = z.infer<typeof TaskReport>;

export const EvalReport = z.object({
  model: z.string(),
  data: z.string(),
  createdAt: z.string(),
  tasks: z.array(TaskReport),
});
export type EvalReport = z.infer<typeof EvalReport>;

export const TaskTrainSummary = z.object({
  task: z.string(),
  multiLabel: z.boolean(),
  classes: z.number().int(),
  trainRows: z.number().int(),
  valRows: z.number().int(),
  epochs: z.number().int(),
  bestEpoch: z.number().int(),
  valAccuracy: z.number(),
  valMacroF1: z.number(),
  /** Softmax temperature fitted on validation (calibration). */
  temperature: z.number(),
  thresholds: z.array(z.number()).optional(),
});
export type TaskTrainSummary = z.infer<typeof TaskTrainSummary>;

export const TrainResult = z.object({
  modelPath: z.string(),
  rows: z.number().int(),
  tasks: z.array(TaskTrainSummary),
  adapter: z
    .object({ valAccuracyWithout: z.number(), valAccuracyWith: z.number(), ariWithout: z.number(), ariWith: z.number(), nmiWithout: z.number(), nmiWith: z.number() })
    .nullable(),
  timings: z.record(z.string(), z.number()),
});
export type TrainResult = z.infer<typeof TrainResult>;

export const TrainRequest = z.object({
  csvPath: z.string().min(1),
  textColumn: z.string().min(1),
  labelColumns: z.array(z.string().min(1)).default([]),
  multiLabelColumns: z.array(z.string().min(1)).default([]),
  /** Separator of the labels inside a multi-label cell. */
  sep: z.string().min(1).default(';'),
  outPath: z.string().min(1),
  params: TrainParams.default(TrainParams.parse({})),
});
export type TrainRequest = z.input<typeof TrainRequest>;

// ---- /classify

export const MAX_CLASSIFY_BATCH = 512;

export const ClassifyRequest = z.object({
  /** Any length: the server reads the first MAX_TEXT_CHARS characters of each (see api.ts). */
  texts: z.array(z.string()).min(1).max(MAX_CLASSIFY_BATCH),
  /** Trained models: a model file path, or the name of a shipped default ("bitext", "banking77"). */
  models: z.array(z.string().min(1)).default([]),
  /** Zero-shot label sets by name (built-in: category, priority, sentiment; or the workspace's). Default: all when no models are given. */
  labelSets: z.array(z.string().min(1)).optional(),
  /** Folder whose `.ticket-lens/labels.json` adds or overrides label sets. */
  workspace: z.string().optional(),
  topK: z.number().int().min(1).max(20).default(3),
  /** Return "unknown" for texts unlike every class. */
  reject: z.boolean().default(true),
  /** Nearest training examples and per-word contributions (slower: one embedding per word). */
  explain: z.boolean().default(false),
});
export type ClassifyRequest = z.input<typeof ClassifyRequest>;
export type ClassifyRequestParsed = z.infer<typeof ClassifyRequest>;

export const Explanation = z.object({
  /** Most similar stored training examples (trained models) or label-set phrases (zero-shot). */
  nearest: z.array(z.object({ text: z.string(), label: z.string(), similarity: z.number() })),
  /** Drop of the predicted label's score when the word is removed (positive: the word supports it). */
  words: z.array(z.object({ word: z.string(), contribution: z.number(), stopWord: z.boolean().optional() })),
});
export type Explanation = z.infer<typeof Explanation>;

export const TaskPrediction = z.object({
  task: z.string(),
  /** "zero-shot" or the model's name. */
  source: z.string(),
  multiLabel: z.boolean(),
  /** The top label, or "unknown" when rejected. */
  label: z.string(),
  confidence: z.number(),
  /** Multi-label: every label predicted present. */
  labels: z.array(z.string()).optional(),
  topK: z.array(z.object({ label: z.string(), score: z.number() })),
  unknown: z.boolean(),
  /** Zero-shot, one label per text: the top two labels are too close to call (see zeroShot.ts). */
  uncertain: z.boolean().optional(),
  reason: z.string().optional(),
  explanation: Explanation.optional(),
});
export type TaskPrediction = z.infer<typeof TaskPrediction>;

export const ClassifyResponse = z.object({
  model: z.string(),
  results: z.array(z.object({ tasks: z.array(TaskPrediction) })),
});
export type ClassifyResponse = z.infer<typeof ClassifyResponse>;

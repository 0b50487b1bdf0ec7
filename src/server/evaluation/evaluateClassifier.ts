/**
 * The evaluation of one head of a classifier on a labelled CSV, stage by stage: read the rows, embed
 * them (inference thread), score them with the classifier as it predicts (adapter, head, kNN blend),
 * the figures in a worker thread (figures.ts), the rows behind each confusion cell, the most confused
 * pairs, likely mislabelled rows from k-fold out-of-fold heads (outOfFold.ts, labelIssues.ts) and, for
 * a classifier with an adapter, how much it moves k-means towards the labels and the rows' 2-D maps
 * without and with it (adapterMaps.ts). Plain data out: writing it is writeEvaluation.ts's job.
 */
import { TicketLensError, type JobProgress } from '../../shared/api';
import { MAX_CELL_ROWS, MAX_LABEL_ISSUES, type AdapterEffect, type Cell, type ConfusedPairRows, type EvalRow, type Evaluation, type EvaluateRequestParsed, type LabelIssues } from '../../shared/evaluation';
import { agreementTask } from '../classify/adapter';
import type { TrainedClassifier } from '../classify/classifier';
import { matchTasks } from '../classify/evaluate';
import type { Embedder } from '../embed/types';
import { Prng } from '../vectors/prng';
import { runTask } from '../workers/pool';
import { adapterMaps } from './adapterMaps';
import { ORDER_DESCRIPTION } from './classOrder';
import { evaluationFiguresTask } from './figures';
import { CONFIDENT_LEARNING, confidentLearningIssues } from './labelIssues';
import { outOfFoldProbabilities } from './outOfFold';
import { readLabelledRows, type LabelledRows } from './readRows';

export interface EvaluateDeps {
  classifier: (ref: string) => Promise<TrainedClassifier>;
  embedder: () => Promise<Embedder>;
  signal?: AbortSignal;
  progress?: (p: JobProgress) => void;
}

/** Ticket texts in the file are cut to this many characters (the view opens the row for the rest). */
const SHOWN_CHARS = 300;
/** Confused pairs listed, the most frequent first. */
const CONFUSED_PAIRS = 10;
/** Rows k-means runs on to measure the adapter's effect (a seeded sample of larger files): it is O(rows × classes × dim) per pass. */
const ADAPTER_SAMPLE = 3000;

const shown = (t: string) => (t.length > SHOWN_CHARS ? `${t.slice(0, SHOWN_CHARS - 1)}…` : t);

export async function evaluateClassifier(req: EvaluateRequestParsed, deps: EvaluateDeps): Promise<Evaluation> {
  const { signal } = deps;
  const progress = deps.progress ?? (() => undefined);
  progress({ stage: 'loading the classifier' });
  const clf = await deps.classifier(req.model);
  const ti = req.task === undefined ? matchTasks(clf, [req.labelColumn]).get(req.labelColumn)! : clf.tasks.findIndex((t) => t.name === req.task);
  if (ti < 0) throw new TicketLensError('bad_input', `The classifier has no task "${req.task}"; its tasks are ${clf.tasks.map((t) => `"${t.name}"`).join(', ')}.`);
  const task = clf.tasks[ti];
  if (task.multiLabel) throw new TicketLensError('bad_input', `The classifier's task "${task.name}" is multi-label; Evaluate Classifier draws single-label tasks (ticket-lens eval --out report.json reports multi-label ones).`);
  const labels = task.labels;
  const C = labels.length;
  progress({ stage: 'reading' });
  const data = await readLabelledRows(req.csvPath, req.textColumn, req.labelColumn, labels, signal);
  const n = data.texts.length;
  const embedder = await deps.embedder();
  const raw = await embedder.embed(data.texts, { signal, priority: 'background', onProgress: (done, total) => progress({ stage: 'embedding', done, total }) });
  progress({ stage: 'scoring' });
  const x = clf.toModelSpace(raw);
  const probs = (await clf.scores(x)).perTask[ti];
  progress({ stage: 'figures' });
  const f = await runTask(evaluationFiguresTask, { labels, truth: data.truth, probs }, { signal });

  const evalRow = (r: number): EvalRow => ({ row: data.row[r], line: data.line[r], text: shown(data.texts[r]), label: labels[data.truth[r]], predicted: labels[f.pred[r]], confidence: probs[r * C + f.pred[r]] });
  const cells = cellRows(f.order, data, f.pred, probs, C, evalRow);
  const pairs: ConfusedPairRows[] = cells
    .filter((c) => c.truth !== c.predicted)
    .sort((a, b) => b.count - a.count || a.truth - b.truth || a.predicted - b.predicted)
    .slice(0, CONFUSED_PAIRS)
    .map((c) => ({ truth: labels[f.order[c.truth]], predicted: labels[f.order[c.predicted]], count: c.count, examples: c.rows.slice(0, 3) }));

  let labelIssues: LabelIssues | null = null;
  // Every fold needs rows to train on and rows to predict: too small a file is not searched.
  if (req.folds >= 2 && n >= 2 * req.folds) {
    // On the base vectors, not through the adapter: an adapter trained on this very file has seen every row's label.
    const oof = await outOfFoldProbabilities(raw, clf.dim, data.truth, labels, clf.data.header.params, req.folds, { signal, onFold: (done, total) => progress({ stage: 'out-of-fold training', done, total }) });
    const found = confidentLearningIssues(oof, data.truth, C);
    let right = 0;
    for (let r = 0; r < n; r++) {
      let b = 0;
      for (let c = 1; c < C; c++) if (oof[r * C + c] > oof[r * C + b]) b = c;
      if (b === data.truth[r]) right++;
    }
    labelIssues = {
      folds: req.folds,
      method: CONFIDENT_LEARNING(req.folds),
      outOfFoldAccuracy: right / n,
      found: found.length,
      rows: found.slice(0, MAX_LABEL_ISSUES).map((i) => ({
        row: data.row[i.index],
        line: data.line[i.index],
        text: shown(data.texts[i.index]),
        given: labels[data.truth[i.index]],
        suggested: labels[i.suggested],
        selfConfidence: i.selfConfidence,
        suggestedConfidence: i.suggestedConfidence,
      })),
    };
  }

  let adapterEffect: AdapterEffect | null = null;
  if (clf.data.adapter) {
    progress({ stage: 'adapter effect' });
    adapterEffect = await adapterAgreement(raw, x, clf.dim, data, labels, clf.data.header.params.seed, signal);
    progress({ stage: 'adapter maps' });
    // Labels as the evaluation lists them (f.order): every given label is among them.
    const shownAt = new Map(f.order.map((c, i) => [c, i]));
    adapterEffect.maps = await adapterMaps(raw, x, clf.dim, Array.from(data.truth, (t) => shownAt.get(t)!), clf.data.header.params.seed, signal);
  }

  return {
    input: { path: data.path, textColumn: req.textColumn, labelColumn: req.labelColumn },
    model: { name: clf.name, path: clf.path, task: task.name, adapter: clf.data.adapter !== null },
    createdAt: new Date().toISOString(),
    rows: n,
    accuracy: f.accuracy,
    macroF1: f.macroF1,
    weightedF1: f.weightedF1,
    macroAuc: f.macroAuc,
    labels: f.order.map((c) => labels[c]),
    order: ORDER_DESCRIPTION,
    confusion: f.confusion,
    cells,
    perClass: f.perClass,
    roc: f.roc,
    reliability: f.reliability,
    confusedPairs: pairs,
    labelIssues,
    adapterEffect,
  };
}

/** Every non-empty cell (indices into `order`) with its telling rows: confidently wrong, or barely right. */
function cellRows(order: number[], data: LabelledRows, pred: Int32Array, probs: Float32Array, C: number, evalRow: (r: number) => EvalRow): Cell[] {
  const at = new Map(order.map((c, i) => [c, i]));
  const byCell = new Map<number, number[]>();
  for (let r = 0; r < data.truth.length; r++) {
    const key = at.get(data.truth[r])! * order.length + at.get(pred[r])!;
    const l = byCell.get(key);
    if (l) l.push(r);
    else byCell.set(key, [r]);
  }
  const conf = (r: number) => probs[r * C + pred[r]];
  return [...byCell.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([key, rows]) => {
      const truth = Math.floor(key / order.length);
      const predicted = key % order.length;
      const sorted = [...rows].sort((a, b) => (truth === predicted ? conf(a) - conf(b) : conf(b) - conf(a)) || a - b);
      return { truth, predicted, count: rows.length, rows: sorted.slice(0, MAX_CELL_ROWS).map(evalRow) };
    });
}

/** ARI / NMI of k-means against the labels, on the vectors without and with the adapter (the same rows). */
async function adapterAgreement(raw: Float32Array, adapted: Float32Array, dim: number, data: LabelledRows, labels: readonly string[], seed: number, signal?: AbortSignal): Promise<AdapterEffect> {
  const n = data.truth.length;
  let rows = Array.from({ length: n }, (_, i) => i);
  if (n > ADAPTER_SAMPLE) {
    const rng = new Prng(seed ^ 0x68e31da4);
    for (let i = n - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [rows[i], rows[j]] = [rows[j], rows[i]];
    }
    rows = rows.slice(0, ADAPTER_SAMPLE).sort((a, b) => a - b);
  }
  const pick = (v: Float32Array) => {
    const o = new Float32Array(rows.length * dim);
    rows.forEach((r, i) => o.set(v.subarray(r * dim, (r + 1) * dim), i * dim));
    return o;
  };
  const given = rows.map((r) => labels[data.truth[r]]);
  const base = await runTask(agreementTask, { x: pick(raw), dim, labels: given, seed }, { signal });
  const tuned = await runTask(agreementTask, { x: pick(adapted), dim, labels: given, seed }, { signal });
  return { ariBase: base.ari, ariAdapted: tuned.ari, nmiBase: base.nmi, nmiAdapted: tuned.nmi };
}

/**
 * `ticket-lens eval`: a trained model against a labelled CSV → report.json (per task: accuracy,
 * macro / micro / weighted F1, per-class P/R/F1, confusion, one-vs-rest ROC-AUC, calibration error;
 * exact match and Hamming loss for multi-label) and a markdown report a person reads: the headline
 * figures, the weakest classes, and the most-confused pairs with example texts.
 */
import type { EvalReport, TaskReport } from '../../shared/api';
import { TicketLensError } from '../../shared/api';
import type { TrainedClassifier } from './classifier';
import type { LabelledData } from './dataset';
import { multiLabelScores, singleLabelScores } from './metrics';
import { splitLabels } from './dataset';
import { markdownCode, markdownText } from '../run/markdownText';

export interface EvaluateOptions {
  /** Apply the reject option (rejected rows count as errors). */
  reject: boolean;
  modelName: string;
}

/** Finds which task of the model each labelled column evaluates. */
export function matchTasks(clf: TrainedClassifier, columns: readonly string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const c of columns) {
    let ti = clf.tasks.findIndex((t) => t.column === c || t.name === c);
    if (ti < 0 && clf.tasks.length === 1 && columns.length === 1) ti = 0;
    if (ti < 0) throw new TicketLensError('bad_input', `The model has no task for the column "${c}"; its tasks are ${clf.tasks.map((t) => `"${t.name}"`).join(', ')}.`);
    out.set(c, ti);
  }
  return out;
}

export async function evaluateModel(clf: TrainedClassifier, data: LabelledData, vectors: Float32Array, opts: EvaluateOptions): Promise<EvalReport> {
  const x = clf.toModelSpace(vectors);
  const { perTask, neighbours } = await clf.scores(x);
  const n = data.texts.length;
  const rejecter = clf.rejecter(x, perTask, neighbours);
  /** Row r of a task's n × C probabilities is rejected (the same rule as TrainedClassifier.predict). */
  const rejected = (r: number, p: Float32Array, C: number) => {
    if (!opts.reject) return false;
    let top = 0;
    for (let c = 0; c < C; c++) top = Math.max(top, p[r * C + c]);
    return rejecter.rejected(r, top);
  };
  const columns = data.tasks.map((t) => t.column);
  const match = matchTasks(clf, columns);
  const tasks: TaskReport[] = data.tasks.map((lt) => {
    const ti = match.get(lt.column)!;
    const mt = clf.tasks[ti];
    const C = mt.labels.length;
    const p = perTask[ti];
    let unknown = 0;
    if (!mt.multiLabel) {
      const truth = lt.y!;
      const pred = new Int32Array(n);
      for (let r = 0; r < n; r++) {
        let b = 0;
        for (let c = 1; c < C; c++) if (p[r * C + c] > p[r * C + b]) b = c;
        pred[r] = rejected(r, p, C) ? -1 : b;
        if (pred[r] < 0) unknown++;
      }
      const s = singleLabelScores(mt.labels, truth, pred, p);
      const pairs: TaskReport['most_confused'] = [];
      for (let t = 0; t < C; t++) for (let q = 0; q <= C; q++) if (q !== t && s.confusion[t][q] > 0) pairs.push({ truth: mt.labels[t], predicted: q === C ? 'unknown' : mt.labels[q], count: s.confusion[t][q], examples: [] });
      pairs.sort((a, b) => b.count - a.count || a.truth.localeCompare(b.truth));
      const top = pairs.slice(0, 10);
      for (const pr of top) {
        for (let r = 0; r < n && pr.examples.length < 3; r++) {
          const pl = pred[r] < 0 ? 'unknown' : mt.labels[pred[r]];
          if (mt.labels[truth[r]] === pr.truth && pl === pr.predicted) pr.examples.push(data.texts[r]);
        }
      }
      return {
        task: mt.name,
        multiLabel: false,
        n,
        accuracy: s.accuracy,
        macro_f1: s.macro_f1,
        micro_f1: s.micro_f1,
        weighted_f1: s.weighted_f1,
        roc_auc_ovr: s.rocAucOvr,
        ece: s.ece,
        unknown,
        per_class: s.perClass,
        confusion: { labels: [...mt.labels, 'unknown'], matrix: s.confusion },
        most_confused: top,
      };
    }
    // multi-label: the columns' labels mapped onto the model's label list
    const truth = new Uint8Array(n * C);
    const pred = new Uint8Array(n * C);
    const idx = new Map(mt.labels.map((l, i) => [l, i]));
    for (let r = 0; r < n; r++) {
      for (const l of splitLabels(lt.raw[r], mt.sep ?? lt.sep ?? ';')) {
        const k = idx.get(l);
        if (k !== undefined) truth[r * C + k] = 1;
      }
      if (rejected(r, p, C)) {
        unknown++;
        continue;
      }
      for (let c = 0; c < C; c++) pred[r * C + c] = p[r * C + c] >= (mt.thresholds?.[c] ?? 0.5) ? 1 : 0;
    }
    const s = multiLabelScores(mt.labels, truth, pred, p);
    return {
      task: mt.name,
      multiLabel: true,
      n,
      accuracy: s.exactMatch,
      macro_f1: s.macro_f1,
      micro_f1: s.micro_f1,
      weighted_f1: s.weighted_f1,
      roc_auc_ovr: s.rocAucOvr,
      ece: s.ece,
      exact_match: s.exactMatch,
      hamming_loss: s.hammingLoss,
      unknown,
      per_class: s.perClass,
      confusion: { labels: mt.labels, matrix: [] },
      most_confused: [],
    };
  });
  return { model: opts.modelName, data: data.path, createdAt: new Date().toISOString(), tasks };
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
// Class names and example texts come from the user's data: escaped like summary.md, so a ticket can't inject links or images into the preview.
const cell = (s: string) => markdownText(s.replace(/\s+/g, ' '));

export function reportMarkdown(r: EvalReport): string {
  const out: string[] = [`# Evaluation of ${markdownText(r.model)}`, '', `Data: ${markdownCode(r.data)} · ${r.createdAt}`, ''];
  for (const t of r.tasks) {
    out.push(`## ${markdownText(t.task)}${t.multiLabel ? ' (multi-label)' : ''}`, '');
    out.push('| metric | value |', '|---|---|');
    out.push(`| rows | ${t.n} |`);
    out.push(`| ${t.multiLabel ? 'exact match' : 'accuracy'} | ${pct(t.accuracy)} |`);
    out.push(`| macro F1 | ${pct(t.macro_f1)} |`, `| micro F1 | ${pct(t.micro_f1)} |`, `| weighted F1 | ${pct(t.weighted_f1)} |`);
    if (t.roc_auc_ovr !== null) out.push(`| ROC-AUC (one-vs-rest, mean) | ${t.roc_auc_ovr.toFixed(4)} |`);
    out.push(`| expected calibration error | ${t.ece.toFixed(4)} |`);
    if (t.hamming_loss !== undefined) out.push(`| Hamming loss | ${t.hamming_loss.toFixed(4)} |`);
    if (t.unknown) out.push(`| rejected as unknown | ${t.unknown} |`);
    out.push('');
    const worst = [...t.per_class].filter((c) => c.support > 0).sort((a, b) => a.f1 - b.f1).slice(0, 15);
    out.push(`### Weakest classes (of ${t.per_class.length})`, '', '| class | precision | recall | F1 | support |', '|---|---|---|---|---|');
    for (const c of worst) out.push(`| ${cell(c.label)} | ${pct(c.precision)} | ${pct(c.recall)} | ${pct(c.f1)} | ${c.support} |`);
    out.push('');
    if (t.most_confused.length) {
      out.push('### Most confused pairs', '', '| true | predicted as | rows | examples |', '|---|---|---|---|');
      for (const p of t.most_confused) out.push(`| ${cell(p.truth)} | ${cell(p.predicted)} | ${p.count} | ${p.examples.map((e) => `“${cell(e.length > 80 ? `${e.slice(0, 77)}…` : e)}”`).join('<br>')} |`);
      out.push('');
    }
  }
  return `${out.join('\n')}\n`;
}

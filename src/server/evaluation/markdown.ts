/**
 * evaluation.md: the evaluation a person reads (VS Code's Markdown preview, a pull request): the
 * headline figures, the pictures beside it, the weakest classes, the most confused pairs and the
 * likely mislabelled rows with their row and line. Everything from the data is made inert
 * (run/markdownText.ts), as in summary.md.
 */
import { ADAPTER_MAPS_SVG, type Evaluation } from '../../shared/evaluation';
import { markdownCode, markdownText } from '../run/markdownText';

/** The first line of every evaluation.md: how an earlier one is told from someone else's file. */
export const EVALUATION_MD_TITLE = '# Classifier evaluation: ';

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const cell = (s: string) => markdownText(s, 120);

export function evaluationMarkdown(e: Evaluation): string {
  const file = e.input.path.split(/[\\/]/).pop() ?? e.input.path;
  const out = [
    `${EVALUATION_MD_TITLE}${markdownText(e.model.name)} on ${markdownText(file)}`,
    '',
    `Task ${markdownCode(e.model.task)} against the column ${markdownCode(e.input.labelColumn)} of ${markdownCode(e.input.path)} (${e.rows} rows) · ${e.createdAt}`,
    '',
    '| metric | value |',
    '|---|---|',
    `| accuracy | ${pct(e.accuracy)} |`,
    `| macro F1 | ${pct(e.macroF1)} |`,
    `| weighted F1 | ${pct(e.weightedF1)} |`,
    `| ROC-AUC (one-vs-rest, macro) | ${e.macroAuc === null ? 'n/a' : e.macroAuc.toFixed(4)} |`,
    `| ROC-AUC (micro) | ${e.roc.micro.auc === null ? 'n/a' : e.roc.micro.auc.toFixed(4)} |`,
    `| expected calibration error (${e.reliability.bins.length} bins) | ${e.reliability.ece.toFixed(4)} |`,
  ];
  if (e.labelIssues) out.push(`| likely mislabelled rows | ${e.labelIssues.found} |`, `| out-of-fold accuracy (${e.labelIssues.folds} folds) | ${pct(e.labelIssues.outOfFoldAccuracy)} |`);
  if (e.adapterEffect) {
    const a = e.adapterEffect;
    out.push(`| k-means ARI, base → adapter | ${a.ariBase.toFixed(3)} → ${a.ariAdapted.toFixed(3)} |`, `| k-means NMI, base → adapter | ${a.nmiBase.toFixed(3)} → ${a.nmiAdapted.toFixed(3)} |`);
  }
  out.push('', '![Confusion matrix](confusion.svg)', '', `Class order: ${markdownText(e.order)}.`, '', '![Precision, recall and F1 per class](per-class.svg)', '', '![ROC curves](roc.svg)', '', '![Reliability diagram](reliability.svg)', '');
  if (e.adapterEffect?.maps) out.push(`![The rows laid out from the base vectors and through the adapter, coloured by label](${ADAPTER_MAPS_SVG})`, '');
  const weakest = [...e.perClass].filter((c) => c.support > 0).sort((a, b) => a.f1 - b.f1).slice(0, 15);
  out.push(`## Weakest classes (of ${e.perClass.length})`, '', '| class | precision | recall | F1 | support |', '|---|---|---|---|---|');
  for (const c of weakest) out.push(`| ${cell(c.label)} | ${pct(c.precision)} | ${pct(c.recall)} | ${pct(c.f1)} | ${c.support} |`);
  out.push('');
  if (e.confusedPairs.length) {
    out.push('## Most confused pairs', '', '| given | predicted as | rows | examples (row: text) |', '|---|---|---|---|');
    for (const p of e.confusedPairs) out.push(`| ${cell(p.truth)} | ${cell(p.predicted)} | ${p.count} | ${p.examples.map((x) => `${x.row}: “${markdownText(x.text, 80)}”`).join('<br>')} |`);
    out.push('');
  }
  if (e.labelIssues) {
    const li = e.labelIssues;
    out.push('## Likely mislabelled rows', '', markdownText(li.method), '');
    if (li.rows.length) {
      out.push(`${li.found} found${li.found > li.rows.length ? `; the ${li.rows.length} most suspicious listed` : ''}.`, '', '| row | line | given | suggested | P(given) | text |', '|---|---|---|---|---|---|');
      for (const r of li.rows.slice(0, 100)) out.push(`| ${r.row} | ${r.line} | ${cell(r.given)} | ${cell(r.suggested)} | ${r.selfConfidence.toFixed(3)} | ${markdownText(r.text, 100)} |`);
      if (li.rows.length > 100) out.push('', `The rest are in evaluation.json.`);
    } else out.push('None found.');
    out.push('');
  }
  return `${out.join('\n')}\n`;
}

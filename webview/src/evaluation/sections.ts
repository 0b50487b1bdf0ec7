/**
 * The sections of the evaluation page, one function each, from the Evaluation as the server made it.
 * Every value from the file (texts, labels, column names) goes in as textContent: it is data.
 */
import type { Evaluation } from '../../../src/shared/evaluation';
import { PALETTE } from '../colours';
import { el } from '../dom';
import { bars, curves, scatter } from './charts';
import { heatmap } from './heatmap';
import { neighbourAgreement } from './mapAgreement';
import { pct, rowTable, type Reveal } from './rows';

/** ROC curves drawn in colour (the lowest AUC); the others are listed in the table. */
const NAMED_CURVES = 8;

function section(id: string, title: string): HTMLElement {
  const s = el('section', { 'aria-labelledby': id });
  s.append(el('h3', { id }, title));
  return s;
}

function card(value: string, key: string): HTMLElement {
  const c = el('div', { class: 'card' });
  c.append(el('span', { class: 'n' }, value), el('span', { class: 'k' }, key));
  return c;
}

export function overview(e: Evaluation): HTMLElement {
  const cards = el('div', { class: 'cards' });
  cards.append(card(e.rows.toLocaleString('en-US'), 'rows'), card(pct(e.accuracy), 'accuracy'), card(pct(e.macroF1), 'macro-F1'), card(e.macroAuc === null ? '–' : e.macroAuc.toFixed(3), 'ROC-AUC (macro)'), card(e.reliability.ece.toFixed(3), 'calibration error'));
  if (e.labelIssues) cards.append(card(e.labelIssues.found.toLocaleString('en-US'), 'likely mislabelled'));
  return cards;
}

export function confusion(e: Evaluation, reveal: Reveal): HTMLElement {
  const s = section('confusion', 'Confusion matrix');
  s.append(el('p', { class: 'note' }, `Rows: the label in “${e.input.labelColumn}”; columns: the prediction. Class order: ${e.order}.`), heatmap(e, reveal));
  return s;
}

export function perClass(e: Evaluation): HTMLElement {
  const s = section('per-class', 'Precision, recall and F1 per class');
  s.append(
    bars({
      title: `Precision, recall and F1 of each class of ${e.model.task}`,
      categories: e.perClass.map((c) => `${c.label} (${c.support})`),
      categoryName: 'class (rows)',
      series: [
        { name: 'precision', values: e.perClass.map((c) => c.precision) },
        { name: 'recall', values: e.perClass.map((c) => c.recall) },
        { name: 'F1', values: e.perClass.map((c) => c.f1) },
      ],
      valueName: 'score',
      max: 1,
      horizontal: true,
      format: pct,
    }),
  );
  return s;
}

export function roc(e: Evaluation): HTMLElement {
  const s = section('roc', 'ROC curves (one class against the rest)');
  const named = e.roc.perClass.filter((c) => c.auc !== null).sort((a, b) => a.auc! - b.auc!).slice(0, NAMED_CURVES);
  const rows = [...e.roc.perClass].sort((a, b) => (a.auc ?? 2) - (b.auc ?? 2)).map((c) => [c.label, c.auc === null ? '–' : c.auc.toFixed(4)]);
  s.append(
    el('p', { class: 'note' }, `Drawn: the micro-average and the ${named.length} classes with the lowest AUC; the table lists every class.`),
    curves({
      title: `ROC curves of ${e.model.task}`,
      xName: 'false-positive rate',
      yName: 'true-positive rate',
      curves: [
        { name: `micro-average (AUC ${e.roc.micro.auc?.toFixed(3) ?? '–'})`, points: e.roc.micro.points, width: 3, colour: 0 },
        ...named.map((c, i) => ({ name: `${c.label} (${c.auc!.toFixed(3)})`, points: c.points, colour: 1 + (i % 5) })),
        { name: 'chance', points: [[0, 0], [1, 1]] as [number, number][], dashed: true, colour: -1 },
      ],
      table: { head: ['class', 'AUC'], rows: [['micro-average', e.roc.micro.auc?.toFixed(4) ?? '–'], ...rows] },
    }),
  );
  return s;
}

export function reliability(e: Evaluation): HTMLElement {
  const s = section('reliability', 'Reliability diagram');
  const filled = e.reliability.bins.filter((b) => b.count > 0);
  s.append(
    el('p', { class: 'note' }, `Each dot: the rows whose top-class probability falls in one tenth of [0, 1], at their mean confidence and their accuracy. On the diagonal, the classifier's confidence means what it says. Expected calibration error ${e.reliability.ece.toFixed(4)}.`),
    curves({
      title: `Reliability of ${e.model.task}: accuracy against confidence`,
      xName: 'confidence (top-class probability)',
      yName: 'accuracy',
      curves: [
        { name: 'classifier', points: filled.map((b) => [b.meanConfidence!, b.accuracy!] as [number, number]), width: 2, colour: 0 },
        { name: 'perfectly calibrated', points: [[0, 0], [1, 1]], dashed: true, colour: -1 },
      ],
      table: { head: ['confidence bin', 'rows', 'mean confidence', 'accuracy'], rows: e.reliability.bins.map((b) => [`${pct(b.lo)}–${pct(b.hi)}`, String(b.count), b.meanConfidence === null ? '–' : pct(b.meanConfidence), b.accuracy === null ? '–' : pct(b.accuracy)]) },
    }),
  );
  return s;
}

export function confusedPairs(e: Evaluation, reveal: Reveal): HTMLElement {
  const s = section('pairs', 'Most confused pairs');
  if (!e.confusedPairs.length) {
    s.append(el('p', {}, 'No row was predicted as another class.'));
    return s;
  }
  for (const p of e.confusedPairs) {
    s.append(el('h4', {}, `“${p.truth}” predicted as “${p.predicted}”: ${p.count} rows`), rowTable(['confidence', 'text'], p.examples, (r) => [pct(r.confidence), r.text], reveal, [1]));
  }
  return s;
}

export function labelIssues(e: Evaluation, reveal: Reveal): HTMLElement {
  const s = section('issues', 'Likely mislabelled rows');
  const li = e.labelIssues;
  if (!li) {
    s.append(el('p', { class: 'note' }, 'Not looked for (folds 0, or fewer than two rows per fold).'));
    return s;
  }
  s.append(el('p', { class: 'note' }, `How: ${li.method}. Out-of-fold accuracy ${pct(li.outOfFoldAccuracy)}.`));
  if (!li.rows.length) {
    s.append(el('p', {}, 'None found.'));
    return s;
  }
  s.append(el('p', {}, `${li.found} rows${li.found > li.rows.length ? `; the ${li.rows.length} most suspicious listed` : ''}.`));
  s.append(rowTable(['given', 'suggested', 'P(given)', 'P(suggested)', 'text'], li.rows, (r) => [r.given, r.suggested, r.selfConfidence.toFixed(3), r.suggestedConfidence.toFixed(3), r.text], reveal, [3, 4]));
  return s;
}

export function adapterEffect(e: Evaluation): HTMLElement | null {
  const a = e.adapterEffect;
  if (!a) return null;
  const s = section('adapter', "The adapter's effect");
  s.append(
    el('p', { class: 'note' }, 'k-means (k = the number of classes) on these rows, on the base sentence vectors and on the vectors through the classifier\'s contrastive adapter, scored against the labels: higher means the classes sit apart.'),
    bars({
      title: 'Agreement of k-means with the labels, base against fine-tuned',
      categories: ['ARI', 'NMI'],
      categoryName: 'score',
      series: [
        { name: 'base', values: [a.ariBase, a.nmiBase] },
        { name: 'with the adapter', values: [a.ariAdapted, a.nmiAdapted] },
      ],
      valueName: 'agreement',
      max: 1,
      format: (v) => v.toFixed(3),
    }),
  );
  if (a.maps) s.append(adapterMaps(e, a.maps));
  return s;
}

/** The same rows laid out from the base vectors and through the adapter, side by side, coloured by their label. */
function adapterMaps(e: Evaluation, m: NonNullable<NonNullable<Evaluation['adapterEffect']>['maps']>): HTMLElement {
  const C = e.labels.length;
  const colours = e.labels.map((_, i) => PALETTE[i % PALETTE.length]);
  const base = neighbourAgreement(m.base, m.label, C);
  const tuned = neighbourAgreement(m.adapted, m.label, C);
  const present = e.labels.map((_, i) => i).filter((i) => base.rows[i] > 0);
  const share = (a: { rows: number[]; same: number[] }, i: number) => pct(a.same[i] / a.rows[i]);
  const table = { head: ['class', 'rows', 'nearest neighbour same class, base', 'with the adapter'], rows: present.map((i) => [e.labels[i], String(base.rows[i]), share(base, i), share(tuned, i)]) };
  const box = el('div', { class: 'adapter-maps' });
  box.append(
    el('p', { class: 'note' }, `The same ${m.label.length} rows laid out in 2-D (UMAP) from each space, coloured by their label in “${e.input.labelColumn}”: through the adapter, rows of a class should gather. The table gives, per class, the share of its rows whose nearest row on the map has the same label.`),
  );
  const grid = el('div', { class: 'grid2' });
  grid.append(
    scatter({ title: 'Base sentence vectors', xy: m.base, group: m.label, groups: e.labels, colours, table }),
    scatter({ title: "Through the classifier's adapter", xy: m.adapted, group: m.label, groups: e.labels, colours, table }),
  );
  const legend = el('div', { class: 'map-legend', role: 'list', 'aria-label': 'Colours of the classes on both maps' });
  for (const i of present) {
    const item = el('span', { role: 'listitem' });
    const sw = el('span', { class: 'swatch' });
    sw.style.background = colours[i];
    item.append(sw, el('span', {}, e.labels[i]));
    legend.append(item);
  }
  box.append(grid, legend);
  return box;
}

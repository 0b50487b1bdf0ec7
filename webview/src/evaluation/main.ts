/**
 * The evaluation webview: one classifier task judged on a labelled CSV (Evaluate Classifier) as a
 * confusion-matrix heatmap, charts and tables of rows that open the CSV. Typed messages only
 * (src/shared/evaluation.ts), colours from the theme, every value from the file inserted with
 * textContent.
 */
import '../noEval';
import type { Evaluation } from '../../../src/shared/evaluation';
import type { RowRef } from '../../../src/shared/profile';
import { el } from '../dom';
import { clearCharts, followTheme } from '../chartFigure';
import { listen, post } from './messaging';
import { adapterEffect, confusedPairs, confusion, labelIssues, overview, perClass, reliability, roc } from './sections';
import { installStyles } from './styles';

function root(): HTMLElement {
  const e = document.getElementById('app');
  if (!e) throw new Error('the evaluation page has no #app');
  return e;
}
const app = root();
installStyles(app.dataset.nonce ?? '');
followTheme();

const reveal = (r: RowRef) => post({ type: 'reveal', row: r.row, line: r.line });

function render(e: Evaluation): void {
  clearCharts();
  const file = e.input.path.split(/[\\/]/).pop() ?? e.input.path;
  app.replaceChildren(
    el('h2', {}, `Evaluation of ${e.model.name} on ${file}`),
    el('p', { class: 'sub' }, `Task “${e.model.task}” against the column “${e.input.labelColumn}” of ${e.input.path}; ${e.rows} rows.`),
    overview(e),
    confusion(e, reveal),
    perClass(e),
  );
  const grid = el('div', { class: 'grid2' });
  grid.append(roc(e), reliability(e));
  app.append(grid, confusedPairs(e, reveal), labelIssues(e, reveal));
  const a = adapterEffect(e);
  if (a) app.append(a);
}

function showError(message: string): void {
  clearCharts();
  app.replaceChildren(el('p', { role: 'alert' }, message));
}

listen((m) => (m.type === 'evaluation' ? render(m.evaluation) : showError(m.message)), (reason) => showError(`Ticket Lens: the extension sent a message this view cannot read (${reason}).`));
post({ type: 'ready' });

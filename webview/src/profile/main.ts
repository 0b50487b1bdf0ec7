/**
 * The profile webview: the data profile of a CSV (Profile This CSV) as cards, tables and bar charts.
 * Typed messages only (src/shared/profile.ts), colours from the theme, every value from the file
 * inserted with textContent.
 */
import '../noEval';
import type { Profile, RowRef } from '../../../src/shared/profile';
import { el } from '../dom';
import { clearCharts, followTheme } from '../chartFigure';
import { listen, post } from './messaging';
import { dates, duplicates, labels, lengths, normalization, overview, placeholdersAndPii, terms } from './sections';
import { installStyles } from './styles';

function root(): HTMLElement {
  const e = document.getElementById('app');
  if (!e) throw new Error('the profile page has no #app');
  return e;
}
const app = root();
installStyles(app.dataset.nonce ?? '');
followTheme();

const reveal = (r: RowRef) => post({ type: 'reveal', row: r.row, line: r.line });

function render(p: Profile): void {
  clearCharts();
  const cols = [`text column “${p.input.textColumn}”`, p.input.labelColumn && `label column “${p.input.labelColumn}”`, p.input.dateColumn && `date column “${p.input.dateColumn}”`].filter(Boolean).join(', ');
  app.replaceChildren(el('h2', {}, `Profile of ${p.input.path.split(/[\\/]/).pop() ?? p.input.path}`), el('p', { class: 'sub' }, `${p.input.path}: ${cols}`), overview(p));
  for (const s of [duplicates(p, reveal), lengths(p), labels(p), terms(p), normalization(p), placeholdersAndPii(p), dates(p, reveal)]) if (s) app.append(s);
}

function showError(message: string): void {
  clearCharts();
  app.replaceChildren(el('p', { role: 'alert' }, message));
}

listen((m) => (m.type === 'profile' ? render(m.profile) : showError(m.message)), (reason) => showError(`Ticket Lens: the extension sent a message this view cannot read (${reason}).`));
post({ type: 'ready' });

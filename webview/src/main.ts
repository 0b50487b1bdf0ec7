/**
 * The summary webview: a list of clusters (editable labels, keywords, examples, purity), the WebGL 2-D
 * map with its legend, search and lasso or box selection, and the purity table, wired to one selection. UI
 * components from @vscode-elements/elements, colours from the theme. All ticket text is inserted with
 * textContent: it is data, never markup.
 */
// First: before any schema exists (noEval.ts says why).
import './noEval';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-divider/index.js';
import type { RunView } from '../../src/shared/webviewProtocol';
import { clusterList, markSelected } from './clusterList';
import { el } from './dom';
import { Legend } from './legend';
import { ClusterMap } from './map';
import { MapSearch } from './mapSearch';
import { installMapStyles } from './mapStyles';
import { PointTexts } from './mapTexts';
import { listen, post } from './messaging';
import { purityTable } from './purityTable';
import { metricsLine } from './runView';
import { SelectionBar } from './selectionBar';
import { installStyles } from './styles';
import { TrendsChart } from './trendsChart';

function root(): HTMLElement {
  const e = document.getElementById('app');
  if (!e) throw new Error('the summary page has no #app');
  return e;
}
const app = root();
installStyles(app.dataset.nonce ?? '');
installMapStyles(app.dataset.nonce ?? '');

let selected: string | null = null;
let current: RunView | null = null;
const texts = new PointTexts();
const map = new ClusterMap(texts, {
  pick: (id) => select(id, true),
  select: (selection) => bar.show(selection),
  scheme: (scheme) => legend.show(scheme),
});
const legend = new Legend(map);
const search = new MapSearch(map);
const bar = new SelectionBar(texts, () => map.clearSelection());
search.element.append(...selectionTools());
let trends: TrendsChart | null = null;

/** The drag tools (a plain drag draws a lasso or a box; pressed again, it pans) and the keyboard's box, the view. */
function selectionTools(): HTMLElement[] {
  const tools = (['lasso', 'box'] as const).map((tool) => {
    const name = tool === 'lasso' ? 'Lasso' : 'Box';
    const b = el('vscode-button', { secondary: '', 'aria-pressed': 'false', class: `${tool}-toggle` }, name);
    b.addEventListener('click', () => {
      map.tool = map.tool === tool ? 'pan' : tool;
      for (const [t, other] of tools) {
        other.setAttribute('aria-pressed', String(map.tool === t));
        other.textContent = `${t === 'lasso' ? 'Lasso' : 'Box'}${map.tool === t ? ': on' : ''}`;
      }
    });
    return [tool, b] as const;
  });
  const inView = el('vscode-button', { secondary: '', class: 'select-in-view', title: 'Select the tickets the map shows now (Enter on the map)' }, 'Select in view');
  inView.addEventListener('click', () => map.selectInView());
  return [...tools.map(([, b]) => b), inView];
}

function select(id: string, scroll: boolean): void {
  selected = id;
  markSelected(id, scroll);
  if (current) legend.update(current, id);
  map.select(id);
}

function render(run: RunView): void {
  current = run;
  legend.update(run, selected);
  bar.update(run);
  map.show(run);
  search.refresh();
  app.replaceChildren(el('h2', {}, run.title), el('div', { class: 'metrics' }, metricsLine(run)));
  const layout = el('div', { class: 'layout' });
  const right = el('div');
  const hint = map.canvas.dataset.renderer === 'none' ? 'This view cannot draw the map: WebGL2 is not available here.' : 'Drag to pan, scroll to zoom, hover for the ticket, click to select its cluster; Shift+drag (or Lasso) or Alt+drag (or Box) selects tickets; on the focused map, Enter selects the tickets in view.';
  right.append(legend.element, search.element, map.box, el('div', { class: 'kw' }, hint), bar.element);
  if (run.purity.length && run.labelColumn) right.append(purityTable(run, (id) => select(id, true)));
  layout.append(clusterList(run, selected, (id) => select(id, false)), right);
  app.append(layout, map.tip);
  trends = run.trends ? new TrendsChart(run.trends, run, map.tip) : null;
  if (trends) app.insertBefore(trends.section(), map.tip);
  requestAnimationFrame(() => {
    map.draw();
    trends?.draw();
  });
}

function showError(message: string): void {
  app.replaceChildren(el('p', { role: 'alert' }, message));
}

listen(
  (m) => {
    if (m.type === 'run') render(m.run);
    else if (m.type === 'error') showError(m.message);
    else if (m.type === 'texts') texts.receive(m.seq, m.items);
    else search.receive(m.seq, m.indices);
  },
  (reason) => showError(`Ticket Lens: the extension sent a message this view cannot read (${reason}).`),
);
window.addEventListener('resize', () => {
  map.requestDraw();
  trends?.draw();
});
post({ type: 'ready' });

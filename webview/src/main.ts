/**
 * The summary webview: a list of clusters (editable labels, keywords, examples, purity), a canvas 2-D
 * map and the purity table, wired to one selection. UI components from @vscode-elements/elements,
 * colours from the theme. All ticket text is inserted with textContent: it is data, never markup.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-divider/index.js';
import type { RunView } from '../../src/shared/webviewProtocol';
import { clusterList, markSelected } from './clusterList';
import { el } from './dom';
import { ClusterMap } from './map';
import { listen, post } from './messaging';
import { purityTable } from './purityTable';
import { metricsLine } from './runView';
import { installStyles } from './styles';
import { TrendsChart } from './trendsChart';

function root(): HTMLElement {
  const e = document.getElementById('app');
  if (!e) throw new Error('the summary page has no #app');
  return e;
}
const app = root();
installStyles(app.dataset.nonce ?? '');

let selected: string | null = null;
const map = new ClusterMap((id) => select(id, true));
let trends: TrendsChart | null = null;

function select(id: string, scroll: boolean): void {
  selected = id;
  markSelected(id, scroll);
  map.select(id);
}

function render(run: RunView): void {
  map.show(run);
  app.replaceChildren(el('h2', {}, run.title), el('div', { class: 'metrics' }, metricsLine(run)));
  const layout = el('div', { class: 'layout' });
  const right = el('div');
  right.append(map.canvas, el('div', { class: 'kw' }, 'Drag to pan, scroll to zoom, hover for the ticket, click to select its cluster.'));
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

listen((m) => (m.type === 'run' ? render(m.run) : showError(m.message)), (reason) => showError(`Ticket Lens: the extension sent a message this view cannot read (${reason}).`));
window.addEventListener('resize', () => {
  map.draw();
  trends?.draw();
});
post({ type: 'ready' });

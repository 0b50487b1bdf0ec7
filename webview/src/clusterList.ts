/**
 * The cluster list: each top-level cluster and under it its sub-clusters, with label, size, keywords,
 * purity, up to three examples (click or Enter: reveal the row in the CSV), and rename / review.
 */
import type { ClusterView, RunView } from '../../src/shared/webviewProtocol';
import { swatchColour } from './colours';
import { el } from './dom';
import { post } from './messaging';
import { childrenOf, topClusters } from './runView';

const EXAMPLES_SHOWN = 3;

export function clusterList(run: RunView, selected: string | null, onFocus: (id: string) => void): HTMLElement {
  const list = el('div', { role: 'list' });
  topClusters(run).forEach((c, i) => {
    list.append(clusterCard(run, c, i, selected, onFocus));
    for (const s of childrenOf(run, c.id)) {
      const sub = clusterCard(run, s, i, selected, onFocus);
      sub.style.marginLeft = '20px';
      list.append(sub);
    }
  });
  return list;
}

/** Highlights the cluster `id` in the list (and scrolls it into view when asked). */
export function markSelected(id: string, scroll: boolean): void {
  document.querySelectorAll('.cluster').forEach((e) => e.classList.toggle('selected', e.id === `c-${id}`));
  if (scroll) document.getElementById(`c-${id}`)?.scrollIntoView({ block: 'nearest' });
}

function clusterCard(run: RunView, c: ClusterView, topIndex: number, selected: string | null, onFocus: (id: string) => void): HTMLElement {
  const box = el('section', { class: `cluster${selected === c.id ? ' selected' : ''}`, id: `c-${c.id}`, tabindex: '0', 'aria-label': c.label });
  const h = el('h3');
  const sw = el('span', { class: 'swatch' });
  sw.style.background = swatchColour(topIndex, c.isNoise);
  h.append(sw, el('span', {}, c.label), el('vscode-badge', {}, String(c.size)));
  if (c.reviewed) h.append(el('vscode-badge', { variant: 'counter' }, 'reviewed'));
  box.append(h);
  if (c.description) box.append(el('div', {}, c.description));
  if (c.suggestion) box.append(el('div', { class: 'kw' }, `Suggested: ${c.suggestion}`));
  box.append(el('div', { class: 'kw' }, `Keywords: ${c.keywords.join(', ')}`));
  if (c.purity && run.labelColumn) box.append(el('div', { class: 'kw' }, `${run.labelColumn}: ${c.purity.label} (${(c.purity.share * 100).toFixed(0)}%)`));
  for (const ex of c.examples.slice(0, EXAMPLES_SHOWN)) {
    const d = el('div', { class: 'ex', tabindex: '0', role: 'link' }, `row ${ex.row}: ${ex.text}`);
    // The line travels with the row: a record with newlines before it does not start on line row + 1.
    const reveal = () => post({ type: 'reveal', row: ex.row, line: ex.line });
    d.addEventListener('click', reveal);
    d.addEventListener('keydown', (e) => e.key === 'Enter' && reveal());
    box.append(d);
  }
  if (!c.isNoise) box.append(editRow(c));
  box.addEventListener('focus', () => onFocus(c.id));
  return box;
}

function editRow(c: ClusterView): HTMLElement {
  const row = el('div');
  const tf = el('vscode-textfield', { placeholder: 'New label', 'aria-label': `New label for ${c.id}` }) as HTMLElement & { value: string };
  const rename = el('vscode-button', {}, 'Rename');
  rename.addEventListener('click', () => tf.value.trim() && post({ type: 'rename', id: c.id, label: tf.value.trim() }));
  const review = el('vscode-button', { secondary: '' }, c.reviewed ? 'Unmark reviewed' : 'Mark reviewed');
  review.addEventListener('click', () => post({ type: 'review', id: c.id, reviewed: !c.reviewed }));
  row.append(tf, rename, review);
  return row;
}

/** Where each label of the label column went: the cluster holding most of it and its share (click or Enter: select it). */
import type { RunView } from '../../src/shared/webviewProtocol';
import { el } from './dom';
import { purityHeader, purityRows } from './purityRows';

export function purityTable(run: RunView, onSelect: (id: string) => void): HTMLElement {
  const table = el('table', { class: 'purity', 'aria-label': `Purity per ${run.labelColumn}` });
  const head = el('tr');
  for (const h of purityHeader(run)) head.append(el('th', {}, h));
  table.append(head);
  for (const p of purityRows(run)) {
    const tr = el('tr', { tabindex: '0' });
    tr.append(el('td', {}, p.label), el('td', {}, p.rows), el('td', {}, p.mostlyIn), el('td', {}, p.share));
    tr.addEventListener('click', () => p.cluster && onSelect(p.cluster));
    tr.addEventListener('keydown', (e) => e.key === 'Enter' && p.cluster && onSelect(p.cluster));
    table.append(tr);
  }
  return table;
}

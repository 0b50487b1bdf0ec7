/**
 * What to do with a lasso selection: name it as a new cluster, move it to a cluster, mark the clusters
 * it lies in as reviewed, export it as a CSV. The host turns each into a run edit (or a file) and
 * re-sends the run; a refused edit (e.g. a name the server's rules reject) comes back as its error.
 * A few of the selected tickets are shown, their texts fetched on demand.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type { RunView } from '../../src/shared/webviewProtocol';
import { el } from './dom';
import type { PointTexts } from './mapTexts';
import { post } from './messaging';

const PREVIEW = 3;

export class SelectionBar {
  readonly element = el('div', { class: 'selection-bar', role: 'region', 'aria-label': 'Selected tickets' });
  private indices: number[] = [];
  private run: RunView | null = null;

  constructor(
    private readonly texts: PointTexts,
    private readonly onClear: () => void,
  ) {
    this.element.hidden = true;
  }

  update(run: RunView): void {
    this.run = run;
    this.show(new Uint32Array(0));
  }

  show(selection: Uint32Array): void {
    this.indices = Array.from(selection);
    const run = this.run;
    if (!run || !this.indices.length) {
      this.element.hidden = true;
      this.element.replaceChildren();
      return;
    }
    const n = this.indices.length;
    const heading = el('div', { class: 'selection-count' }, `${n} ticket${n === 1 ? '' : 's'} selected`);
    const preview = el('div', { class: 'selection-preview' });
    const asked = this.indices;
    this.texts.get(asked.slice(0, PREVIEW)).then(
      (items) => {
        if (asked === this.indices) preview.replaceChildren(...items.map((t) => el('div', { class: 'kw' }, `row ${t.row}: ${t.text}`)));
      },
      () => undefined,
    );

    const name = el('vscode-textfield', { placeholder: 'Name for a new cluster', 'aria-label': 'Name for a new cluster of the selection', class: 'selection-name' }) as HTMLElement & { value: string };
    const create = el('vscode-button', {}, 'Name as new cluster');
    create.addEventListener('click', () => name.value.trim() && post({ type: 'nameSelection', indices: this.indices, label: name.value.trim() }));

    const target = el('select', { 'aria-label': 'Cluster to move the selection to', class: 'selection-target' });
    for (const c of run.clusters.filter((k) => !k.isNoise)) target.append(el('option', { value: c.id }, `${c.parent ? '  ' : ''}${c.label}`));
    const move = el('vscode-button', { secondary: '' }, 'Move to cluster');
    move.addEventListener('click', () => target.value && post({ type: 'moveSelection', indices: this.indices, to: target.value }));

    const review = el('vscode-button', { secondary: '' }, 'Mark their clusters reviewed');
    review.addEventListener('click', () => post({ type: 'reviewSelection', indices: this.indices }));
    const exportCsv = el('vscode-button', { secondary: '' }, 'Export CSV…');
    exportCsv.addEventListener('click', () => post({ type: 'exportSelection', indices: this.indices }));
    const clear = el('vscode-button', { secondary: '' }, 'Clear selection');
    clear.addEventListener('click', () => this.onClear());

    const row = (...children: HTMLElement[]) => {
      const d = el('div', { class: 'selection-row' });
      d.append(...children);
      return d;
    };
    this.element.replaceChildren(heading, preview, row(name, create), row(target, move), row(review, exportCsv, clear));
    this.element.hidden = false;
  }
}

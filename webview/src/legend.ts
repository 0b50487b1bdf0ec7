/**
 * The map's toolbar and legend: what the colours mean (colour by cluster, by the label column when the
 * run has one, or by the sub-clusters of the selected cluster), one entry per colour with its count.
 * Click an entry to make it stand out (Ctrl/Cmd-click adds to the ones standing out); click it again,
 * or "Show all", to undo. Entries are buttons: Tab reaches them and Enter or Space picks them.
 */
import type { RunView } from '../../src/shared/webviewProtocol';
import { el } from './dom';
import type { ClusterMap } from './map';
import type { Scheme } from './mapColours';
import { childrenOf } from './runView';

export class Legend {
  readonly element = el('div', { class: 'legend', role: 'group', 'aria-label': 'Map legend' });
  private readonly by = el('select', { 'aria-label': 'Colour the map by', class: 'colour-by' });
  private readonly entries = el('div', { class: 'legend-entries' });
  private run: RunView | null = null;
  private selected: string | null = null;

  constructor(private readonly map: ClusterMap) {
    this.by.addEventListener('change', () => {
      const v = this.by.value;
      if (v === 'cluster' || v === 'label') this.map.colour(v, null);
      else if (v.startsWith('sub:')) this.map.colour('sub', v.slice(4));
    });
    const bar = el('div', { class: 'legend-bar' });
    bar.append(el('label', {}, 'Colour by '), this.by);
    this.element.append(bar, this.entries);
  }

  /** Options follow the run (a label column?) and the selection (a cluster with sub-clusters to drill into). */
  update(run: RunView, selected: string | null): void {
    this.run = run;
    this.selected = selected;
    this.options();
  }

  /** Redraw the entries from the map's current scheme. */
  show(scheme: Scheme): void {
    this.options();
    const focus = this.map.focused;
    const buttons = scheme.entries.map((e, i) => {
      if (!e.count) return null;
      const b = el('button', { class: `legend-entry${focus.has(i) ? ' focused' : ''}`, 'aria-pressed': String(focus.has(i)), title: `${e.name}: ${e.count} tickets` });
      const sw = el('span', { class: 'swatch' });
      sw.style.background = e.colour;
      b.append(sw, el('span', {}, e.name), el('span', { class: 'kw' }, ` ${e.count}`));
      b.addEventListener('click', (ev) => {
        this.map.toggleFocus(i, !(ev.ctrlKey || ev.metaKey));
        this.show(scheme);
      });
      return b;
    });
    const all = el('button', { class: 'legend-entry' }, 'Show all');
    all.addEventListener('click', () => {
      for (const i of [...this.map.focused]) this.map.toggleFocus(i, false);
      this.show(scheme);
    });
    this.entries.replaceChildren(...buttons.filter((b) => b !== null), ...(focus.size ? [all] : []));
  }

  private options(): void {
    const run = this.run;
    if (!run) return;
    const { by, drill } = this.map.colouring;
    const opts: [string, string][] = [['cluster', 'Cluster']];
    if (run.points.label && run.labelColumn) opts.push(['label', `Label column (${run.labelColumn})`]);
    // Drill into the selected cluster's top-level cluster, or keep the one drilled into.
    const top = this.selected ? this.selected.split('.').slice(0, 2).join('.') : null;
    for (const id of new Set([drill, top])) {
      const c = id ? run.clusters.find((k) => k.id === id) : undefined;
      if (c && childrenOf(run, c.id).length) opts.push([`sub:${c.id}`, `Sub-clusters of ${c.label}`]);
    }
    const value: string = by === 'sub' && drill ? `sub:${drill}` : by;
    this.by.replaceChildren(...opts.map(([v, text]) => el('option', { value: v }, text)));
    this.by.value = value;
  }
}

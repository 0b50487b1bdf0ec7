/**
 * The map's toolbar and legend: what the colours mean (colour by cluster, by the label column when the
 * run has one, by the sub-clusters of the selected cluster, by a date column of the input CSV, or by
 * Claude's suggested category), one entry per colour with its count; by date, a ramp from the first
 * day to the last above the periods. Click an entry to make it stand out (Ctrl/Cmd-click adds to the
 * ones standing out); click it again, or "Show all", to undo. Entries are buttons: Tab reaches them and
 * Enter or Space picks them. Dates come from the host on demand (the CSV is read only then).
 */
import type { RunView } from '../../src/shared/webviewProtocol';
import { el } from './dom';
import type { ClusterMap } from './map';
import { hasCategories, type Scheme } from './mapColours';
import { post } from './messaging';
import { childrenOf } from './runView';

export class Legend {
  readonly element = el('div', { class: 'legend', role: 'group', 'aria-label': 'Map legend' });
  private readonly by = el('select', { 'aria-label': 'Colour the map by', class: 'colour-by' });
  private readonly entries = el('div', { class: 'legend-entries' });
  private readonly ramp = el('div', { class: 'legend-ramp' });
  private readonly status = el('span', { class: 'kw legend-status', role: 'status' });
  private run: RunView | null = null;
  private selected: string | null = null;

  constructor(private readonly map: ClusterMap) {
    this.by.addEventListener('change', () => {
      const v = this.by.value;
      if (v === 'cluster' || v === 'label' || v === 'category') this.map.colour(v, null);
      else if (v.startsWith('sub:')) this.map.colour('sub', v.slice(4));
      else if (v.startsWith('date:') && !this.map.colourByDate(v.slice(5))) {
        this.status.textContent = `Reading the dates of “${v.slice(5)}”…`;
        post({ type: 'dates', column: v.slice(5) });
      }
    });
    const bar = el('div', { class: 'legend-bar' });
    bar.append(el('label', {}, 'Colour by '), this.by, this.status);
    this.ramp.hidden = true;
    this.element.append(bar, this.ramp, this.entries);
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
    if (!this.map.pendingDate) this.status.textContent = '';
    this.showRamp(scheme);
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

  /** By date: the column, the first and last instant, and the ramp between them. */
  private showRamp(scheme: Scheme): void {
    const r = scheme.ramp;
    this.ramp.hidden = !r;
    if (!r) return this.ramp.replaceChildren();
    const bar = el('span', { class: 'ramp', role: 'img', 'aria-label': `colour ramp from ${r.first} (dark) to ${r.last} (light)` });
    // Through the CSSOM, which the CSP allows (a style attribute it would refuse).
    bar.style.background = `linear-gradient(to right, ${r.colours.join(', ')})`;
    this.ramp.replaceChildren(el('span', { class: 'kw' }, `${r.column}: `), el('span', { class: 'ramp-first' }, r.first), bar, el('span', { class: 'ramp-last' }, r.last));
  }

  private options(): void {
    const run = this.run;
    if (!run) return;
    const { by, drill } = this.map.colouring;
    const opts: [string, string][] = [['cluster', 'Cluster']];
    if (run.points.label && run.labelColumn) opts.push(['label', `Label column (${run.labelColumn})`]);
    if (hasCategories(run)) opts.push(['category', "Predicted category (Claude's suggestion per cluster)"]);
    for (const c of run.dateColumns) opts.push([`date:${c}`, `Date (${c})`]);
    // Drill into the selected cluster's top-level cluster, or keep the one drilled into.
    const top = this.selected ? this.selected.split('.').slice(0, 2).join('.') : null;
    for (const id of new Set([drill, top])) {
      const c = id ? run.clusters.find((k) => k.id === id) : undefined;
      if (c && childrenOf(run, c.id).length) opts.push([`sub:${c.id}`, `Sub-clusters of ${c.label}`]);
    }
    const pending = this.map.pendingDate;
    const value: string = pending ? `date:${pending}` : by === 'sub' && drill ? `sub:${drill}` : by === 'date' ? `date:${run.points.dateColumn ?? ''}` : by;
    this.by.replaceChildren(...opts.map(([v, text]) => el('option', { value: v }, text)));
    this.by.value = value;
  }
}

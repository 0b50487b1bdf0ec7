/**
 * The map's search box: the host searches the texts it holds (the webview has none until asked) and
 * answers with the matching points, which the map highlights. Typing is debounced, and an answer to an
 * older query is dropped.
 */
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { el } from './dom';
import type { ClusterMap } from './map';
import { post } from './messaging';

const DEBOUNCE_MS = 200;

export class MapSearch {
  readonly element = el('div', { class: 'map-search' });
  private readonly field = el('vscode-textfield', { placeholder: 'Search tickets on the map', 'aria-label': 'Search tickets on the map', class: 'search-field' }) as HTMLElement & { value: string };
  private readonly status = el('span', { class: 'kw search-status', role: 'status' });
  private seq = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly map: ClusterMap) {
    this.field.addEventListener('input', () => {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.ask(), DEBOUNCE_MS);
    });
    this.element.append(this.field, this.status);
  }

  /** The host's answer to query `seq`. */
  receive(seq: number, indices: Uint32Array): void {
    if (seq !== this.seq) return;
    const query = this.field.value.trim();
    this.map.highlight(query ? indices : null);
    this.status.textContent = query ? ` ${indices.length} matching ticket${indices.length === 1 ? '' : 's'}` : '';
  }

  /** Asks again for the current query (after an edit re-sent the run). */
  refresh(): void {
    if (this.field.value.trim()) this.ask();
  }

  private ask(): void {
    const query = this.field.value.trim();
    this.seq++;
    if (!query) {
      this.receive(this.seq, new Uint32Array(0));
      return;
    }
    post({ type: 'search', seq: this.seq, query });
  }
}

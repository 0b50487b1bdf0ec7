/** Tables of rows from the file, each with a button that opens the CSV where the row starts. Ticket text goes in as textContent. */
import type { RowRef } from '../../../src/shared/profile';
import { el } from '../dom';

export type Reveal = (r: RowRef) => void;

export const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

/** A button that opens the CSV at the row (keyboard: Tab, then Enter). */
export function openRow(r: RowRef, reveal: Reveal): HTMLButtonElement {
  const b = el('button', { class: 'link', type: 'button', 'aria-label': `Open the CSV at row ${r.row} (line ${r.line})` }, `row ${r.row}`);
  b.addEventListener('click', () => reveal(r));
  return b;
}

/** A table whose first column opens each row; `cells` gives the other columns' text. */
export function rowTable<T extends RowRef>(head: string[], rows: readonly T[], cells: (r: T) => string[], reveal: Reveal, numeric: number[] = []): HTMLTableElement {
  const t = el('table');
  const tr = el('tr');
  ['row', ...head].forEach((h, i) => tr.append(el('th', { scope: 'col', ...(numeric.includes(i) ? { class: 'num' } : {}) }, h)));
  t.append(tr);
  for (const r of rows) {
    const row = el('tr');
    const first = el('td');
    first.append(openRow(r, reveal));
    row.append(first);
    cells(r).forEach((c, i) => row.append(el('td', numeric.includes(i + 1) ? { class: 'num' } : {}, c)));
    t.append(row);
  }
  return t;
}

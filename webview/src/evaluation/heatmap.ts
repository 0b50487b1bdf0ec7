/**
 * The confusion matrix as a grid of buttons (a CSS grid, not a chart: every cell is focusable and
 * named for a screen reader). One cell takes Tab at a time; the arrow keys move between cells, Home
 * and End along a row; Enter or a click lists the cell's rows below, each opening the CSV. A cell is
 * shaded by the share of its row (the given class) it holds, blue on the diagonal, red off it.
 */
import type { Evaluation } from '../../../src/shared/evaluation';
import { el } from '../dom';
import { pct, rowTable, type Reveal } from './rows';

export function heatmap(e: Evaluation, reveal: Reveal): HTMLElement {
  const C = e.labels.length;
  const box = el('div');
  const wrap = el('div', { class: 'matrix-wrap' });
  const grid = el('div', { class: 'matrix', role: 'group', 'aria-label': `Confusion matrix, ${C} × ${C}: rows are the given labels, columns the predictions. Arrow keys move between cells; Enter lists a cell's rows.` });
  // Set through the CSSOM, which the CSP allows (a style attribute it would refuse).
  const size = Math.max(14, Math.min(34, Math.floor(760 / Math.max(1, C))));
  grid.style.setProperty('--cell', `${size}px`);
  grid.style.gridTemplateColumns = `auto repeat(${C}, ${size}px)`;
  const detail = el('div', { class: 'cell-rows', 'aria-live': 'polite' });
  detail.append(el('p', { class: 'note' }, 'Choose a cell to list its rows.'));
  grid.append(el('span'));
  e.labels.forEach((l) => grid.append(el('span', { class: 'name col', title: l }, l)));
  const byKey = new Map(e.cells.map((c) => [c.truth * C + c.predicted, c]));
  const buttons: HTMLButtonElement[] = [];
  let active = 0;
  const focus = (k: number) => {
    buttons[active].tabIndex = -1;
    active = k;
    buttons[k].tabIndex = 0;
    buttons[k].focus();
  };
  const show = (i: number, j: number) => {
    for (const b of buttons) b.setAttribute('aria-pressed', 'false');
    buttons[i * C + j].setAttribute('aria-pressed', 'true');
    const cell = byKey.get(i * C + j);
    const title = `Given “${e.labels[i]}”, predicted “${e.labels[j]}”: ${cell?.count ?? 0} rows`;
    detail.replaceChildren(el('h4', {}, title));
    if (!cell) return;
    if (cell.rows.length < cell.count) detail.append(el('p', { class: 'note' }, `The ${cell.rows.length} ${i === j ? 'least confident' : 'most confidently wrong'} of them.`));
    detail.append(rowTable(['confidence', 'text'], cell.rows, (r) => [pct(r.confidence), r.text], reveal, [1]));
  };
  e.confusion.forEach((row, i) => {
    const total = row.reduce((s, v) => s + v, 0);
    grid.append(el('span', { class: 'name', title: e.labels[i] }, e.labels[i]));
    row.forEach((v, j) => {
      const share = total ? v / total : 0;
      const b = el('button', {
        type: 'button',
        class: `cell${i === j ? ' diag' : ''}${v ? '' : ' empty'}`,
        'aria-label': `given ${e.labels[i]}, predicted ${e.labels[j]}: ${v} rows (${pct(share)} of ${e.labels[i]})`,
        'aria-pressed': 'false',
        'data-truth': String(i),
        'data-predicted': String(j),
        title: `${e.labels[i]} → ${e.labels[j]}: ${v}`,
      });
      b.tabIndex = -1;
      if (v && size >= 22) b.textContent = String(v);
      // A wrong cell with a single row must still show against the background: its shade starts at 0.35.
      b.style.setProperty('--share', String(v ? (i === j ? 0.15 : 0.35) + (i === j ? 0.85 : 0.65) * share : 0));
      b.addEventListener('click', () => {
        focus(i * C + j);
        show(i, j);
      });
      b.addEventListener('keydown', (ev) => {
        const moves: Record<string, [number, number]> = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
        let [r, c] = [i, j];
        if (ev.key in moves) [r, c] = [Math.min(C - 1, Math.max(0, i + moves[ev.key][0])), Math.min(C - 1, Math.max(0, j + moves[ev.key][1]))];
        else if (ev.key === 'Home') c = 0;
        else if (ev.key === 'End') c = C - 1;
        else return;
        ev.preventDefault();
        focus(r * C + c);
      });
      buttons.push(b);
      grid.append(b);
    });
  });
  // The first cell with an error takes Tab first: that is what a reader looks for.
  const firstWrong = e.cells.find((c) => c.truth !== c.predicted);
  active = firstWrong ? firstWrong.truth * C + firstWrong.predicted : 0;
  if (buttons.length) buttons[active].tabIndex = 0;
  wrap.append(grid);
  box.append(wrap, detail);
  return box;
}

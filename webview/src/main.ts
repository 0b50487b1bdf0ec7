/**
 * The summary webview: a table of clusters (editable labels, keywords, examples, purity) and a canvas
 * 2-D map that handles tens of thousands of points (pan with drag, zoom with the wheel, hover shows the
 * ticket, click selects its cluster). UI components from @vscode-elements/elements, colours from the
 * theme. All ticket text is inserted with textContent: it is data, never markup.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-divider/index.js';
import type { ClusterView, HostToWebview, RunView, WebviewToHost } from '../../src/shared/webviewProtocol';

declare function acquireVsCodeApi(): { postMessage(m: WebviewToHost): void };
const vscode = acquireVsCodeApi();
const app = document.getElementById('app')!;
const nonce = app.dataset.nonce ?? '';

const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#bcbd22', '#17becf', '#7f7f7f', '#aec7e8', '#ffbb78', '#98df8a', '#ff9896', '#c5b0d5', '#c49c94', '#f7b6d2', '#dbdb8d', '#9edae5', '#393b79'];

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

const style = el('style', { nonce });
style.textContent = `
body { color: var(--vscode-foreground); font-family: var(--vscode-font-family); padding: 0 12px; }
.layout { display: grid; grid-template-columns: minmax(320px, 1fr) minmax(320px, 1fr); gap: 16px; }
.cluster { border-bottom: 1px solid var(--vscode-panel-border); padding: 8px 0; }
.cluster.selected { background: var(--vscode-list-activeSelectionBackground); color: var(--vscode-list-activeSelectionForeground); }
.cluster h3 { margin: 0 0 4px; font-size: 1.05em; display: flex; gap: 8px; align-items: center; }
.swatch { width: 10px; height: 10px; border-radius: 50%; display: inline-block; }
.kw { color: var(--vscode-descriptionForeground); }
.ex { margin: 2px 0 2px 12px; cursor: pointer; }
.ex:hover, .ex:focus { text-decoration: underline; }
canvas { width: 100%; height: 520px; border: 1px solid var(--vscode-panel-border); }
#tip { position: fixed; pointer-events: none; background: var(--vscode-editorHoverWidget-background); border: 1px solid var(--vscode-editorHoverWidget-border); padding: 4px 6px; max-width: 360px; display: none; }
.metrics { color: var(--vscode-descriptionForeground); }
.purity { border-collapse: collapse; margin-top: 12px; width: 100%; table-layout: fixed; }
.purity th:nth-child(2), .purity th:nth-child(4) { width: 4.5em; }
.purity td { overflow-wrap: anywhere; }
.purity th, .purity td { text-align: left; padding: 2px 8px; border-bottom: 1px solid var(--vscode-panel-border); }
.purity tr:focus, .purity tr:hover { background: var(--vscode-list-hoverBackground); cursor: pointer; }`;
document.head.appendChild(style);

let run: RunView | null = null;
let selected: string | null = null;

function renderCluster(c: ClusterView, index: number): HTMLElement {
  const box = el('section', { class: `cluster${selected === c.id ? ' selected' : ''}`, id: `c-${c.id}`, tabindex: '0', 'aria-label': c.label });
  const h = el('h3');
  const sw = el('span', { class: 'swatch' });
  sw.style.background = c.isNoise ? 'var(--vscode-disabledForeground)' : PALETTE[index % PALETTE.length];
  h.append(sw, el('span', {}, c.label), el('vscode-badge', {}, String(c.size)));
  if (c.reviewed) h.append(el('vscode-badge', { variant: 'counter' }, 'reviewed'));
  box.append(h);
  if (c.description) box.append(el('div', {}, c.description));
  box.append(el('div', { class: 'kw' }, `Keywords: ${c.keywords.join(', ')}`));
  if (c.purity && run?.labelColumn) box.append(el('div', { class: 'kw' }, `${run.labelColumn}: ${c.purity.label} (${(c.purity.share * 100).toFixed(0)}%)`));
  for (const ex of c.examples.slice(0, 3)) {
    const d = el('div', { class: 'ex', tabindex: '0', role: 'link' }, `row ${ex.row}: ${ex.text}`);
    d.addEventListener('click', () => vscode.postMessage({ type: 'reveal', row: ex.row }));
    d.addEventListener('keydown', (e) => e.key === 'Enter' && vscode.postMessage({ type: 'reveal', row: ex.row }));
    box.append(d);
  }
  if (!c.isNoise) {
    const row = el('div');
    const tf = el('vscode-textfield', { placeholder: 'New label', 'aria-label': `New label for ${c.id}` }) as HTMLElement & { value: string };
    const rename = el('vscode-button', {}, 'Rename');
    rename.addEventListener('click', () => tf.value.trim() && vscode.postMessage({ type: 'rename', id: c.id, label: tf.value.trim() }));
    const review = el('vscode-button', { secondary: '' }, c.reviewed ? 'Unmark reviewed' : 'Mark reviewed');
    review.addEventListener('click', () => vscode.postMessage({ type: 'review', id: c.id, reviewed: !c.reviewed }));
    row.append(tf, rename, review);
    box.append(row);
  }
  box.addEventListener('focus', () => select(c.id, false));
  return box;
}

function select(id: string, scroll: boolean): void {
  selected = id;
  document.querySelectorAll('.cluster').forEach((e) => e.classList.toggle('selected', e.id === `c-${id}`));
  if (scroll) document.getElementById(`c-${id}`)?.scrollIntoView({ block: 'nearest' });
  draw();
}

// ---- the map
const canvas = el('canvas', { 'aria-label': '2-D map of the tickets, coloured by cluster', role: 'img' });
const tip = el('div', { id: 'tip' });
let view = { x: 0, y: 0, k: 1 };
let bounds = { minX: 0, minY: 0, maxX: 1, maxY: 1 };

function toScreen(i: number): [number, number] {
  const p = run!.points;
  const w = canvas.width;
  const h = canvas.height;
  const sx = ((p.x[i] - bounds.minX) / (bounds.maxX - bounds.minX || 1)) * (w - 20) + 10;
  const sy = h - (((p.y[i] - bounds.minY) / (bounds.maxY - bounds.minY || 1)) * (h - 20) + 10);
  return [sx * view.k + view.x, sy * view.k + view.y];
}

function draw(): void {
  if (!run) return;
  const g = canvas.getContext('2d')!;
  const dpr = window.devicePixelRatio || 1;
  const rect = canvas.getBoundingClientRect();
  canvas.width = rect.width * dpr;
  canvas.height = rect.height * dpr;
  g.clearRect(0, 0, canvas.width, canvas.height);
  const top = run.clusters.filter((c) => c.parent === null);
  const sel = selected;
  const selIndex = sel ? top.findIndex((c) => c.id === sel.split('.').slice(0, 2).join('.')) : -1;
  const p = run.points;
  for (let pass = 0; pass < 2; pass++) {
    for (let i = 0; i < p.x.length; i++) {
      const c = p.cluster[i];
      if ((pass === 0) !== (c < 0)) continue;
      const [x, y] = toScreen(i);
      g.fillStyle = c < 0 ? 'rgba(128,128,128,0.35)' : PALETTE[c % PALETTE.length];
      g.globalAlpha = selIndex >= 0 && c !== selIndex ? 0.15 : 0.9;
      g.fillRect(x - 1.5 * dpr, y - 1.5 * dpr, 3 * dpr, 3 * dpr);
    }
  }
  g.globalAlpha = 1;
}

function nearest(clientX: number, clientY: number): number {
  const rect = canvas.getBoundingClientRect();
  const dpr = window.devicePixelRatio || 1;
  const mx = (clientX - rect.left) * dpr;
  const my = (clientY - rect.top) * dpr;
  let best = -1;
  let bestD = (8 * dpr) ** 2;
  for (let i = 0; i < run!.points.x.length; i++) {
    const [x, y] = toScreen(i);
    const d = (x - mx) ** 2 + (y - my) ** 2;
    if (d < bestD) {
      bestD = d;
      best = i;
    }
  }
  return best;
}

let drag: { x: number; y: number } | null = null;
canvas.addEventListener('mousedown', (e) => (drag = { x: e.clientX, y: e.clientY }));
window.addEventListener('mouseup', () => (drag = null));
canvas.addEventListener('mousemove', (e) => {
  if (!run) return;
  if (drag) {
    const dpr = window.devicePixelRatio || 1;
    view.x += (e.clientX - drag.x) * dpr;
    view.y += (e.clientY - drag.y) * dpr;
    drag = { x: e.clientX, y: e.clientY };
    draw();
    return;
  }
  const i = nearest(e.clientX, e.clientY);
  if (i < 0) {
    tip.style.display = 'none';
    return;
  }
  tip.textContent = run.points.text[i];
  tip.style.left = `${e.clientX + 12}px`;
  tip.style.top = `${e.clientY + 12}px`;
  tip.style.display = 'block';
});
canvas.addEventListener('mouseleave', () => (tip.style.display = 'none'));
canvas.addEventListener('wheel', (e) => {
  e.preventDefault();
  const dpr = window.devicePixelRatio || 1;
  const rect = canvas.getBoundingClientRect();
  const mx = (e.clientX - rect.left) * dpr;
  const my = (e.clientY - rect.top) * dpr;
  const f = e.deltaY < 0 ? 1.2 : 1 / 1.2;
  view = { k: view.k * f, x: mx - (mx - view.x) * f, y: my - (my - view.y) * f };
  draw();
});
canvas.addEventListener('click', (e) => {
  const i = nearest(e.clientX, e.clientY);
  if (i >= 0 && run && run.points.cluster[i] >= 0) select(run.clusters.filter((c) => c.parent === null)[run.points.cluster[i]].id, true);
});

/** Where each label of the label column went: the cluster holding most of it and its share (click: select). */
function purityTable(r: RunView): HTMLElement {
  const names = new Map(r.clusters.map((c) => [c.id, c.label]));
  const table = el('table', { class: 'purity', 'aria-label': `Purity per ${r.labelColumn}` });
  const head = el('tr');
  for (const h of [r.labelColumn ?? 'label', 'rows', 'mostly in', 'share']) head.append(el('th', {}, h));
  table.append(head);
  for (const p of [...r.purity].sort((a, b) => a.share - b.share)) {
    const tr = el('tr', { tabindex: '0' });
    tr.append(el('td', {}, p.label), el('td', {}, String(p.size)), el('td', {}, names.get(p.cluster) ?? p.cluster), el('td', {}, `${(p.share * 100).toFixed(0)}%`));
    tr.addEventListener('click', () => p.cluster && select(p.cluster, true));
    tr.addEventListener('keydown', (e) => e.key === 'Enter' && p.cluster && select(p.cluster, true));
    table.append(tr);
  }
  return table;
}

function render(r: RunView): void {
  run = r;
  const xs = r.points.x;
  const ys = r.points.y;
  bounds = { minX: Math.min(...xs), maxX: Math.max(...xs), minY: Math.min(...ys), maxY: Math.max(...ys) };
  app.replaceChildren();
  app.append(el('h2', {}, r.title));
  const top = r.clusters.filter((c) => c.parent === null);
  app.append(el('div', { class: 'metrics' }, `${r.rows} rows · ${top.filter((c) => !c.isNoise).length} clusters${r.metrics ? ` · against ${r.labelColumn}: ARI ${r.metrics.ari.toFixed(3)}, NMI ${r.metrics.nmi.toFixed(3)} (noise excluded: ARI ${r.metrics.ariNoNoise.toFixed(3)}, NMI ${r.metrics.nmiNoNoise.toFixed(3)})` : ''}`));
  const layout = el('div', { class: 'layout' });
  const list = el('div', { role: 'list' });
  top.forEach((c, i) => {
    list.append(renderCluster(c, i));
    for (const s of r.clusters.filter((k) => k.parent === c.id)) {
      const sub = renderCluster(s, i);
      sub.style.marginLeft = '20px';
      list.append(sub);
    }
  });
  const right = el('div');
  right.append(canvas, el('div', { class: 'kw' }, 'Drag to pan, scroll to zoom, hover for the ticket, click to select its cluster.'));
  if (r.purity.length && r.labelColumn) right.append(purityTable(r));
  layout.append(list, right);
  app.append(layout, tip);
  requestAnimationFrame(draw);
}

window.addEventListener('message', (e: MessageEvent<HostToWebview>) => {
  if (e.data.type === 'run') render(e.data.run);
  else app.replaceChildren(el('p', { role: 'alert' }, e.data.message));
});
window.addEventListener('resize', () => draw());
vscode.postMessage({ type: 'ready' });

/** The evaluation page's stylesheet, colours from the VS Code theme, inserted with the page's nonce (the CSP allows no other inline style). */
import { el } from '../dom';

const CSS = `
body { color: var(--vscode-foreground); font-family: var(--vscode-font-family); padding: 0 12px 24px; }
h2 { margin-bottom: 4px; }
.sub, .note { color: var(--vscode-descriptionForeground); }
.sub { margin-top: 0; }
.cards { display: flex; flex-wrap: wrap; gap: 8px; margin: 12px 0; }
.card { border: 1px solid var(--vscode-panel-border); padding: 6px 10px; min-width: 9em; }
.card .n { font-size: 1.4em; display: block; }
.card .k { color: var(--vscode-descriptionForeground); }
section { border-top: 1px solid var(--vscode-panel-border); padding: 8px 0 12px; }
section h3 { margin: 4px 0 8px; }
.grid2 { display: grid; grid-template-columns: repeat(auto-fit, minmax(360px, 1fr)); gap: 16px; }
.chart { position: relative; height: 320px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0; }
th, td { text-align: left; padding: 2px 8px; border-bottom: 1px solid var(--vscode-panel-border); vertical-align: top; overflow-wrap: anywhere; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
button.link { background: none; border: none; padding: 0; color: var(--vscode-textLink-foreground); cursor: pointer; font: inherit; text-decoration: underline; }
button.toggle { margin: 4px 0; background: var(--vscode-button-secondaryBackground); color: var(--vscode-button-secondaryForeground); border: 1px solid var(--vscode-button-border, transparent); padding: 2px 8px; cursor: pointer; font: inherit; }
button:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: 2px; }
.matrix-wrap { overflow: auto; max-height: 80vh; }
.matrix { display: grid; gap: 1px; align-items: stretch; width: max-content; }
.matrix .name { font-size: 11px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; max-width: 200px; padding-right: 6px; text-align: right; align-self: center; }
.matrix .col { writing-mode: vertical-rl; transform: rotate(180deg); text-align: left; max-height: 160px; padding: 0; align-self: end; justify-self: center; }
.matrix button.cell { --share: 0; width: var(--cell); height: var(--cell); padding: 0; border: 1px solid transparent; font: inherit; font-size: 10px; cursor: pointer; color: var(--vscode-foreground);
  background: color-mix(in srgb, var(--vscode-charts-red) calc(var(--share) * 100%), var(--vscode-editor-background)); }
.matrix button.cell.diag { background: color-mix(in srgb, var(--vscode-charts-blue) calc(var(--share) * 100%), var(--vscode-editor-background)); }
.matrix button.cell.empty { cursor: default; }
.matrix button.cell[aria-pressed="true"] { border-color: var(--vscode-focusBorder); }
.matrix button.cell:focus-visible { outline: 2px solid var(--vscode-focusBorder); outline-offset: 0; }
.cell-rows { margin-top: 8px; }
.adapter td.bar { width: 50%; }
.adapter .meter { height: 10px; background: var(--vscode-charts-blue); }
[hidden] { display: none !important; }`;

export function installStyles(nonce: string): void {
  const style = el('style', { nonce });
  style.textContent = CSS;
  document.head.appendChild(style);
}

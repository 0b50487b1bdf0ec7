/** The profile page's stylesheet, colours from the VS Code theme, inserted with the page's nonce (the CSP allows no other inline style). */
import { el } from '../dom';

const CSS = `
body { color: var(--vscode-foreground); font-family: var(--vscode-font-family); padding: 0 12px 24px; }
h2 { margin-bottom: 4px; }
.sub { color: var(--vscode-descriptionForeground); margin-top: 0; }
.cards { display: flex; flex-wrap: wrap; gap: 8px; margin: 12px 0; }
.card { border: 1px solid var(--vscode-panel-border); padding: 6px 10px; min-width: 9em; }
.card .n { font-size: 1.4em; display: block; }
.card .k { color: var(--vscode-descriptionForeground); }
section { border-top: 1px solid var(--vscode-panel-border); padding: 8px 0 12px; }
section h3 { margin: 4px 0 8px; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(340px, 1fr)); gap: 16px; }
.chart { position: relative; height: 240px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0; }
th, td { text-align: left; padding: 2px 8px; border-bottom: 1px solid var(--vscode-panel-border); vertical-align: top; overflow-wrap: anywhere; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.note { color: var(--vscode-descriptionForeground); }
button.link { background: none; border: none; padding: 0; color: var(--vscode-textLink-foreground); cursor: pointer; font: inherit; text-decoration: underline; }
button.toggle { margin: 4px 0; background: var(--vscode-button-secondaryBackground); color: var(--vscode-button-secondaryForeground); border: 1px solid var(--vscode-button-border, transparent); padding: 2px 8px; cursor: pointer; font: inherit; }
button:focus-visible, select:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: 2px; }
select { background: var(--vscode-dropdown-background); color: var(--vscode-dropdown-foreground); border: 1px solid var(--vscode-dropdown-border); padding: 2px 4px; font: inherit; }
[hidden] { display: none !important; }`;

export function installStyles(nonce: string): void {
  const style = el('style', { nonce });
  style.textContent = CSS;
  document.head.appendChild(style);
}

/** The summary's stylesheet, colours from the VS Code theme. It is inserted with the page's nonce: the CSP allows no other inline style. */
import { installStylesheet } from './dom';

const CSS = `
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

export function installStyles(nonce: string): void {
  installStylesheet(nonce, CSS);
}

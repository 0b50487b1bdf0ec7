/**
 * The report pages' (profile, evaluation) shared stylesheet — cards, sections, tables, links, chart
 * toggles — colours from the VS Code theme; each page adds its own rules after it.
 */
import { installStylesheet } from './dom';

const REPORT_CSS = `
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
.chart { position: relative; }
table { border-collapse: collapse; width: 100%; margin: 6px 0; }
th, td { text-align: left; padding: 2px 8px; border-bottom: 1px solid var(--vscode-panel-border); vertical-align: top; overflow-wrap: anywhere; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
button.link { background: none; border: none; padding: 0; color: var(--vscode-textLink-foreground); cursor: pointer; font: inherit; text-decoration: underline; }
button.toggle { margin: 4px 0; background: var(--vscode-button-secondaryBackground); color: var(--vscode-button-secondaryForeground); border: 1px solid var(--vscode-button-border, transparent); padding: 2px 8px; cursor: pointer; font: inherit; }
button:focus-visible, select:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: 2px; }
[hidden] { display: none !important; }`;

/** The shared rules, then the page's own (`css`). */
export function installReportStyles(nonce: string, css: string): void {
  installStylesheet(nonce, `${REPORT_CSS}\n${css}`);
}

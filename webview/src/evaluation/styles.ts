/** The evaluation page's own rules, after the report pages' shared stylesheet (reportStyles.ts). */
import { installReportStyles } from '../reportStyles';

const CSS = `
.grid2 { display: grid; grid-template-columns: repeat(auto-fit, minmax(360px, 1fr)); gap: 16px; }
.chart { height: 320px; }
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
.map-legend { display: flex; flex-wrap: wrap; gap: 2px 10px; font-size: 11px; margin-top: 6px; }
.map-legend > span { display: inline-flex; gap: 4px; align-items: center; }
.map-legend .swatch { width: 10px; height: 10px; display: inline-block; }`;

export function installStyles(nonce: string): void {
  installReportStyles(nonce, CSS);
}

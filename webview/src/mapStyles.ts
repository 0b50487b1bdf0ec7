/** The map's stylesheet (toolbar, legend, lasso overlay, selection bar), theme colours only; inserted with the page's nonce. */
import { el } from './dom';

const CSS = `
/* The border is the box's: the canvases' own boxes then match their drawing buffers pixel for pixel. */
.map-box { position: relative; border: 1px solid var(--vscode-panel-border); }
.map-box canvas { display: block; border: none; }
.map-box .map-overlay { position: absolute; top: 0; left: 0; pointer-events: none; border-color: transparent; }
.map-gl:focus { outline: 1px solid var(--vscode-focusBorder); }
.legend-bar, .map-search, .selection-row { display: flex; gap: 6px; align-items: center; flex-wrap: wrap; margin: 4px 0; }
.legend-entries { display: flex; flex-wrap: wrap; gap: 2px 6px; margin: 4px 0; }
.legend-entry { background: none; color: inherit; font: inherit; border: 1px solid transparent; border-radius: 3px; padding: 1px 4px; cursor: pointer; display: inline-flex; gap: 4px; align-items: center; }
.legend-entry:hover { background: var(--vscode-list-hoverBackground); }
.legend-entry.focused { border-color: var(--vscode-focusBorder); }
.legend-entry:focus-visible { outline: 1px solid var(--vscode-focusBorder); }
.legend select, .selection-target { background: var(--vscode-dropdown-background); color: var(--vscode-dropdown-foreground); border: 1px solid var(--vscode-dropdown-border); font: inherit; padding: 2px; }
.selection-bar { border: 1px solid var(--vscode-panel-border); padding: 6px 8px; margin: 6px 0; }
.selection-count { font-weight: 600; }
.selection-preview .kw { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.legend-ramp[hidden] { display: none; }
.legend-ramp { display: flex; gap: 6px; align-items: center; margin: 4px 0; }
.legend-ramp .ramp { display: inline-block; width: 180px; height: 10px; border: 1px solid var(--vscode-panel-border); }`;

export function installMapStyles(nonce: string): void {
  const style = el('style', { nonce });
  style.textContent = CSS;
  document.head.appendChild(style);
}

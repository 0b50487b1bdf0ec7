/** The profile page's own rules, after the report pages' shared stylesheet (reportStyles.ts). */
import { installReportStyles } from '../reportStyles';

const CSS = `
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(340px, 1fr)); gap: 16px; }
.chart { height: 240px; }
select { background: var(--vscode-dropdown-background); color: var(--vscode-dropdown-foreground); border: 1px solid var(--vscode-dropdown-border); padding: 2px 4px; font: inherit; }`;

export function installStyles(nonce: string): void {
  installReportStyles(nonce, CSS);
}

/**
 * The summary webview of a run: clusters with labels, keywords, examples and purity, and the 2-D map.
 * Strict CSP with a per-panel nonce; ticket text only ever reaches the page as data in typed
 * messages and is rendered with textContent, never as HTML.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { clusterName } from '../../shared/clusterName';
import { topLevelPath } from '../../shared/clusterPath';
import { MetricsFile, type LoadedRun } from '../../shared/run';
import { TRENDS_JSON, TrendsFile } from '../../shared/trends';
import { WebviewToHost, type HostToWebview, type RunView } from '../../shared/webviewProtocol';
import { showError } from '../commands/showError';
import { errorMessage } from '../errorMessage';
import type { Ctx } from '../ctx';

export class SummaryPanel {
  private static panels = new Map<string, SummaryPanel>();
  private readonly panel: vscode.WebviewPanel;

  static show(ctx: Ctx, run: LoadedRun, onChanged: () => void): SummaryPanel {
    const existing = SummaryPanel.panels.get(run.runDir);
    if (existing) {
      existing.panel.reveal();
      void existing.load(run);
      return existing;
    }
    const p = new SummaryPanel(ctx, run, onChanged);
    SummaryPanel.panels.set(run.runDir, p);
    return p;
  }

  private constructor(
    private readonly ctx: Ctx,
    private run: LoadedRun,
    private readonly onChanged: () => void,
  ) {
    const media = vscode.Uri.joinPath(ctx.extension.extensionUri, 'dist');
    this.panel = vscode.window.createWebviewPanel('ticketLens.summary', `Clusters: ${run.manifest.input.path.split(/[\\/]/).pop()}`, vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [media],
      retainContextWhenHidden: true,
    });
    const nonce = randomBytes(16).toString('base64');
    const script = this.panel.webview.asWebviewUri(vscode.Uri.joinPath(media, 'webview.js'));
    const csp = [`default-src 'none'`, `script-src 'nonce-${nonce}'`, `style-src ${this.panel.webview.cspSource} 'nonce-${nonce}'`, `img-src ${this.panel.webview.cspSource} data:`, `font-src ${this.panel.webview.cspSource}`].join('; ');
    this.panel.webview.html = `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Ticket Lens clusters</title></head>
<body><div id="app" data-nonce="${nonce}">Loading…</div><script type="module" nonce="${nonce}" src="${script.toString()}"></script></body></html>`;
    this.panel.webview.onDidReceiveMessage((raw: unknown) => {
      const m = WebviewToHost.safeParse(raw);
      if (!m.success) {
        this.ctx.log.warn(`summary: ignored a message from the webview: ${m.error.message}`);
        return;
      }
      // A failed edit (e.g. a label the server refuses) must reach the user, not vanish in a promise.
      this.onMessage(m.data).catch((err: unknown) => showError(this.ctx.log, `summary of ${this.run.runDir}: ${m.data.type}`, err));
    });
    this.panel.onDidDispose(() => SummaryPanel.panels.delete(this.run.runDir));
  }

  private post(m: HostToWebview): void {
    void this.panel.webview.postMessage(m);
  }

  private async load(run: LoadedRun): Promise<void> {
    this.run = run;
    try {
      const client = await this.ctx.client();
      const points = await client.points(run.runDir);
      const top = run.clusters.filter((c) => c.depth === 1);
      const index = new Map(top.map((c, i) => [c.id, c.isNoise ? -1 : i]));
      const metrics = await readMetrics(run.runDir);
      const trends = await readTrends(run.runDir);
      const evaluation = metrics && 'topLevel' in metrics ? metrics.topLevel : undefined;
      const view: RunView = {
        runDir: run.runDir,
        title: run.manifest.input.path,
        rows: run.manifest.input.rows,
        labelColumn: run.manifest.input.labelColumn,
        metrics: evaluation ? { ari: evaluation.withNoise.ari, nmi: evaluation.withNoise.nmi, ariNoNoise: evaluation.withoutNoise.ari, nmiNoNoise: evaluation.withoutNoise.nmi } : null,
        purity: evaluation?.purity ?? [],
        clusters: run.clusters.map((c) => ({
          id: c.id,
          parent: c.parent,
          label: clusterName(c),
          labelSource: c.labelSource,
          description: c.description,
          size: c.size,
          isNoise: c.isNoise,
          reviewed: c.reviewed,
          keywords: c.keywords.map((k) => k.term),
          examples: c.examples.map((e) => ({ row: e.row, line: e.line, text: e.text })),
          purity: c.purity ?? null,
        })),
        points: { x: points.x, y: points.y, cluster: points.cluster.map((p) => index.get(topLevelPath(p)) ?? -1), text: points.text, row: points.row, line: points.line },
        trends,
      };
      this.post({ type: 'run', run: view });
    } catch (err) {
      this.post({ type: 'error', message: errorMessage(err) });
    }
  }

  private async onMessage(m: WebviewToHost): Promise<void> {
    if (m.type === 'ready') return this.load(this.run);
    const client = await this.ctx.client();
    if (m.type === 'rename' || m.type === 'review') {
      const r = await client.editRun(this.run.runDir, [m.type === 'rename' ? { op: 'rename', id: m.id, label: m.label } : { op: 'review', id: m.id, reviewed: m.reviewed }]);
      this.run = { ...this.run, clusters: r.clusters };
      this.onChanged();
      await this.load(this.run);
    } else if (m.type === 'reveal') {
      await vscode.commands.executeCommand('ticketLens.revealRow', { kind: 'example', run: this.run, row: m.row, line: m.line });
    }
  }
}

/** The run's metrics.json, validated; undefined when the run has none (no label column, or an older run). */
async function readMetrics(runDir: string): Promise<MetricsFile | undefined> {
  let bytes: Uint8Array;
  try {
    bytes = await vscode.workspace.fs.readFile(vscode.Uri.file(`${runDir}/metrics.json`));
  } catch {
    return undefined;
  }
  const parsed = MetricsFile.safeParse(JSON.parse(new TextDecoder().decode(bytes)));
  if (!parsed.success) throw new Error(`${runDir}/metrics.json is not a valid metrics file: ${parsed.error.message}`);
  return parsed.data;
}

/** The run's trends.json (ticket-lens trends), validated; null when the run has none. */
async function readTrends(runDir: string): Promise<TrendsFile | null> {
  let bytes: Uint8Array;
  try {
    bytes = await vscode.workspace.fs.readFile(vscode.Uri.file(`${runDir}/${TRENDS_JSON}`));
  } catch {
    return null;
  }
  const parsed = TrendsFile.safeParse(JSON.parse(new TextDecoder().decode(bytes)));
  if (!parsed.success) throw new Error(`${runDir}/${TRENDS_JSON} is not a valid trends file: ${parsed.error.message}`);
  return parsed.data;
}

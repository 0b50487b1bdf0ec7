/**
 * The summary webview of a run: clusters with labels, keywords, examples and purity, and the 2-D map.
 * Strict CSP with a per-panel nonce; ticket text only ever reaches the page as data in typed
 * messages and is rendered with textContent, never as HTML. The map's points go as typed arrays; the
 * texts stay here and are sent on demand (tooltip, selection) or searched here, so a run of a million
 * rows does not put a million strings through the webview's message channel. Colour by date asks
 * for a date column's values once; they are kept for the reloads that follow an edit (rows keep their
 * order), so an edit does not read the CSV again.
 */
import * as vscode from 'vscode';
import { clusterName } from '../../shared/clusterName';
import { suggestionText } from '../../shared/suggestion';
import { stringify } from 'csv-stringify/sync';
import type { RunEdit, RunPoints } from '../../shared/cluster';
import { ancestorPaths, topLevelPath } from '../../shared/clusterPath';
import { MetricsFile, type LoadedRun } from '../../shared/run';
import { TRENDS_JSON, TrendsFile } from '../../shared/trends';
import { WebviewToHost, type HostToWebview, type MapPoints, type RunView } from '../../shared/webviewProtocol';
import { errorMessage } from '../errorMessage';
import type { Ctx } from '../ctx';
import { openWebviewPage } from './webviewPage';

/** A date column's values as read, with the points' rows they belong to (kept across reloads while the rows are the same). */
interface KeptDates {
  column: string;
  row: number[];
  date: (number | null)[];
}

export class SummaryPanel {
  private static panels = new Map<string, SummaryPanel>();
  private readonly panel: vscode.WebviewPanel;
  /** The points as the server gave them (texts, rows, paths), for the webview's on-demand requests. */
  private points: RunPoints | null = null;
  /** Lower-cased texts for search, made at the first search after a load. */
  private folded: string[] | null = null;
  /** The date column the map is coloured by (null: none asked for) and its values as last read, by point. */
  private dateColumn: string | null = null;
  private dates: KeptDates | null = null;

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
    this.panel = openWebviewPage(ctx, {
      viewType: 'ticketLens.summary',
      title: `Clusters: ${run.manifest.input.path.split(/[\\/]/).pop()}`,
      script: 'webview.js',
      pageTitle: 'Ticket Lens clusters',
      incoming: WebviewToHost,
      what: () => `summary of ${this.run.runDir}`,
      onMessage: (m) => this.onMessage(m),
    });
    this.panel.onDidDispose(() => SummaryPanel.panels.delete(this.run.runDir));
  }

  private post(m: HostToWebview): void {
    void this.panel.webview.postMessage(m);
  }

  private async load(run: LoadedRun): Promise<void> {
    this.run = run;
    try {
      const points = await this.readPoints(run.runDir);
      this.points = points;
      this.folded = null;
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
          suggestion: suggestionText(c),
          category: c.suggestedCategory ?? null,
        })),
        points: mapPoints(points, run, this.dates),
        dateColumns: points.dateColumns ?? [],
        trends,
      };
      this.post({ type: 'run', run: view });
    } catch (err) {
      this.post({ type: 'error', message: errorMessage(err) });
    }
  }

  /** The run's points, with the dates of the chosen column: read with them when the kept ones do not fit these rows. */
  private async readPoints(runDir: string): Promise<RunPoints> {
    const client = await this.ctx.client();
    const column = this.dateColumn;
    const kept = this.dates;
    let points = await client.points(runDir, column !== null && kept?.column !== column ? column : undefined);
    if (column !== null && points.date) this.dates = { column, row: points.row, date: points.date };
    else if (column !== null && kept && !sameRows(kept.row, points.row)) {
      points = await client.points(runDir, column);
      this.dates = { column, row: points.row, date: points.date ?? [] };
    }
    return points;
  }

  private async onMessage(m: WebviewToHost): Promise<void> {
    if (m.type === 'ready') return this.load(this.run);
    if (m.type === 'dates') {
      this.dateColumn = m.column;
      try {
        // Read here rather than in load(), whose errors replace the page: a column that cannot be read is a notification.
        const points = await (await this.ctx.client()).points(this.run.runDir, m.column);
        this.dates = { column: m.column, row: points.row, date: points.date ?? [] };
      } catch (err) {
        this.dateColumn = null;
        await this.load(this.run);
        throw err;
      }
      return this.load(this.run);
    }
    const client = await this.ctx.client();
    if (m.type === 'rename' || m.type === 'review') {
      const r = await client.editRun(this.run.runDir, [m.type === 'rename' ? { op: 'rename', id: m.id, label: m.label } : { op: 'review', id: m.id, reviewed: m.reviewed }]);
      this.run = { ...this.run, clusters: r.clusters };
      this.onChanged();
      await this.load(this.run);
    } else if (m.type === 'reveal') {
      await vscode.commands.executeCommand('ticketLens.revealRow', { kind: 'example', run: this.run, row: m.row, line: m.line });
    } else if (m.type === 'texts') {
      const p = this.points;
      if (!p) return;
      const items = m.indices.filter((i) => i < p.text.length).map((i) => ({ index: i, text: p.text[i], row: p.row[i], line: p.line[i] }));
      this.post({ type: 'texts', seq: m.seq, items });
    } else if (m.type === 'search') {
      this.post({ type: 'matches', seq: m.seq, indices: this.search(m.query) });
    } else if (m.type === 'exportSelection') {
      await this.exportSelection(m.indices);
    } else {
      await this.editSelection(m);
    }
  }

  /** Points whose text holds every term of `query`, case-insensitively (a plain scan: ~10 ms at 200k rows). */
  private search(query: string): Uint32Array<ArrayBuffer> {
    const terms = query.toLowerCase().split(/\s+/).filter(Boolean);
    if (!terms.length || !this.points) return new Uint32Array(0);
    this.folded ??= this.points.text.map((t) => t.toLowerCase());
    const hits: number[] = [];
    this.folded.forEach((t, i) => {
      if (terms.every((term) => t.includes(term))) hits.push(i);
    });
    return Uint32Array.from(hits);
  }

  /** The selection's data rows (1-based), from point indices; indices past the points are dropped. */
  private rowsOf(indices: readonly number[]): number[] {
    const p = this.points;
    return p ? indices.filter((i) => i < p.row.length).map((i) => p.row[i]) : [];
  }

  private async editSelection(m: Extract<WebviewToHost, { type: 'nameSelection' | 'moveSelection' | 'reviewSelection' }>): Promise<void> {
    const rows = this.rowsOf(m.indices);
    if (!rows.length || !this.points) return;
    let edits: RunEdit[];
    if (m.type === 'nameSelection') edits = [{ op: 'newCluster', rows, label: m.label }];
    else if (m.type === 'moveSelection') edits = [{ op: 'moveRows', rows, to: m.to }];
    else {
      const paths = this.points.cluster;
      const known = new Set(this.run.clusters.filter((c) => !c.isNoise).map((c) => c.id));
      const tops = new Set(m.indices.filter((i) => i < paths.length).map((i) => topLevelPath(paths[i])));
      edits = [...tops].filter((id) => known.has(id)).map((id) => ({ op: 'review', id, reviewed: true }));
      if (!edits.length) {
        void vscode.window.showInformationMessage('Ticket Lens: the selection lies in noise only; there is no cluster to mark reviewed.');
        return;
      }
    }
    const client = await this.ctx.client();
    const r = await client.editRun(this.run.runDir, edits);
    this.run = { ...this.run, clusters: r.clusters };
    this.onChanged();
    await this.load(this.run);
  }

  /** The selected rows (row, line, text, cluster path) as a CSV where the user chooses. */
  private async exportSelection(indices: readonly number[]): Promise<void> {
    const p = this.points;
    if (!p) return;
    const input = vscode.Uri.file(this.run.manifest.input.path);
    const target = await vscode.window.showSaveDialog({
      defaultUri: vscode.Uri.joinPath(input, '..', `${input.path.split('/').pop()?.replace(/\.csv$/i, '') ?? 'tickets'}-selection.csv`),
      filters: { CSV: ['csv'] },
      title: `Export ${indices.length} selected tickets`,
    });
    if (!target) return;
    if (target.fsPath === input.fsPath) throw new Error(`${target.fsPath} is the run's input CSV; choose another file.`);
    // The run folder holds only the run's own files, which the server alone writes.
    if (vscode.Uri.joinPath(target, '..').fsPath === vscode.Uri.file(this.run.runDir).fsPath) throw new Error(`${target.fsPath} is inside the run folder; choose a file outside it.`);
    const records = indices.filter((i) => i < p.row.length).map((i) => ({ row: p.row[i], line: p.line[i], text: p.text[i], cluster: p.cluster[i] }));
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(stringify(records, { header: true, columns: ['row', 'line', 'text', 'cluster'] })));
    void vscode.window.showInformationMessage(`Ticket Lens: exported ${records.length} tickets to ${target.fsPath}.`);
  }
}

/**
 * The webview's binary points: positions, and each row's cluster as an index into the run's clusters
 * (its deepest listed path: a path clusters.json lacks, such as a level's noise, falls to its parent).
 */
function mapPoints(points: RunPoints, run: LoadedRun, dates: KeptDates | null): MapPoints {
  const index = new Map(run.clusters.map((c, i) => [c.id, i]));
  // Few distinct paths, many rows: each path is resolved once.
  const resolved = new Map<string, number>();
  const cluster = Int32Array.from(points.cluster, (path) => {
    let i = resolved.get(path);
    if (i === undefined) {
      const hit = ancestorPaths(path).find((a) => index.has(a));
      i = hit === undefined ? -1 : (index.get(hit) ?? -1);
      resolved.set(path, i);
    }
    return i;
  });
  // Dates kept from an earlier read count only for the very same rows.
  const dated = dates && sameRows(dates.row, points.row) ? dates : null;
  const date = dated ? Float64Array.from(dated.date, (t) => t ?? Number.NaN) : null;
  const base = { x: Float32Array.from(points.x), y: Float32Array.from(points.y), cluster, date, dateColumn: dated?.column ?? null };
  if (!points.label) return { ...base, label: null, labels: [] };
  // The label column's values as codes into their sorted list (−1: an empty cell), for colour by label.
  const labels = [...new Set(points.label.filter((l) => l !== ''))].sort();
  const code = new Map(labels.map((l, i) => [l, i]));
  const label = Int32Array.from(points.label, (l) => code.get(l) ?? -1);
  return { ...base, label, labels };
}

function sameRows(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((r, i) => r === b[i]);
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

/**
 * summary.md: what a support lead reads first — sizes, the top clusters with keywords and examples, and
 * the evaluation. Every text that comes from the data, the file system or the LLM goes through
 * markdownText, so the preview shows it as written and fetches nothing.
 */
import { basename, join } from 'node:path';
import { autoNameOf, clusterName, keywordName, labelOf, NEW_SERIES, suggestionText, type ClusterRecord, type MetricsFile, type RunManifest, type TrendsFile } from '../../shared/api';
import { writeFileAtomic } from '../data/atomic';
import { markdownCode, markdownText } from './markdownText';

export const SUMMARY_MD = 'summary.md';

/** What the report needs; the pipeline has it in memory, an edited or relabelled run rebuilds it from its files. */
export interface SummaryInput {
  manifest: RunManifest;
  title: string;
  input: { rows: number; textColumn: string; labelColumn: string | null; skipped: number };
  params: Record<string, unknown>;
  timings: Record<string, number>;
  clusters: ClusterRecord[];
  /** null for a run without metrics.json. */
  metrics: MetricsFile | null;
  /** trends.json (ticket-lens trends), when the run has one. */
  trends?: TrendsFile | null;
}

/** The report rebuilt from a run's files, after an edit or a label. */
export function summaryOfRun(manifest: RunManifest, clusters: ClusterRecord[], metrics: MetricsFile | null, trends: TrendsFile | null = null): SummaryInput {
  return {
    manifest,
    title: basename(manifest.input.path),
    input: { rows: manifest.input.rows, textColumn: manifest.input.textColumn, labelColumn: manifest.input.labelColumn, skipped: 0 },
    params: manifest.params,
    timings: manifest.timings,
    clusters,
    metrics,
    trends,
  };
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const oneLine = (s: string) => markdownText(s, 160);
const text = (s: string) => markdownText(s);

const day = (iso: string) => text(iso.slice(0, 10));
/** The last day of a window whose end is exclusive. */
const lastDay = (iso: string) => day(new Date(Date.parse(iso) - 1).toISOString());
const ratio = (x: number) => `×${x.toFixed(2)}`;
/** Shown per table: the largest clusters, and always the new/unassigned row. */
const SERIES_SHOWN = 12;
const BUCKETS_SHOWN = 8;

/** Trends (trends.json): growth over the last window, tickets per bucket of the largest clusters, emerging topics. */
function trendsSection(t: TrendsFile): string[] {
  const out = ['## Trends', ''];
  out.push(`${t.dated.toLocaleString('en')} dated tickets${t.undated ? ` (${t.undated.toLocaleString('en')} undated left out)` : ''} from ${t.sources.map((s) => text(s)).join('; ')}.`, '');
  if (t.window) {
    out.push(`### Growing fastest: ${day(t.window.currentStart)} to ${lastDay(t.window.end)} against the ${t.windowDays} days before`, '');
    if (t.growth.length === 0) out.push(`No cluster had ${t.minCount} tickets in the last ${t.windowDays} days.`, '');
    else {
      out.push('| cluster | name | last window | window before | growth |', '|---|---|---:|---:|---:|');
      for (const g of t.growth.slice(0, 10)) out.push(`| ${text(g.cluster)} | ${oneLine(g.name)} | ${g.current} | ${g.previous} | ${ratio(g.ratio)} |`);
      out.push('', `Clusters with at least ${t.minCount} tickets in the last window; growth is (last + 1) / (before + 1).`, '');
    }
  }
  if (t.buckets.length > 0) {
    // The last buckets and the largest clusters: a table read at a glance (trends.json has them all).
    const shown = Math.min(t.buckets.length, BUCKETS_SHOWN);
    const from = t.buckets.length - shown;
    const fresh = t.series.filter((s) => s.cluster === NEW_SERIES);
    const rows = [...t.series.filter((s) => s.cluster !== NEW_SERIES).slice(0, SERIES_SHOWN - fresh.length), ...fresh];
    out.push(`### Tickets per ${t.bucket}`, '');
    out.push(`| cluster | name | ${t.buckets.slice(from).map(day).join(' | ')} | total |`, `|---|---|${'---:|'.repeat(shown)}---:|`);
    for (const s of rows) out.push(`| ${text(s.cluster)} | ${oneLine(s.name)} | ${s.counts.slice(from).join(' | ')} | ${s.total} |`);
    if (t.series.length > rows.length) out.push(`| | ${text(`${t.series.length - rows.length} more in trends.json`)} |${' |'.repeat(shown + 1)}`);
    out.push('');
  }
  out.push('### Emerging topics', '', `New tickets far from every cluster that are alike (groups of at least ${t.minTopicSize}).`, '');
  if (t.emerging.length === 0) out.push('None.', '');
  for (const e of t.emerging.slice(0, 10)) {
    const when = e.first && e.last ? `, ${day(e.first)} to ${day(e.last)}` : '';
    out.push(`#### ${text(e.id)} — ${oneLine(keywordName(e))}`, '', `${e.size} tickets${when}.`, '');
    for (const ex of e.examples.slice(0, 3)) out.push(`- ${ex.row !== null ? `row ${ex.row}: ` : ''}“${oneLine(ex.text)}”`);
    out.push('');
  }
  return out;
}

export function renderSummary(c: SummaryInput): string {
  const rows = c.input.rows;
  const top = c.clusters.filter((k) => k.depth === 1);
  const noise = top.find((k) => k.isNoise);
  const children = (id: string) => c.clusters.filter((k) => k.parent === id);
  const evaluation = c.metrics?.topLevel ?? null;
  const sweep = c.metrics?.sweep ?? null;
  const out: string[] = [];
  out.push(`# Ticket Lens clusters: ${text(c.title)}`, '');
  if (c.manifest.labelling.state !== 'none') out.push(`Labels: ${c.manifest.labelling.state === 'complete' ? `by ${text(c.manifest.labelling.model ?? '')}` : c.manifest.labelling.state === 'partial' ? `partly by ${text(c.manifest.labelling.model ?? '')}, the rest from keywords` : 'from keywords (no LLM)'}.`, '');
  out.push(`${rows.toLocaleString('en')} rows (${text(c.input.textColumn)})${c.input.skipped ? `, ${c.input.skipped} rows with empty text skipped` : ''}; ` +
    `${top.filter((k) => !k.isNoise).length} clusters, ${c.clusters.filter((k) => k.depth > 1 && !k.isNoise).length} sub-clusters; ` +
    `noise ${noise ? pct(noise.size / rows) : '0%'}. Run ${text(c.manifest.id)}, ${text(c.manifest.createdAt)}.`, '');
  out.push(`Parameters: ${Object.entries(c.params).map(([k, v]) => `${text(k)}=${text(String(v))}`).join(', ')}.`, '');
  // The table's column is the label or, for unlabelled clusters, the name chosen without an LLM, else (noise, older runs) the keywords.
  out.push('## Clusters', '', '| cluster | rows | share | name | purity |', '|---|---:|---:|---|---|');
  for (const k of top) {
    out.push(`| ${text(k.id)}${k.isNoise ? ' (noise)' : ''} | ${k.size} | ${pct(k.size / rows)} | ${oneLine(labelOf(k) ?? autoNameOf(k) ?? keywordName(k))} | ${k.purity ? `${oneLine(k.purity.label)} ${pct(k.purity.share)}` : ''} |`);
  }
  out.push('');
  for (const k of top.filter((t) => !t.isNoise).slice(0, 15)) {
    out.push(`### ${text(k.id)} — ${oneLine(clusterName(k))} (${k.size} rows)`, '');
    if (k.description) out.push(text(k.description), '');
    const suggestion = suggestionText(k);
    if (suggestion) out.push(`Suggested: ${text(suggestion)}`, '');
    out.push(`Keywords: ${k.keywords.map((w) => text(w.term)).join(', ')}`, '');
    for (const ex of k.examples.slice(0, 3)) out.push(`- row ${ex.row}: “${oneLine(ex.text)}”`);
    const subs = children(k.id).filter((s) => !s.isNoise);
    if (subs.length) out.push('', `Sub-clusters: ${subs.map((s) => `${text(s.id)} (${s.size}: ${oneLine(clusterName(s))})`).join('; ')}`);
    out.push('');
  }
  if (evaluation) {
    const e = evaluation;
    out.push(`## Evaluation against ${markdownCode(c.input.labelColumn ?? '')}`, '');
    out.push('| | ARI | NMI | homogeneity | completeness | V-measure |', '|---|---:|---:|---:|---:|---:|');
    for (const [label, s] of [['noise counted', e.withNoise], [`noise excluded (${e.noiseRows} rows)`, e.withoutNoise]] as const) {
      out.push(`| ${label} | ${s.ari.toFixed(3)} | ${s.nmi.toFixed(3)} | ${s.homogeneity.toFixed(3)} | ${s.completeness.toFixed(3)} | ${s.vMeasure.toFixed(3)} |`);
    }
    out.push('', 'Per label: the cluster holding most of its rows, and the share it holds.', '', '| label | rows | cluster | share |', '|---|---:|---|---:|');
    for (const p of e.purity) out.push(`| ${oneLine(p.label)} | ${p.size} | ${text(p.cluster)} | ${pct(p.share)} |`);
    out.push('');
  }
  if (sweep) {
    out.push('## Minimum cluster size (auto)', '', '| min cluster size | clusters | noise | validity |', '|---:|---:|---:|---:|');
    for (const s of sweep) out.push(`| ${s.minClusterSize}${s.minClusterSize === c.params.minClusterSize ? ' ✓' : ''} | ${s.clusters} | ${pct(s.noise)} | ${s.validity.toFixed(3)} |`);
    out.push('');
  }
  if (c.trends) out.push(...trendsSection(c.trends));
  out.push('## Timings', '', Object.entries(c.timings).map(([k, v]) => `${text(k)} ${v.toFixed(1)} s`).join(' · '), '');
  out.push('Files: `assignments.csv` (every row with its cluster), `clusters.json`, `metrics.json`, `map.png`' + (c.input.labelColumn ? ', `map-labels.png`' : '') + (c.trends ? ', `trends.json`' : '') + '.', '');
  return out.join('\n');
}

export function writeSummary(dir: string, input: SummaryInput): Promise<void> {
  return writeFileAtomic(join(dir, SUMMARY_MD), renderSummary(input));
}

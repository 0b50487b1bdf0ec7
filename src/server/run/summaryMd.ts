/**
 * summary.md: what a support lead reads first — sizes, the top clusters with keywords and examples, and
 * the evaluation. Every text that comes from the data, the file system or the LLM goes through
 * markdownText, so the preview shows it as written and fetches nothing.
 */
import { basename, join } from 'node:path';
import { clusterName, keywordName, labelOf, type ClusterRecord, type MetricsFile, type RunManifest } from '../../shared/api';
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
}

/** The report rebuilt from a run's files, after an edit or a label. */
export function summaryOfRun(manifest: RunManifest, clusters: ClusterRecord[], metrics: MetricsFile | null): SummaryInput {
  return {
    manifest,
    title: basename(manifest.input.path),
    input: { rows: manifest.input.rows, textColumn: manifest.input.textColumn, labelColumn: manifest.input.labelColumn, skipped: 0 },
    params: manifest.params,
    timings: manifest.timings,
    clusters,
    metrics,
  };
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const oneLine = (s: string) => markdownText(s, 160);
const text = (s: string) => markdownText(s);

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
  // The table's column is the label or, for noise and unlabelled clusters, the keywords.
  out.push('## Clusters', '', '| cluster | rows | share | keywords | purity |', '|---|---:|---:|---|---|');
  for (const k of top) {
    out.push(`| ${text(k.id)}${k.isNoise ? ' (noise)' : ''} | ${k.size} | ${pct(k.size / rows)} | ${oneLine(labelOf(k) ?? keywordName(k))} | ${k.purity ? `${oneLine(k.purity.label)} ${pct(k.purity.share)}` : ''} |`);
  }
  out.push('');
  for (const k of top.filter((t) => !t.isNoise).slice(0, 15)) {
    out.push(`### ${text(k.id)} — ${oneLine(clusterName(k))} (${k.size} rows)`, '');
    if (k.description) out.push(text(k.description), '');
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
  out.push('## Timings', '', Object.entries(c.timings).map(([k, v]) => `${text(k)} ${v.toFixed(1)} s`).join(' · '), '');
  out.push('Files: `assignments.csv` (every row with its cluster), `clusters.json`, `metrics.json`, `map.png`' + (c.input.labelColumn ? ', `map-labels.png`' : '') + '.', '');
  return out.join('\n');
}

export function writeSummary(dir: string, input: SummaryInput): Promise<void> {
  return writeFileAtomic(join(dir, SUMMARY_MD), renderSummary(input));
}

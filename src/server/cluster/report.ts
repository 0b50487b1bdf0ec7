/** summary.md: what a support lead reads first — sizes, the top clusters with keywords and examples, and the evaluation. */
import type { ClusterRecord, RunManifest } from '../../shared/api';
import type { SweepRow } from './autoSize';
import type { Evaluation } from './metrics';

/** What the report needs; the pipeline has it in memory, a relabelled run rebuilds it from its files. */
export interface SummaryInput {
  manifest: RunManifest;
  title: string;
  input: { rows: number; textColumn: string; labelColumn: string | null; skipped: number };
  params: Record<string, unknown>;
  timings: Record<string, number>;
  clusters: ClusterRecord[];
  evaluation: { top: Evaluation } | null;
  sweep: SweepRow[] | null;
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const oneLine = (s: string) => s.replace(/\s+/g, ' ').replace(/\|/g, '\\|').slice(0, 160);

export function renderSummary(c: SummaryInput): string {
  const rows = c.input.rows;
  const top = c.clusters.filter((k) => k.depth === 1);
  const noise = top.find((k) => k.isNoise);
  const children = (id: string) => c.clusters.filter((k) => k.parent === id);
  const name = (k: ClusterRecord) => k.label ?? k.keywords.slice(0, 4).map((w) => w.term).join(', ');
  const out: string[] = [];
  out.push(`# Ticket Lens clusters: ${c.title}`, '');
  if (c.manifest.labelling.state !== 'none') out.push(`Labels: ${c.manifest.labelling.state === 'complete' ? `by ${c.manifest.labelling.model}` : c.manifest.labelling.state === 'partial' ? `partly by ${c.manifest.labelling.model}, the rest from keywords` : 'from keywords (no LLM)'}.`, '');
  out.push(`${rows.toLocaleString('en')} rows (${c.input.textColumn})${c.input.skipped ? `, ${c.input.skipped} rows with empty text skipped` : ''}; ` +
    `${top.filter((k) => !k.isNoise).length} clusters, ${c.clusters.filter((k) => k.depth > 1 && !k.isNoise).length} sub-clusters; ` +
    `noise ${noise ? pct(noise.size / rows) : '0%'}. Run ${c.manifest.id}, ${c.manifest.createdAt}.`, '');
  out.push(`Parameters: ${Object.entries(c.params).map(([k, v]) => `${k}=${v}`).join(', ')}.`, '');
  out.push('## Clusters', '', '| cluster | rows | share | keywords | purity |', '|---|---:|---:|---|---|');
  for (const k of top) {
    out.push(`| ${k.id}${k.isNoise ? ' (noise)' : ''} | ${k.size} | ${pct(k.size / rows)} | ${oneLine(name(k))} | ${k.purity ? `${oneLine(k.purity.label)} ${pct(k.purity.share)}` : ''} |`);
  }
  out.push('');
  for (const k of top.filter((t) => !t.isNoise).slice(0, 15)) {
    out.push(`### ${k.id} — ${oneLine(name(k))} (${k.size} rows)`, '');
    if (k.description) out.push(k.description, '');
    out.push(`Keywords: ${k.keywords.map((w) => w.term).join(', ')}`, '');
    for (const ex of k.examples.slice(0, 3)) out.push(`- row ${ex.row}: “${oneLine(ex.text)}”`);
    const subs = children(k.id).filter((s) => !s.isNoise);
    if (subs.length) out.push('', `Sub-clusters: ${subs.map((s) => `${s.id} (${s.size}: ${oneLine(name(s))})`).join('; ')}`);
    out.push('');
  }
  if (c.evaluation) {
    const e = c.evaluation.top;
    out.push(`## Evaluation against \`${c.input.labelColumn}\``, '');
    out.push('| | ARI | NMI | homogeneity | completeness | V-measure |', '|---|---:|---:|---:|---:|---:|');
    for (const [label, s] of [['noise counted', e.withNoise], [`noise excluded (${e.noiseRows} rows)`, e.withoutNoise]] as const) {
      out.push(`| ${label} | ${s.ari.toFixed(3)} | ${s.nmi.toFixed(3)} | ${s.homogeneity.toFixed(3)} | ${s.completeness.toFixed(3)} | ${s.vMeasure.toFixed(3)} |`);
    }
    out.push('', 'Per label: the cluster holding most of its rows, and the share it holds.', '', '| label | rows | cluster | share |', '|---|---:|---|---:|');
    for (const p of e.purity) out.push(`| ${oneLine(p.label)} | ${p.size} | ${p.cluster} | ${pct(p.share)} |`);
    out.push('');
  }
  if (c.sweep) {
    out.push('## Minimum cluster size (auto)', '', '| min cluster size | clusters | noise | validity |', '|---:|---:|---:|---:|');
    for (const s of c.sweep) out.push(`| ${s.minClusterSize}${s.minClusterSize === c.params.minClusterSize ? ' ✓' : ''} | ${s.clusters} | ${pct(s.noise)} | ${s.validity.toFixed(3)} |`);
    out.push('');
  }
  out.push('## Timings', '', Object.entries(c.timings).map(([k, v]) => `${k} ${v.toFixed(1)} s`).join(' · '), '');
  out.push('Files: `assignments.csv` (every row with its cluster), `clusters.json`, `metrics.json`, `map.png`' + (c.input.labelColumn ? ', `map-labels.png`' : '') + '.', '');
  return out.join('\n');
}

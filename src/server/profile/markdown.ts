/**
 * profile.md: the profile as a person reads it, tables only (VS Code's preview and any Git host show
 * them). Every value from the file (texts, labels, terms, column names) goes through markdownText, so
 * it renders as the characters it holds, never as a link, image or HTML.
 */
import { NORMALIZE_RULES } from '../../shared/normalizeRules';
import type { DuplicateStats, Histogram, Profile, Summary, TopTerms } from '../../shared/profile';
import { markdownCode, markdownText } from '../run/markdownText';

/** profile.md's first characters: how an earlier profile.md is told from someone else's file. */
export const PROFILE_MD_TITLE = '# Data profile of ';

const int = (n: number) => n.toLocaleString('en-US');
const pct = (part: number, whole: number) => (whole ? `${((100 * part) / whole).toFixed(1)}%` : '–');
const num = (n: number) => (Number.isInteger(n) ? int(n) : n.toFixed(1));

function table(head: string[], rows: string[][]): string[] {
  return [`| ${head.join(' | ')} |`, `|${head.map(() => ' --- ').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`), ''];
}

function summaryRow(name: string, s: Summary): string[] {
  return [name, num(s.min), num(s.p25), num(s.median), num(s.mean), num(s.p75), num(s.p90), num(s.p99), num(s.max)];
}

function histogramTable(h: Histogram, unit: string, total: number): string[] {
  const rows = h.counts.map((c, i) => {
    const range = i + 1 < h.edges.length ? `${int(h.edges[i])}–${int(h.edges[i + 1] - 1)}` : `≥ ${int(h.edges[i])}`;
    return [range, int(c), pct(c, total)];
  });
  return table([unit, 'texts', 'share'], rows);
}

function duplicateRow(name: string, d: { distinct: number; groups: number; rows: number }, texts: number): string[] {
  return [name, int(d.distinct), int(d.groups), `${int(d.rows)} (${pct(d.rows, texts)})`];
}

function topDuplicates(title: string, d: DuplicateStats): string[] {
  if (!d.top.length) return [];
  return [`${title}:`, '', ...table(['times', 'text (redacted)'], d.top.map((t) => [int(t.count), markdownText(t.text, 200)]))];
}

function termsTable(t: TopTerms): string[] {
  const n = Math.max(t.words.length, t.bigrams.length);
  const cell = (x: { term: string; count: number } | undefined) => (x ? `${markdownText(x.term)} (${int(x.count)})` : '');
  return table(['word', 'bigram'], Array.from({ length: n }, (_, i) => [cell(t.words[i]), cell(t.bigrams[i])]));
}

export function profileMarkdown(p: Profile): string {
  const texts = p.rows - p.emptyTexts.count;
  const { input } = p;
  const out: string[] = [`${PROFILE_MD_TITLE}${markdownText(input.path.split(/[\\/]/).pop() ?? input.path)}`, ''];
  const cols = [`text column ${markdownCode(input.textColumn)}`];
  if (input.labelColumn) cols.push(`label column ${markdownCode(input.labelColumn)}`);
  if (input.dateColumn) cols.push(`date column ${markdownCode(input.dateColumn)}`);
  out.push(`${markdownText(input.path)}: ${cols.join(', ')}. Made ${p.createdAt.slice(0, 16).replace('T', ' ')} UTC by \`ticket-lens profile\`.`, '');

  out.push('## Rows and duplicates', '');
  out.push(`${int(p.rows)} data rows; ${int(p.emptyTexts.count)} (${pct(p.emptyTexts.count, p.rows)}) with an empty text${p.emptyTexts.rows.length ? ` (rows ${p.emptyTexts.rows.map((r) => r.row).join(', ')}${p.emptyTexts.count > p.emptyTexts.rows.length ? ', …' : ''})` : ''}, ${int(texts)} texts.`, '');
  const dupRows = [duplicateRow('exact', p.duplicates.exact, texts), duplicateRow('same after case, spacing and punctuation', p.duplicates.folded, texts)];
  const e = p.duplicates.embedding;
  if (e) dupRows.push(duplicateRow(`same by meaning (embedding cosine ≥ ${e.threshold})`, e, texts));
  out.push(...table(['duplicates', 'distinct texts', 'repeated texts', 'extra rows'], dupRows));
  if (!e) out.push('Near-duplicates by meaning were not looked for (`--near-duplicates`).', '');
  out.push(...topDuplicates('Most repeated texts', p.duplicates.exact));
  if (e?.examples.length) out.push('Closest pairs of distinct texts:', '', ...table(['cosine', 'text', 'text'], e.examples.map((x) => [x.similarity.toFixed(3), markdownText(x.a, 120), markdownText(x.b, 120)])));

  const t = p.length.tokens;
  out.push('## Length', '');
  out.push(...table(['', 'min', 'p25', 'median', 'mean', 'p75', 'p90', 'p99', 'max'], [summaryRow('characters', p.length.chars.summary), summaryRow('tokens', t.summary)]));
  out.push(`${int(t.truncated)} texts (${pct(t.truncated, texts)}) are longer than ${t.maxLength} tokens of ${markdownText(t.model)}: the model reads only their start. Tokens include [CLS] and [SEP].`, '');
  out.push('### Characters', '', ...histogramTable(p.length.chars.histogram, 'characters', texts));
  out.push('### Tokens', '', ...histogramTable(t.histogram, 'tokens', texts));

  if (p.labels) {
    const l = p.labels;
    out.push(`## Label column ${markdownCode(l.column)}`, '');
    out.push(`${int(l.classes)} classes; ${int(l.missing)} texts without a label. Largest ÷ smallest class: ${l.imbalanceRatio.toFixed(2)}. Entropy ${l.entropyBits.toFixed(3)} bits, ${l.normalizedEntropy.toFixed(3)} of the most it could be (1 = all classes equal).`, '');
    out.push(...table(['label', 'texts', 'share'], l.counts.map((c) => [markdownText(c.label), int(c.count), pct(c.count, texts - l.missing)])));
  }

  out.push('## Top words and bigrams', '', 'Lower-cased, English stop words removed, as the cluster keywords are counted.', '', ...termsTable(p.terms.overall));
  for (const l of p.terms.perLabel) out.push(`### ${markdownText(l.label)}`, '', ...termsTable(l));

  out.push('## Placeholders', '');
  if (p.placeholders.names.length) {
    out.push(`${int(p.placeholders.rows)} texts (${pct(p.placeholders.rows, texts)}) hold a templated placeholder such as \`{{Order Number}}\`.`, '');
    out.push(...table(['placeholder', 'times', 'texts'], p.placeholders.names.map((n) => [markdownCode(`{{${n.name}}}`), int(n.count), int(n.rows)])));
  } else out.push('No `{{…}}` placeholders.', '');

  out.push('## Text normalisation before clustering', '');
  out.push('Cluster This CSV embeds and counts keywords on normalised text (`--no-normalize` or the `ticketLens.normalizeText` setting turns it off); every view keeps the original text. Texts each rule would change:', '');
  out.push(...table(['rule', 'texts', 'share', 'what it takes out'], p.normalization.map((n) => {
    const rule = NORMALIZE_RULES.find((r) => r.id === n.rule)!;
    return [rule.name, int(n.texts), pct(n.texts, texts), markdownText(rule.description)];
  })));

  out.push('## Personal data', '');
  if (p.personalData.kinds.length) {
    out.push(`${int(p.personalData.rows)} texts (${pct(p.personalData.rows, texts)}) hold personal data the redactor would replace before labelling with Claude. Counts only; no value is kept.`, '');
    out.push(...table(['kind', 'found', 'texts'], p.personalData.kinds.map((k) => [k.kind, int(k.count), int(k.rows)])));
  } else out.push('The redactor finds no personal data.', '');

  if (p.dates) {
    const d = p.dates;
    out.push(`## Dates in ${markdownCode(d.column)}`, '');
    const range = d.min && d.max ? ` from ${d.min.slice(0, 10)} to ${d.max.slice(0, 10)}` : '';
    out.push(`${int(d.dated)} texts dated${range}; ${int(d.empty)} with an empty cell; ${int(d.unparseable)} with a value that is not a date${d.unparseableRows.length ? ` (rows ${d.unparseableRows.map((r) => r.row).join(', ')}${d.unparseable > d.unparseableRows.length ? ', …' : ''})` : ''}.`, '');
    if (d.mixedDayOrder) out.push('The column mixes day-first and month-first dates (13/5 and 5/13): they were read month first where they can be; ingest refuses such a column.', '');
    else if (d.dayFirst) out.push('Slash dates are read day first.', '');
    if (d.perMonth.length) out.push(...table(['month', 'texts'], d.perMonth.map((m) => [m.month, int(m.count)])));
  }
  return `${out.join('\n').replace(/\n+$/, '')}\n`;
}

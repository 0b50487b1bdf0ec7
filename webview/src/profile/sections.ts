/**
 * The sections of the profile page, one function each, from the Profile as the server made it. Every
 * value from the file (texts, labels, words, column names) goes in as textContent: it is data.
 */
import { NORMALIZE_RULES } from '../../../src/shared/normalizeRules';
import { MAX_PROFILED_LABELS, type DuplicateStats, type Histogram, type Profile, type RowRef, type TopTerms } from '../../../src/shared/profile';
import { el } from '../dom';
import { barChart } from './charts';

const int = (n: number) => n.toLocaleString('en-US');
const pct = (part: number, whole: number) => (whole ? `${((100 * part) / whole).toFixed(1)}%` : '–');
const texts = (p: Profile) => p.rows - p.emptyTexts.count;

function section(id: string, title: string): HTMLElement {
  const s = el('section', { 'aria-labelledby': id });
  s.append(el('h3', { id }, title));
  return s;
}

function table(head: string[], rows: (string | HTMLElement)[][], numeric: number[] = []): HTMLTableElement {
  const t = el('table');
  const tr = el('tr');
  head.forEach((h, i) => tr.append(el('th', { scope: 'col', ...(numeric.includes(i) ? { class: 'num' } : {}) }, h)));
  t.append(tr);
  for (const r of rows) {
    const row = el('tr');
    r.forEach((c, i) => {
      const td = el('td', numeric.includes(i) ? { class: 'num' } : {});
      if (typeof c === 'string') td.textContent = c;
      else td.append(c);
      row.append(td);
    });
    t.append(row);
  }
  return t;
}

function card(value: string, key: string): HTMLElement {
  const c = el('div', { class: 'card' });
  c.append(el('span', { class: 'n' }, value), el('span', { class: 'k' }, key));
  return c;
}

/** Buttons that open the CSV at each row (keyboard: Tab, then Enter). */
function rowLinks(rows: readonly RowRef[], more: boolean, reveal: (r: RowRef) => void): HTMLElement {
  const p = el('p');
  rows.forEach((r, i) => {
    const b = el('button', { class: 'link', type: 'button', 'aria-label': `Open the CSV at row ${r.row} (line ${r.line})` }, `row ${r.row}`);
    b.addEventListener('click', () => reveal(r));
    p.append(b);
    if (i + 1 < rows.length) p.append(', ');
  });
  if (more) p.append(', …');
  return p;
}

function bins(h: Histogram): string[] {
  return h.counts.map((_, i) => (i + 1 < h.edges.length ? (h.edges[i + 1] - h.edges[i] === 1 ? `${h.edges[i]}` : `${h.edges[i]}–${h.edges[i + 1] - 1}`) : `≥ ${h.edges[i]}`));
}

export function overview(p: Profile): HTMLElement {
  const cards = el('div', { class: 'cards' });
  const t = p.length.tokens;
  cards.append(
    card(int(p.rows), 'rows'),
    card(int(p.emptyTexts.count), 'empty texts'),
    card(pct(p.duplicates.exact.rows, texts(p)), 'exact duplicate rows'),
    card(int(t.summary.median), 'median tokens'),
    card(pct(t.truncated, texts(p)), `over ${t.maxLength} tokens`),
    card(int(p.personalData.rows), 'texts with personal data'),
  );
  if (p.labels) cards.append(card(int(p.labels.classes), `classes in ${p.labels.column}`));
  return cards;
}

function duplicateRow(name: string, d: { distinct: number; groups: number; rows: number }, total: number): string[] {
  return [name, int(d.distinct), int(d.groups), `${int(d.rows)} (${pct(d.rows, total)})`];
}

function topRepeated(title: string, d: DuplicateStats): HTMLElement[] {
  if (!d.top.length) return [];
  return [el('h4', {}, title), table(['times', 'text (personal data redacted)'], d.top.map((x) => [int(x.count), x.text]), [0])];
}

export function duplicates(p: Profile, reveal: (r: RowRef) => void): HTMLElement {
  const s = section('dups', 'Rows and duplicates');
  s.append(el('p', {}, `${int(p.rows)} data rows; ${int(p.emptyTexts.count)} with an empty text (${pct(p.emptyTexts.count, p.rows)}).`));
  if (p.emptyTexts.rows.length) s.append(rowLinks(p.emptyTexts.rows, p.emptyTexts.count > p.emptyTexts.rows.length, reveal));
  const rows = [duplicateRow('exact', p.duplicates.exact, texts(p)), duplicateRow('same after case, spacing and punctuation', p.duplicates.folded, texts(p))];
  const e = p.duplicates.embedding;
  if (e) rows.push(duplicateRow(`same by meaning (cosine ≥ ${e.threshold})`, e, texts(p)));
  s.append(table(['duplicates', 'distinct texts', 'repeated texts', 'extra rows'], rows, [1, 2, 3]));
  if (!e) s.append(el('p', { class: 'note' }, 'Near-duplicates by meaning were not looked for: run `ticket-lens profile --near-duplicates`.'));
  s.append(...topRepeated('Most repeated texts', p.duplicates.exact));
  if (e?.examples.length) s.append(el('h4', {}, 'Closest pairs of distinct texts'), table(['cosine', 'text', 'text'], e.examples.map((x) => [x.similarity.toFixed(3), x.a, x.b]), [0]));
  return s;
}

export function lengths(p: Profile): HTMLElement {
  const s = section('len', 'Length');
  const { chars, tokens } = p.length;
  const row = (name: string, x: typeof chars.summary) => [name, int(x.min), int(x.median), x.mean.toFixed(1), int(x.p90), int(x.p99), int(x.max)];
  s.append(table(['', 'min', 'median', 'mean', 'p90', 'p99', 'max'], [row('characters', chars.summary), row('tokens', tokens.summary)], [1, 2, 3, 4, 5, 6]));
  s.append(el('p', {}, `${int(tokens.truncated)} texts (${pct(tokens.truncated, texts(p))}) are longer than the ${tokens.maxLength} tokens ${tokens.model} reads: it sees only their start.`));
  const grid = el('div', { class: 'grid' });
  grid.append(
    barChart({ title: 'Texts by length in characters', labels: bins(chars.histogram), values: chars.histogram.counts, valueName: 'texts', categoryName: 'characters' }),
    barChart({ title: 'Texts by length in model tokens', labels: bins(tokens.histogram), values: tokens.histogram.counts, valueName: 'texts', categoryName: 'tokens' }),
  );
  s.append(grid);
  return s;
}

export function labels(p: Profile): HTMLElement | null {
  const l = p.labels;
  if (!l) return null;
  const s = section('labels', `Label column “${l.column}”`);
  const shown = l.counts.slice(0, MAX_PROFILED_LABELS);
  s.append(
    el('p', {}, `${int(l.classes)} classes; ${int(l.missing)} texts without a label. Largest ÷ smallest class ${l.imbalanceRatio.toFixed(2)}; entropy ${l.entropyBits.toFixed(3)} bits, ${l.normalizedEntropy.toFixed(3)} of the most possible (1 = all classes the same size).`),
    barChart({
      title: `Texts per class of ${l.column}${l.classes > shown.length ? ` (the ${shown.length} largest)` : ''}`,
      labels: shown.map((c) => c.label),
      values: shown.map((c) => c.count),
      valueName: 'texts',
      categoryName: 'class',
      horizontal: true,
    }),
  );
  return s;
}

function termCharts(t: TopTerms, what: string): HTMLElement {
  const grid = el('div', { class: 'grid' });
  grid.append(
    barChart({ title: `Top words${what}`, labels: t.words.map((w) => w.term), values: t.words.map((w) => w.count), valueName: 'times', categoryName: 'word', horizontal: true }),
    barChart({ title: `Top bigrams${what}`, labels: t.bigrams.map((w) => w.term), values: t.bigrams.map((w) => w.count), valueName: 'times', categoryName: 'bigram', horizontal: true }),
  );
  return grid;
}

export function terms(p: Profile): HTMLElement {
  const s = section('terms', 'Top words and bigrams');
  s.append(el('p', { class: 'note' }, 'Lower-cased, English stop words removed, as the cluster keywords are counted.'), termCharts(p.terms.overall, ''));
  if (p.terms.perLabel.length) {
    const pick = el('select', { id: 'label-pick' });
    p.terms.perLabel.forEach((l, i) => pick.append(el('option', { value: String(i) }, l.label)));
    const holder = el('div');
    const show = () => {
      const l = p.terms.perLabel[Number(pick.value)];
      holder.replaceChildren(termCharts(l, ` in “${l.label}”`));
    };
    pick.addEventListener('change', show);
    const label = el('label', { for: 'label-pick' }, 'Class: ');
    s.append(el('h4', {}, 'Per class'), label, pick, holder);
    show();
  }
  return s;
}

export function normalization(p: Profile): HTMLElement {
  const s = section('norm', 'Text normalisation before clustering');
  s.append(el('p', { class: 'note' }, 'Cluster This CSV embeds and counts keywords on normalised text, unless the ticketLens.normalizeText setting is off; every view keeps the original text. Texts each rule would change:'));
  const rows = p.normalization.map((n) => {
    const rule = NORMALIZE_RULES.find((r) => r.id === n.rule)!;
    return [rule.name, int(n.texts), pct(n.texts, texts(p)), rule.description];
  });
  s.append(table(['rule', 'texts', 'share', 'what it takes out'], rows, [1, 2]));
  return s;
}

export function placeholdersAndPii(p: Profile): HTMLElement {
  const s = section('pii', 'Placeholders and personal data');
  if (p.placeholders.names.length) {
    s.append(el('p', {}, `${int(p.placeholders.rows)} texts (${pct(p.placeholders.rows, texts(p))}) hold a templated placeholder such as {{Order Number}}.`));
    s.append(table(['placeholder', 'times', 'texts'], p.placeholders.names.map((n) => [`{{${n.name}}}`, int(n.count), int(n.rows)]), [1, 2]));
  } else s.append(el('p', {}, 'No {{…}} placeholders.'));
  if (p.personalData.kinds.length) {
    s.append(el('p', {}, `${int(p.personalData.rows)} texts (${pct(p.personalData.rows, texts(p))}) hold personal data the redactor replaces before anything is sent to Claude. Counts only: no value is kept.`));
    s.append(table(['kind', 'found', 'texts'], p.personalData.kinds.map((k) => [k.kind, int(k.count), int(k.rows)]), [1, 2]));
  } else s.append(el('p', {}, 'The redactor finds no personal data.'));
  return s;
}

export function dates(p: Profile, reveal: (r: RowRef) => void): HTMLElement | null {
  const d = p.dates;
  if (!d) return null;
  const s = section('dates', `Dates in “${d.column}”`);
  const range = d.min && d.max ? ` from ${d.min.slice(0, 10)} to ${d.max.slice(0, 10)}` : '';
  s.append(el('p', {}, `${int(d.dated)} texts dated${range}; ${int(d.empty)} with an empty cell; ${int(d.unparseable)} with a value that is not a date.`));
  if (d.unparseableRows.length) s.append(rowLinks(d.unparseableRows, d.unparseable > d.unparseableRows.length, reveal));
  if (d.mixedDayOrder) s.append(el('p', { role: 'note' }, 'The column mixes day-first and month-first dates (13/5 and 5/13); ingest refuses it until they are written one way.'));
  if (d.perMonth.length) s.append(barChart({ title: `Texts per month by ${d.column}`, labels: d.perMonth.map((m) => m.month), values: d.perMonth.map((m) => m.count), valueName: 'texts', categoryName: 'month' }));
  return s;
}

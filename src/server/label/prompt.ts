/**
 * The request for one cluster: its c-TF-IDF keywords and a diverse sample of its texts (the
 * representative examples first, then members spread over the cluster), each redacted, clipped and
 * bounded in total, plus the sibling labels when a distinct label is needed. Everything in the
 * prompt that comes from tickets goes through the redactor: texts (whole, then clipped), sibling
 * labels, and keywords, which drop any term the redactor took out of a member text. The dry-run
 * preview shows this very output. The structured answer comes back through a tool with a strict
 * input schema.
 */
import { createHash } from 'node:crypto';
import type { ClusterRecord } from '../../shared/api';
import { redact } from './redact';

export const SYSTEM = `You name clusters of customer-support tickets for a support lead.
For the cluster you are given, call record_cluster_label exactly once with:
- label: at most 6 words, specific (what the customers want or report), Title Case, no trailing period;
- description: one sentence on what these tickets have in common;
- category: a short business category (e.g. Billing, Shipping, Account Access, Refunds, Technical Problem, Product Inquiry, Service Complaint);
- priority: High, Medium or Low for a support team;
- confidence: 0 to 1, how coherent and clear the cluster is.
Texts may contain placeholders such as [EMAIL] or {{Order Number}}: they stand for removed or template values.`;

export const LABEL_TOOL = {
  name: 'record_cluster_label',
  description: 'Record the label of one cluster of support tickets.',
  input_schema: {
    type: 'object' as const,
    properties: {
      label: { type: 'string', description: 'At most 6 words.' },
      description: { type: 'string', description: 'One sentence.' },
      category: { type: 'string' },
      priority: { type: 'string', enum: ['High', 'Medium', 'Low'] },
      confidence: { type: 'number', minimum: 0, maximum: 1 },
    },
    required: ['label', 'description', 'category', 'priority', 'confidence'],
    additionalProperties: false,
  },
};

const MAX_TEXT_CHARS = 280;
const MAX_SAMPLE_CHARS = 4000; // ≈ 1,000 tokens of examples per cluster
const MAX_KEYWORDS = 10;

type Redactor = (text: string) => { text: string; counts: Record<string, number | undefined>; removed?: readonly string[] };

export interface PromptInput {
  cluster: ClusterRecord;
  /** Member texts (all rows of the cluster), used to draw a diverse sample. */
  memberTexts: readonly string[];
  siblingLabels?: readonly string[];
  redact: boolean;
  /** The redactor (default: redact.ts); a failure here means nothing about the cluster is sent. */
  redactor?: Redactor;
}

export interface BuiltPrompt {
  cluster: string;
  system: string;
  prompt: string;
  redactions: Record<string, number>;
  /** Cache key: model + everything sent. */
  hash(model: string): string;
}

/**
 * `text` cut to `max` characters; a cut that would split a placeholder such as [EMAIL] falls before it.
 * Only ever applied to redacted text: a cut before redaction lets a half e-mail or card number through.
 */
export function clip(text: string, max = MAX_TEXT_CHARS): string {
  if (text.length <= max) return text;
  const open = text.lastIndexOf('[', max - 1);
  const placeholder = open >= 0 ? /^\[[A-Z_]+\]/.exec(text.slice(open)) : null;
  return placeholder && open + placeholder[0].length > max ? text.slice(0, open).trimEnd() : text.slice(0, max);
}

// scikit-learn's default token pattern, the one the c-TF-IDF keywords are built from (cluster/keywords.ts).
const tokens = (s: string): string[] => s.toLowerCase().match(/\b\w\w+\b/g) ?? [];

export function buildPrompt(p: PromptInput): BuiltPrompt {
  const redactions: Record<string, number> = {};
  const count = (kind: string, n: number) => (redactions[kind] = (redactions[kind] ?? 0) + n);
  const redactor = p.redactor ?? redact;
  /**
   * Redacted text and the words redaction took out. Line breaks survive the first pass (a sign-off's
   * name is on the line after "Cheers,"); a second pass over the one-line text catches a number that
   * a line break had split (needless when only the words are wanted: terms with digits are dropped).
   */
  const scrub = (t: string, o: { count: boolean; passes: 1 | 2 }): { text: string; removed: Set<string> } => {
    const removed = new Set<string>();
    let text = t.replace(/[^\S\n]+/g, ' ');
    for (let pass = 1; pass <= o.passes; pass++) {
      const r = redactor(text);
      if (o.count) for (const [k, v] of Object.entries(r.counts)) count(k, v ?? 0);
      const kept = new Set(tokens(r.text));
      for (const w of [...tokens(text), ...(r.removed ?? []).flatMap(tokens)]) if (!kept.has(w)) removed.add(w);
      text = r.text.replace(/\s+/g, ' ').trim();
    }
    return { text, removed };
  };
  const clean = (t: string) => clip(p.redact ? scrub(t, { count: true, passes: 2 }).text : t.replace(/\s+/g, ' ').trim());

  const seen = new Set<string>();
  const sample: string[] = [];
  let chars = 0;
  const add = (t: string) => {
    const c = clean(t);
    if (seen.has(c.toLowerCase()) || chars + c.length > MAX_SAMPLE_CHARS) return;
    seen.add(c.toLowerCase());
    sample.push(c);
    chars += c.length;
  };
  for (const ex of p.cluster.examples) add(ex.text);
  const stride = Math.max(1, Math.floor(p.memberTexts.length / 15));
  for (let i = 0; i < p.memberTexts.length && sample.length < 20; i += stride) add(p.memberTexts[i]);

  const keywords = p.cluster.keywords.slice(0, MAX_KEYWORDS).map((k) => k.term);
  const memberWords = (t: string) => scrub(t, { count: false, passes: 1 }).removed;
  const safeKeywords = p.redact ? withoutPii(keywords, [...p.cluster.examples.map((e) => e.text), ...p.memberTexts], redactor, memberWords) : keywords;
  if (safeKeywords.length < keywords.length) count('KEYWORD', keywords.length - safeKeywords.length);
  const siblings = (p.siblingLabels ?? []).map((l) => (p.redact ? scrub(l, { count: true, passes: 2 }).text : l));

  const lines = [`Cluster ${p.cluster.id}: ${p.cluster.size} tickets.`, `Keywords (c-TF-IDF): ${safeKeywords.join(', ')}`, '', 'Sample tickets:', ...sample.map((s) => `- ${s}`)];
  if (siblings.length) {
    lines.push('', `Other clusters at this level are already labelled: ${siblings.map((l) => `"${l}"`).join(', ')}. Give this cluster a label that is clearly distinct from them.`);
  }
  const prompt = lines.join('\n');
  return {
    cluster: p.cluster.id,
    system: SYSTEM,
    prompt,
    redactions,
    hash: (model) => createHash('sha256').update(JSON.stringify([model, SYSTEM, LABEL_TOOL, prompt])).digest('hex'),
  };
}

/**
 * The keyword terms that give nothing personal away. c-TF-IDF favours exactly the terms concentrated
 * in a small cluster — a customer's name, the parts of an e-mail address, an order number — so a
 * term goes when it carries a digit, when the redactor would change it, or when any of its words was
 * taken out of a member text by redaction. Only member texts holding one of the terms' words are
 * redacted for this.
 */
function withoutPii(terms: readonly string[], texts: readonly string[], redactor: Redactor, removedWords: (text: string) => Set<string>): string[] {
  const candidates = terms.filter((t) => !/\d/.test(t) && redactor(t).text === t);
  const words = new Set(candidates.flatMap(tokens));
  const flagged = new Set<string>();
  const looked = new Set<string>();
  for (const t of texts) {
    if (looked.has(t)) continue;
    looked.add(t);
    const lower = t.toLowerCase();
    if (![...words].some((w) => lower.includes(w))) continue;
    for (const w of removedWords(t)) if (words.has(w)) flagged.add(w);
  }
  return candidates.filter((t) => !tokens(t).some((w) => flagged.has(w)));
}

/**
 * The request for one cluster: its c-TF-IDF keywords and a diverse sample of its texts (the
 * representative examples first, then members spread over the cluster), each redacted, clipped and
 * bounded in total, plus the sibling labels when a distinct label is needed. The structured answer
 * comes back through a tool with a strict input schema.
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

export interface PromptInput {
  cluster: ClusterRecord;
  /** Member texts (all rows of the cluster), used to draw a diverse sample. */
  memberTexts: readonly string[];
  siblingLabels?: readonly string[];
  redact: boolean;
  /** The redactor (default: redact.ts); a failure here means nothing about the cluster is sent. */
  redactor?: (text: string) => { text: string; counts: Record<string, number | undefined> };
}

export interface BuiltPrompt {
  cluster: string;
  system: string;
  prompt: string;
  redactions: Record<string, number>;
  /** Cache key: model + everything sent. */
  hash(model: string): string;
}

export function buildPrompt(p: PromptInput): BuiltPrompt {
  const redactions: Record<string, number> = {};
  const clean = (t: string) => {
    const clipped = t.replace(/\s+/g, ' ').trim().slice(0, MAX_TEXT_CHARS);
    if (!p.redact) return clipped;
    const r = (p.redactor ?? redact)(clipped);
    for (const [k, v] of Object.entries(r.counts)) redactions[k] = (redactions[k] ?? 0) + (v ?? 0);
    return r.text;
  };
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
  const lines = [
    `Cluster ${p.cluster.id}: ${p.cluster.size} tickets.`,
    `Keywords (c-TF-IDF): ${p.cluster.keywords.slice(0, 10).map((k) => k.term).join(', ')}`,
    '',
    'Sample tickets:',
    ...sample.map((s) => `- ${s}`),
  ];
  if (p.siblingLabels?.length) {
    lines.push('', `Other clusters at this level are already labelled: ${p.siblingLabels.map((l) => `"${l}"`).join(', ')}. Give this cluster a label that is clearly distinct from them.`);
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

/**
 * Token and cost estimates before running, and the cost of actual usage after.
 *
 * Tokens: ≈ 4 characters a token on the older tokenizer; Claude 4.7 and later models (Claude Haiku
 * 5.5 included) use a newer one that counts "approximately 30% more tokens" for the same text
 * (platform.claude.com/docs/en/models/haiku-5-5/migration-guide#recount-tokens), so there ≈ 3. A
 * model not known to use the older tokenizer is counted with the newer, the higher estimate, so a
 * token cap is not crossed by counting low.
 *
 * Prices: USD per million tokens, by exact model id, from the official model overviews and pricing
 * page (platform.claude.com/docs/en/about-claude/pricing). A model not in the table has no price:
 * its cost is null (tokens only), never another model's price.
 */
import { LABEL_TOOL, SYSTEM } from './prompt';

export interface Usage {
  inputTokens: number;
  outputTokens: number;
}

interface Rate {
  input: number;
  output: number;
}

export interface ModelPrice extends Rate {
  /** A request whose prompt is over `above` input tokens pays these rates on all its tokens, output included. */
  longPrompt?: Rate & { above: number };
}

const HAIKU_4_5: ModelPrice = { input: 1, output: 5 };
const SONNET_4_X: ModelPrice = { input: 3, output: 15 };
const OPUS_4_X: ModelPrice = { input: 5, output: 25 };

/**
 * Checked 2026-10 against platform.claude.com: models/haiku-5-5/overview (Haiku 5.5: "$0.10 / MTok for
 * prompts up to 100,000 tokens, $0.50 / MTok for prompts over 100,000 tokens"; output $0.50 / $2.50),
 * about-claude/pricing (Haiku 4.5, Sonnet 4.5 and 4.6, Opus 4.5 and 4.6), models/sonnet-5-5 and
 * models/opus-5-5 overviews. Sonnet 4.5's higher rate over 200K input tokens needs the 1M-context
 * beta, which these requests never ask for.
 */
const PRICES: Readonly<Record<string, ModelPrice>> = {
  'claude-haiku-5-5': { input: 0.1, output: 0.5, longPrompt: { above: 100_000, input: 0.5, output: 2.5 } },
  'claude-haiku-4-5': HAIKU_4_5,
  'claude-haiku-4-5-20251001': HAIKU_4_5,
  'claude-sonnet-4-5': SONNET_4_X,
  'claude-sonnet-4-5-20250929': SONNET_4_X,
  'claude-sonnet-4-6': SONNET_4_X,
  'claude-opus-4-5': OPUS_4_X,
  'claude-opus-4-5-20251101': OPUS_4_X,
  'claude-opus-4-6': OPUS_4_X,
  'claude-sonnet-5-5': { input: 2, output: 10 },
  'claude-opus-5-5': { input: 4, output: 20 },
};

/** Models on the older tokenizer (before Claude 4.7); every other id is counted as the newer. */
const OLDER_TOKENIZER = new Set([
  'claude-haiku-4-5',
  'claude-haiku-4-5-20251001',
  'claude-sonnet-4-5',
  'claude-sonnet-4-5-20250929',
  'claude-sonnet-4-6',
  'claude-opus-4-5',
  'claude-opus-4-5-20251101',
  'claude-opus-4-6',
]);

const charsPerToken = (model: string | undefined) => (model !== undefined && OLDER_TOKENIZER.has(model) ? 4 : 3);

/** Tokens of `chars` characters of text for `model` (no model: the higher, newer-tokenizer count). */
export function tokensOf(chars: number, model?: string): number {
  return Math.ceil(chars / charsPerToken(model));
}

/** The fixed part of every request: the system prompt, the tool schema and the message framing. */
export function overheadTokens(model?: string): number {
  return tokensOf(SYSTEM.length + JSON.stringify(LABEL_TOOL).length, model) + 20;
}

/** One label: the record_cluster_label call (≈ 480 characters of JSON). Thinking is not foreseen: adaptive thinking may skip it. */
export function outputTokens(model?: string): number {
  return tokensOf(480, model);
}

export function estimateTokens(prompt: string, model?: string): number {
  return overheadTokens(model) + tokensOf(prompt.length, model);
}

/** The model's price, or null when this table does not know the model. */
export function priceOf(model: string): ModelPrice | null {
  return PRICES[model] ?? null;
}

/** What one request costs in USD, or null when the model's price is not known. */
export function requestCostUsd(model: string, usage: Usage): number | null {
  const p = priceOf(model);
  if (!p) return null;
  const rate = p.longPrompt && usage.inputTokens > p.longPrompt.above ? p.longPrompt : p;
  return (usage.inputTokens * rate.input + usage.outputTokens * rate.output) / 1e6;
}

/** What these requests cost together in USD, each priced on its own prompt size; null when the model's price is not known. */
export function totalCostUsd(model: string, requests: readonly Usage[]): number | null {
  if (!priceOf(model)) return null;
  return requests.reduce((sum, u) => sum + (requestCostUsd(model, u) ?? 0), 0);
}


/**
 * Token and cost estimates before running (≈ 4 characters a token, plus the fixed system prompt and
 * tool schema), and the cost of actual usage after. Prices are USD per million tokens; unknown
 * models are priced as Haiku and said to be an estimate.
 */
import { LABEL_TOOL, SYSTEM } from './prompt';

const PRICES: Record<string, { input: number; output: number }> = {
  haiku: { input: 1, output: 5 },
  sonnet: { input: 3, output: 15 },
  opus: { input: 15, output: 75 },
};

export function priceOf(model: string): { input: number; output: number } {
  const family = Object.keys(PRICES).find((f) => model.includes(f));
  return PRICES[family ?? 'haiku'];
}

export const OVERHEAD_TOKENS = Math.ceil((SYSTEM.length + JSON.stringify(LABEL_TOOL).length) / 4) + 20;
export const OUTPUT_TOKENS = 120;

export function estimateTokens(prompt: string): number {
  return OVERHEAD_TOKENS + Math.ceil(prompt.length / 4);
}

export function costUsd(model: string, inputTokens: number, outputTokens: number): number {
  const p = priceOf(model);
  return (inputTokens * p.input + outputTokens * p.output) / 1e6;
}

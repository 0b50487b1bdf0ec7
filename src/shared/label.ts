/** Labelling a run's clusters with Claude: requests, the structured label, estimates and previews. */
import * as z from 'zod';
import { ErrorCode } from './errors';

/**
 * Claude Haiku 5.5, as the Claude API names it (platform.claude.com models overview; the SDK's Model
 * type). A user's choice is checked against the Models API by POST /label/check.
 */
export const DEFAULT_LABEL_MODEL = 'claude-haiku-5-5';

export const LabelOptions = z.object({
  model: z.string().min(1).default(DEFAULT_LABEL_MODEL),
  concurrency: z.number().int().min(1).max(16).default(4),
  /** PII redaction before sending; turning it off must be explicit. */
  redact: z.boolean().default(true),
  /** Per-request timeout. */
  timeoutMs: z.number().int().min(100).max(600_000).default(60_000),
  /** Attempts per cluster, including the first. */
  maxAttempts: z.number().int().min(1).max(10).default(5),
  /** First backoff delay; doubles per attempt, with jitter, capped at 30 s; retry-after wins when sent. */
  baseDelayMs: z.number().int().min(0).max(60_000).default(1000),
  /** Stop starting new requests once this much has been spent (estimated from usage). */
  budgetUsd: z.number().positive().nullable().default(null),
  /**
   * The spending cap: input + output tokens over every request (failed and repair turns included), as
   * the API reports them. Exact for any model, where a dollar cap depends on a price table. A request
   * whose estimate would cross the cap is not sent.
   */
  maxTokens: z.number().int().positive().nullable().default(null),
  /** Overall wall-clock budget for the whole run: no request starts after it. */
  deadlineMs: z.number().int().positive().nullable().default(null),
  baseURL: z.string().url().nullable().default(null),
});
export type LabelOptions = z.infer<typeof LabelOptions>;
export type LabelOptionsInput = z.input<typeof LabelOptions>;

/**
 * Links and markup a label must not carry. Labels are shown in Markdown (summary.md) and the webview,
 * so a prompt-injected ticket could otherwise have Claude plant an image URL or HTML that a preview
 * fetches or renders. The first match names the problem in the repair turn.
 */
const UNSAFE_TEXT: readonly [RegExp, string][] = [
  [/\b[a-z][a-z0-9+.-]*:\/\//i, 'URLs'],
  [/\bwww\./i, 'URLs'],
  [/\b(?:data|javascript|vbscript):\S/i, 'data: or script URIs'],
  [/!\[|\][([]/, 'Markdown links or images'],
  [/<[a-z!?/]/i, 'HTML tags'],
  [/`/, 'backticks'],
];

/** What is wrong with `text` as plain label text, or null. */
export function unsafeLabelText(text: string): string | null {
  const hit = UNSAFE_TEXT.find(([re]) => re.test(text));
  return hit ? `plain text only: no ${hit[1]}` : null;
}

const plainText = (s: string, ctx: z.RefinementCtx) => {
  const problem = unsafeLabelText(s);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
};

/** What Claude must return for a cluster (validated; the tool's input schema says the same). */
export const ClusterLabel = z.object({
  label: z
    .string()
    .trim()
    .min(2)
    .max(60)
    .refine((s) => s.split(/\s+/).length <= 6, 'at most 6 words')
    .superRefine(plainText),
  description: z.string().trim().min(10).max(300).superRefine(plainText),
  category: z.string().trim().min(2).max(40).superRefine(plainText),
  priority: z.enum(['High', 'Medium', 'Low']),
  confidence: z.number().min(0).max(1),
});
export type ClusterLabel = z.infer<typeof ClusterLabel>;

export const LabelRequest = z.object({
  runDir: z.string().min(1),
  /** Passed per request by the extension (from SecretStorage); never stored or logged by the server. */
  apiKey: z.string().min(1).nullable().optional(),
  options: LabelOptions.default(LabelOptions.parse({})),
});
export type LabelRequest = z.input<typeof LabelRequest>;

export const LabelEstimate = z.object({
  clusters: z.number().int(),
  alreadyLabelled: z.number().int(),
  inputTokens: z.number().int(),
  outputTokens: z.number().int(),
  /** USD at the model's list price; null when Ticket Lens knows no price for the model (tokens only). */
  costUsd: z.number().nullable(),
  model: z.string(),
});
export type LabelEstimate = z.infer<typeof LabelEstimate>;

export const LabelPreview = z.object({
  redacted: z.boolean(),
  requests: z.array(z.object({ cluster: z.string(), system: z.string(), prompt: z.string(), redactions: z.record(z.string(), z.number()) })),
});
export type LabelPreview = z.infer<typeof LabelPreview>;

export const LabelStop = z.object({
  cause: z.enum(['budget', 'tokens', 'deadline']),
  message: z.string(),
});
export type LabelStop = z.infer<typeof LabelStop>;

export const LabelResult = z.object({
  runDir: z.string(),
  state: z.enum(['complete', 'partial', 'keywords-only']),
  labelled: z.number().int(),
  fromCache: z.number().int(),
  keywordFallback: z.number().int(),
  requests: z.number().int(),
  usage: z.object({ inputTokens: z.number(), outputTokens: z.number() }),
  /** USD estimated from usage; null when Ticket Lens knows no price for the model (tokens only). */
  costUsd: z.number().nullable(),
  failures: z.array(z.object({ cluster: z.string(), reason: z.string() })),
  /** Why sending stopped before every cluster was asked (a cap or the deadline); null when it did not. */
  stopped: LabelStop.nullable().default(null),
});
export type LabelResult = z.infer<typeof LabelResult>;

// ---- Checking a key and a model against the Models API (on Set API Key and when the model setting changes)

export const LabelCheckRequest = z.object({
  /** Used for this check only; never stored, logged or echoed. */
  apiKey: z.string().min(1),
  model: z.string().min(1).default(DEFAULT_LABEL_MODEL),
  baseURL: z.string().url().nullable().default(null),
});
export type LabelCheckRequest = z.input<typeof LabelCheckRequest>;

export const LabelModelInfo = z.object({ id: z.string(), displayName: z.string() });
export type LabelModelInfo = z.infer<typeof LabelModelInfo>;

export const LabelCheckResult = z.object({
  /** The key was accepted and the models could be listed. */
  ok: z.boolean(),
  /** The models the key can use, newest first, for a quick pick. */
  models: z.array(LabelModelInfo),
  model: z.string(),
  /** The chosen model is served to this key (an alias counts; a retired model does not). */
  modelAvailable: z.boolean(),
  /** The id the chosen model resolves to (an alias resolves to a dated id); null when unavailable. */
  resolvedModel: z.string().nullable(),
  /** Why the key or the model cannot be used; null when both can. */
  error: z.object({ code: ErrorCode.extract(['llm_auth_failed', 'llm_forbidden', 'llm_model_not_found', 'llm_unavailable']), message: z.string() }).nullable(),
});
export type LabelCheckResult = z.infer<typeof LabelCheckResult>;

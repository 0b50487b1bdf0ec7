/** Labelling a run's clusters with Claude: requests, the structured label, estimates and previews. */
import { z } from 'zod';

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
  /** Overall wall-clock budget for the whole run. */
  deadlineMs: z.number().int().positive().nullable().default(null),
  baseURL: z.string().url().nullable().default(null),
});
export type LabelOptions = z.infer<typeof LabelOptions>;
export type LabelOptionsInput = z.input<typeof LabelOptions>;

/** What Claude must return for a cluster (validated; the tool's input schema says the same). */
export const ClusterLabel = z.object({
  label: z
    .string()
    .trim()
    .min(2)
    .max(60)
    .refine((s) => s.split(/\s+/).length <= 6, 'at most 6 words'),
  description: z.string().trim().min(10).max(300),
  category: z.string().trim().min(2).max(40),
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
  costUsd: z.number(),
  model: z.string(),
});
export type LabelEstimate = z.infer<typeof LabelEstimate>;

export const LabelPreview = z.object({
  redacted: z.boolean(),
  requests: z.array(z.object({ cluster: z.string(), system: z.string(), prompt: z.string(), redactions: z.record(z.string(), z.number()) })),
});
export type LabelPreview = z.infer<typeof LabelPreview>;

export const LabelResult = z.object({
  runDir: z.string(),
  state: z.enum(['complete', 'partial', 'keywords-only']),
  labelled: z.number().int(),
  fromCache: z.number().int(),
  keywordFallback: z.number().int(),
  requests: z.number().int(),
  usage: z.object({ inputTokens: z.number(), outputTokens: z.number() }),
  costUsd: z.number(),
  failures: z.array(z.object({ cluster: z.string(), reason: z.string() })),
});
export type LabelResult = z.infer<typeof LabelResult>;

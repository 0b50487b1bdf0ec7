/**
 * Answers cached on disk as one JSON file per key (the hash of everything that decided them), checked
 * against a zod schema when read: cluster labels (label/cache.ts) and row tags (tag/cache.ts) paid
 * for once are not asked again. A damaged or outdated entry reads as a miss and is simply asked again.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as z from 'zod';
import { writeFileAtomic } from './atomic';

export class JsonCache<T> {
  constructor(
    private readonly dir: string,
    private readonly schema: z.ZodType<T>,
  ) {}

  get(key: string): T | null {
    const p = join(this.dir, `${key}.json`);
    if (!existsSync(p)) return null;
    try {
      const r = this.schema.safeParse(JSON.parse(readFileSync(p, 'utf8')));
      return r.success ? r.data : null;
    } catch {
      return null;
    }
  }

  async set(key: string, value: T): Promise<void> {
    await writeFileAtomic(join(this.dir, `${key}.json`), JSON.stringify(value));
  }
}

/** Labels cached on disk by the hash of everything sent, so relabelling unchanged clusters costs nothing. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ClusterLabel } from '../../shared/api';
import { writeFileAtomic } from '../data/atomic';

export class LabelCache {
  constructor(private readonly dir: string) {}

  get(hash: string): ClusterLabel | null {
    const p = join(this.dir, `${hash}.json`);
    if (!existsSync(p)) return null;
    try {
      const r = ClusterLabel.safeParse(JSON.parse(readFileSync(p, 'utf8')));
      return r.success ? r.data : null; // a damaged entry is simply asked again
    } catch {
      return null;
    }
  }

  async set(hash: string, label: ClusterLabel): Promise<void> {
    await writeFileAtomic(join(this.dir, `${hash}.json`), JSON.stringify(label));
  }
}

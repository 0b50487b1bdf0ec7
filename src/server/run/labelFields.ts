/**
 * How a label job saves: never its whole in-memory copy of clusters.json, which would undo a rename or
 * a merge the user made while it ran. Each save re-reads the run under its lock and sets only the label
 * fields the job changed, on clusters that still exist and that the user has not named meanwhile.
 */
import type { ClusterRecord, LoadedRun, RunManifest } from '../../shared/api';
import { updateRun } from './folder';

const LABEL_FIELDS = ['label', 'description', 'labelSource', 'suggestedCategory', 'suggestedPriority', 'labelConfidence'] as const;
type LabelFields = Pick<ClusterRecord, (typeof LABEL_FIELDS)[number]>;

function labelFields(c: ClusterRecord): LabelFields {
  return { label: c.label, description: c.description, labelSource: c.labelSource, suggestedCategory: c.suggestedCategory, suggestedPriority: c.suggestedPriority, labelConfidence: c.labelConfidence };
}
const key = (f: LabelFields) => JSON.stringify(LABEL_FIELDS.map((k) => f[k] ?? null));

export class LabelWriter {
  /** The label fields of each cluster as last read from disk: what differs in memory is the job's work. */
  private readonly onDisk = new Map<string, string>();
  private last: Promise<unknown> = Promise.resolve();

  /** `run` is the job's working copy; a save also brings it up to date with the user's edits. */
  constructor(private readonly run: LoadedRun) {
    for (const c of run.clusters) this.onDisk.set(c.id, key(labelFields(c)));
  }

  /**
   * Saves the job's labels (saves run one after another). With `labelling`, also records the
   * labelling state in run.json, decided from the clusters as saved.
   */
  save(labelling?: (saved: ClusterRecord[]) => RunManifest['labelling']): Promise<ClusterRecord[]> {
    const next = this.last.then(() => this.commit(labelling));
    this.last = next;
    return next;
  }

  private async commit(labelling?: (saved: ClusterRecord[]) => RunManifest['labelling']): Promise<ClusterRecord[]> {
    const mine = this.run.clusters;
    const saved = await updateRun(this.run.runDir, (fresh) => {
      for (const c of fresh.clusters) {
        const m = mine.find((k) => k.id === c.id);
        // A cluster the user named keeps the user's name; one merged away is simply not there.
        if (!m || c.labelSource === 'user' || key(labelFields(m)) === this.onDisk.get(c.id)) continue;
        Object.assign(c, labelFields(m));
      }
      return { clusters: fresh.clusters, ...(labelling ? { manifest: { ...fresh.manifest, labelling: labelling(fresh.clusters) } } : {}) };
    });
    // Bring the working copy up to date: merged-away clusters leave it, user names replace the job's.
    const byId = new Map(saved.clusters.map((c) => [c.id, c]));
    for (let i = mine.length - 1; i >= 0; i--) {
      const s = byId.get(mine[i].id);
      if (!s) mine.splice(i, 1);
      else if (s.labelSource === 'user') Object.assign(mine[i], labelFields(s));
    }
    for (const c of saved.clusters) this.onDisk.set(c.id, key(labelFields(c)));
    return saved.clusters;
  }
}

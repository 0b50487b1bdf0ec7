/**
 * Review edits on a run (rename, mark reviewed, merge), applied in memory and then written back with
 * one atomic replace of clusters.json and run.json (and assignments.csv for a merge), so the extension
 * never writes run files itself: the server is their one writer.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { TicketLensError, type ClusterRecord, type RunEdit } from '../../shared/api';
import { writeFileAtomic } from '../data/atomic';
import { loadRun, saveClusters } from './runFolder';

export async function applyEdits(runDir: string, edits: readonly RunEdit[]): Promise<ClusterRecord[]> {
  const run = await loadRun(runDir);
  let clusters = run.clusters;
  const find = (id: string) => {
    const c = clusters.find((k) => k.id === id);
    if (!c) throw new TicketLensError('bad_input', `${run.dir}: there is no cluster ${id}.`);
    return c;
  };
  const renames = new Map<string, string>();
  for (const e of edits) {
    if (e.op === 'rename') {
      const c = find(e.id);
      c.label = e.label;
      c.labelSource = 'user';
    } else if (e.op === 'review') find(e.id).reviewed = e.reviewed;
    else {
      const [into, ...rest] = e.ids.map(find);
      if (rest.some((c) => c.parent !== into.parent || c.isNoise || into.isNoise)) {
        throw new TicketLensError('bad_input', 'Only sibling clusters (same parent, not noise) can be merged.');
      }
      const total = into.size + rest.reduce((s, c) => s + c.size, 0);
      if (into.centroid) {
        into.centroid = into.centroid.map((x, d) => (x * into.size + rest.reduce((s, c) => s + (c.centroid?.[d] ?? 0) * c.size, 0)) / total);
      }
      into.size = total;
      into.examples = [...into.examples, ...rest.flatMap((c) => c.examples)].slice(0, 8);
      into.mergedFrom = [...(into.mergedFrom ?? []), ...rest.map((c) => c.id)];
      into.reviewed = false;
      const gone = new Set(rest.map((c) => c.id));
      // Sub-clusters of merged clusters go with them (their paths no longer exist).
      clusters = clusters.filter((c) => !gone.has(c.id) && ![...gone].some((g) => c.id.startsWith(`${g}.`)));
      for (const g of gone) renames.set(g, into.id);
    }
  }
  if (renames.size) {
    const path = join(run.dir, 'assignments.csv');
    const rows = parse(await readFile(path), { columns: true }) as Record<string, string>[];
    for (const r of rows) {
      for (const [from, to] of renames) if (r.cluster === from || r.cluster.startsWith(`${from}.`)) r.cluster = to;
    }
    await writeFileAtomic(path, stringify(rows, { header: true, columns: Object.keys(rows[0] ?? {}) }));
  }
  await saveClusters(run.dir, clusters, run.manifest);
  return clusters;
}

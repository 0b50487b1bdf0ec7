/**
 * Review edits on a run (rename, mark reviewed, merge, move rows, new cluster from rows), applied to
 * the run as it is on disk under its lock and committed in one step with summary.md (and
 * assignments.csv for a merge or a row edit), so the extension never writes run files itself and a
 * label job running meanwhile cannot undo an edit.
 */
import { isAncestorOrSelf, TicketLensError, type ClusterRecord, type LoadedRun, type RunEdit } from '../../shared/api';
import type { AssignmentRow } from '../../shared/run';
import { readAssignments } from '../run/assignmentsCsv';
import { updateRun, type RunChanges } from '../run/folder';
import { moveRows, newCluster } from './rowEdits';

export async function applyEdits(runDir: string, edits: readonly RunEdit[]): Promise<ClusterRecord[]> {
  const after = await updateRun(runDir, (run) => editRun(run, edits));
  return after.clusters;
}

async function editRun(run: LoadedRun, edits: readonly RunEdit[]): Promise<RunChanges> {
  let clusters = run.clusters;
  const find = (id: string) => {
    const c = clusters.find((k) => k.id === id);
    if (!c) throw new TicketLensError('bad_input', `${run.runDir}: there is no cluster ${id}.`);
    return c;
  };
  const renames = new Map<string, string>();
  // Read once, and only when an edit changes rows' paths; merges re-path them at the end.
  let rows: AssignmentRow[] | null = null;
  const repath = async () => {
    rows ??= await readAssignments(run.runDir);
    applyRenames(rows, renames);
    renames.clear();
    return rows;
  };
  for (const e of edits) {
    if (e.op === 'rename') {
      const c = find(e.id);
      c.label = e.label;
      c.labelSource = 'user';
    } else if (e.op === 'review') find(e.id).reviewed = e.reviewed;
    else if (e.op === 'moveRows') clusters = moveRows(clusters, await repath(), e.rows, e.to);
    else if (e.op === 'newCluster') clusters = newCluster(clusters, await repath(), e.rows, e.label);
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
      clusters = clusters.filter((c) => ![...gone].some((g) => isAncestorOrSelf(g, c.id)));
      for (const g of gone) renames.set(g, into.id);
    }
  }
  if (!renames.size && !rows) return { clusters };
  return { clusters, assignments: await repath() };
}

function applyRenames(rows: AssignmentRow[], renames: ReadonlyMap<string, string>): void {
  if (!renames.size) return;
  for (const r of rows) {
    for (const [from, to] of renames) if (isAncestorOrSelf(from, r.cluster)) r.cluster = to;
  }
}

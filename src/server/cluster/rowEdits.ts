/**
 * Row-level review edits (moveRows, newCluster): the bulk labelling of a lasso selection on the map.
 * A row's cluster path in assignments.csv is the truth; after the move every cluster whose membership
 * changed gets its size, examples and purity back from the rows, so clusters.json and assignments.csv
 * agree again. Clusters a move empties are removed. Centroids are left as they are (they need the
 * embeddings, which the run folder does not hold): a new cluster has none until the run is re-clustered.
 */
import { ancestorPaths, comparePaths, isAncestorOrSelf, ROOT, topLevelNumber, TicketLensError, type AssignmentRow, type ClusterRecord } from '../../shared/api';
import { purityOfLabels } from './purity';

const MAX_EXAMPLES = 8;

/** Rows (1-based data row numbers) into cluster `to`; returns the clusters after the move (rows are changed in place). */
export function moveRows(clusters: readonly ClusterRecord[], rows: AssignmentRow[], rowNumbers: readonly number[], to: string): ClusterRecord[] {
  const target = clusters.find((c) => c.id === to);
  if (!target) throw new TicketLensError('bad_input', `There is no cluster ${to} to move rows into.`);
  if (target.isNoise) throw new TicketLensError('bad_input', `Rows cannot be moved into noise (${to}); move them to a cluster.`);
  return reassign(clusters, rows, rowNumbers, to);
}

/** Rows into a new top-level cluster named `label` by the user; returns the clusters after the move. */
export function newCluster(clusters: readonly ClusterRecord[], rows: AssignmentRow[], rowNumbers: readonly number[], label: string): ClusterRecord[] {
  const id = `${ROOT}.${nextTopLevelNumber(clusters, rows)}`;
  const created: ClusterRecord = {
    id,
    parent: null,
    depth: 1,
    size: 0,
    isNoise: false,
    keywords: [],
    autoName: null,
    examples: [],
    label,
    description: null,
    labelSource: 'user',
    reviewed: false,
  };
  const at = clusters.findIndex((c) => comparePaths(c.id, id) > 0);
  const withNew = at < 0 ? [...clusters, created] : [...clusters.slice(0, at), created, ...clusters.slice(at)];
  return reassign(withNew, rows, rowNumbers, id);
}

/** A top-level number no cluster, row or merge history uses, so an old path never names the new cluster. */
function nextTopLevelNumber(clusters: readonly ClusterRecord[], rows: readonly AssignmentRow[]): number {
  let max = -1;
  const see = (path: string) => {
    const n = topLevelNumber(path);
    if (n !== null && n > max) max = n;
  };
  for (const c of clusters) {
    see(c.id);
    c.mergedFrom?.forEach(see);
  }
  for (const r of rows) see(r.cluster);
  return max + 1;
}

function reassign(clusters: readonly ClusterRecord[], rows: AssignmentRow[], rowNumbers: readonly number[], to: string): ClusterRecord[] {
  const byRow = new Map(rows.map((r) => [r.row, r]));
  const touched = new Set<string>(ancestorPaths(to));
  const moved = new Set(rowNumbers);
  for (const n of moved) {
    const r = byRow.get(n);
    if (!r) throw new TicketLensError('bad_input', `The run has no data row ${n}.`);
    for (const p of ancestorPaths(r.cluster)) touched.add(p);
    r.cluster = to;
  }
  const members = membersOf(rows, touched);
  const out: ClusterRecord[] = [];
  for (const c of clusters) {
    const mine = members.get(c.id);
    if (!mine) {
      out.push(c);
      continue;
    }
    // A move that empties a cluster ends it (a path with no rows would show as an empty cluster).
    if (mine.length === 0 && c.id !== to) continue;
    out.push(refresh(c, mine, to, moved));
  }
  return out;
}

/** The rows of each touched cluster (its path or below), in row order. */
function membersOf(rows: readonly AssignmentRow[], touched: ReadonlySet<string>): Map<string, AssignmentRow[]> {
  const members = new Map<string, AssignmentRow[]>([...touched].map((p) => [p, []]));
  for (const r of rows) {
    for (const p of ancestorPaths(r.cluster)) members.get(p)?.push(r);
  }
  return members;
}

function refresh(c: ClusterRecord, mine: readonly AssignmentRow[], to: string, moved: ReadonlySet<number>): ClusterRecord {
  const inside = new Set(mine.map((r) => r.row));
  let examples = c.examples.filter((e) => inside.has(e.row));
  // The cluster the rows moved into shows some of them when it has room (a new one shows only them).
  if (isAncestorOrSelf(c.id, to) && examples.length < MAX_EXAMPLES) {
    const shown = new Set(examples.map((e) => e.row));
    const extra = mine.filter((r) => moved.has(r.row) && !shown.has(r.row)).slice(0, MAX_EXAMPLES - examples.length);
    examples = [...examples, ...extra.map((r) => ({ row: r.row, line: r.line, text: r.text }))];
  }
  const next: ClusterRecord = { ...c, size: mine.length, examples };
  if (mine.some((r) => r.label !== undefined)) next.purity = purityOfLabels(mine.flatMap((r) => (r.label === undefined ? [] : [r.label])));
  return next;
}

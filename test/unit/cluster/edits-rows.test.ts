// Row edits (moveRows, newCluster) on a run folder written by hand: assignments.csv and clusters.json
// must agree afterwards (every cluster's size is the count of rows on its path or below), examples and
// purity follow the rows, and "Use reviewed clusters as labels" exports moved rows under their new cluster.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { isAncestorOrSelf, type AssignmentRow, type ClusterRecord, type Evaluation } from '../../../src/shared/api';
import { applyEdits } from '../../../src/server/cluster/edits';
import { exportReviewedLabels } from '../../../src/server/cluster/exportLabels';
import { writeRun } from '../../../src/server/run/folder';

function cluster(id: string, parent: string | null, size: number, rows: number[]): ClusterRecord {
  return {
    id,
    parent,
    depth: id.split('.').length - 1,
    size,
    isNoise: id.endsWith('.noise'),
    keywords: [],
    examples: rows.map((r) => ({ row: r, line: r + 1, text: `ticket ${r}` })),
    label: null,
    description: null,
    labelSource: null,
    reviewed: false,
  };
}

// Rows 1–4 in root.0.0, 5–6 in root.0.1, 7–10 in root.1, 11–12 top-level noise; labels a/b/c.
const PATHS = ['root.0.0', 'root.0.0', 'root.0.0', 'root.0.0', 'root.0.1', 'root.0.1', 'root.1', 'root.1', 'root.1', 'root.1', 'root.noise', 'root.noise'];
const LABELS = ['a', 'a', 'a', 'b', 'b', 'b', 'c', 'c', 'c', 'a', 'c', 'b'];

async function seedRun(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'tl-row-edits-'));
  const csv = join(dir, 'tickets.csv');
  writeFileSync(csv, `text,label\n${PATHS.map((_, i) => `ticket ${i + 1},${LABELS[i]}`).join('\n')}\n`);
  const assignments: AssignmentRow[] = PATHS.map((cluster, i) => ({ row: i + 1, line: i + 2, text: `ticket ${i + 1}`, cluster, probability: 0.9, outlierScore: 0.1, wasNoise: cluster === 'root.noise', x: i, y: i % 3, label: LABELS[i] }));
  const clusters = [
    cluster('root.0', null, 6, [1, 2, 5]),
    cluster('root.0.0', 'root.0', 4, [1, 2]),
    cluster('root.0.1', 'root.0', 2, [5, 6]),
    cluster('root.1', null, 4, [7, 8]),
    cluster('root.noise', null, 2, [11]),
  ];
  const runDir = join(dir, 'run');
  const none = null as { top: Evaluation; leaf: Evaluation } | null;
  await writeRun(runDir, { input: { path: csv, rows: 12, textColumn: 'text', labelColumn: 'label', skipped: 0 }, model: { id: 'm', hash: 'h' }, params: {}, timings: {}, clusters, assignments, evaluation: none, sweep: null, title: 'tickets.csv' });
  return runDir;
}

const rowsOf = (runDir: string) => parse<{ row: string; cluster: string }>(readFileSync(join(runDir, 'assignments.csv')), { columns: true });
const clustersOf = (runDir: string) => (JSON.parse(readFileSync(join(runDir, 'clusters.json'), 'utf8')) as { clusters: ClusterRecord[] }).clusters;

/** Every cluster's size is the number of rows on its path or below, and every example is one of those rows. */
function expectConsistent(runDir: string): void {
  const rows = rowsOf(runDir);
  for (const c of clustersOf(runDir)) {
    const inside = rows.filter((r) => isAncestorOrSelf(c.id, r.cluster));
    expect(c.size, c.id).toBe(inside.length);
    const rowNumbers = new Set(inside.map((r) => Number(r.row)));
    for (const e of c.examples) expect(rowNumbers.has(e.row), `${c.id} example row ${e.row}`).toBe(true);
  }
}

describe('row edits', () => {
  it('moveRows re-paths the rows and keeps sizes, examples and purity consistent', async () => {
    const runDir = await seedRun();
    const after = await applyEdits(runDir, [{ op: 'moveRows', rows: [1, 5, 11], to: 'root.1' }]);
    const paths = rowsOf(runDir).map((r) => r.cluster);
    expect([paths[0], paths[4], paths[10]]).toEqual(['root.1', 'root.1', 'root.1']);
    expect(paths[1]).toBe('root.0.0');
    const byId = new Map(after.map((c) => [c.id, c]));
    expect(byId.get('root.1')?.size).toBe(7);
    expect(byId.get('root.0')?.size).toBe(4);
    expect(byId.get('root.0.0')?.size).toBe(3);
    expect(byId.get('root.noise')?.size).toBe(1);
    // Row 1 left root.0 and root.0.0: it is no longer their example; root.1 shows it now.
    expect(byId.get('root.0.0')?.examples.map((e) => e.row)).toEqual([2]);
    expect(byId.get('root.1')?.examples.map((e) => e.row)).toEqual([7, 8, 1, 5, 11]);
    // root.1 holds c, c, c, a + a (row 1), b (row 5), c (row 11): c is 4 of 7.
    expect(byId.get('root.1')?.purity).toEqual({ label: 'c', share: Number((4 / 7).toFixed(4)) });
    expectConsistent(runDir);
  });

  it('moveRows that empties a cluster removes it; into noise or a missing cluster is refused', async () => {
    const runDir = await seedRun();
    const after = await applyEdits(runDir, [{ op: 'moveRows', rows: [5, 6], to: 'root.0.0' }]);
    expect(after.map((c) => c.id)).not.toContain('root.0.1');
    expect(after.find((c) => c.id === 'root.0')?.size).toBe(6);
    expectConsistent(runDir);
    await expect(applyEdits(runDir, [{ op: 'moveRows', rows: [1], to: 'root.noise' }])).rejects.toThrow(/cannot be moved into noise/);
    await expect(applyEdits(runDir, [{ op: 'moveRows', rows: [1], to: 'root.9' }])).rejects.toThrow(/no cluster root\.9/);
    await expect(applyEdits(runDir, [{ op: 'moveRows', rows: [99], to: 'root.1' }])).rejects.toThrow(/no data row 99/);
  });

  it('newCluster makes a named top-level cluster of the rows, after every number in use', async () => {
    const runDir = await seedRun();
    const after = await applyEdits(runDir, [{ op: 'newCluster', rows: [2, 3, 12], label: 'Refund requests' }]);
    const created = after.find((c) => c.label === 'Refund requests');
    expect(created).toMatchObject({ id: 'root.2', parent: null, depth: 1, size: 3, labelSource: 'user', reviewed: false, isNoise: false });
    expect(created?.examples.map((e) => e.row)).toEqual([2, 3, 12]);
    expect(created?.purity).toEqual({ label: 'a', share: Number((2 / 3).toFixed(4)) });
    // Tree order: after root.1, before the noise.
    expect(after.map((c) => c.id)).toEqual(['root.0', 'root.0.0', 'root.0.1', 'root.1', 'root.2', 'root.noise']);
    expect(rowsOf(runDir).filter((r) => r.cluster === 'root.2').map((r) => Number(r.row))).toEqual([2, 3, 12]);
    expectConsistent(runDir);
  });

  it('a merge in the same request re-paths before rows move', async () => {
    const runDir = await seedRun();
    const after = await applyEdits(runDir, [
      { op: 'merge', ids: ['root.0.0', 'root.0.1'] },
      { op: 'moveRows', rows: [7], to: 'root.0.0' },
    ]);
    expect(after.find((c) => c.id === 'root.0.0')?.size).toBe(7);
    expect(rowsOf(runDir).filter((r) => r.cluster === 'root.0.1')).toEqual([]);
    expectConsistent(runDir);
  });

  it('rows named as a new, reviewed cluster are exported with that label', async () => {
    const runDir = await seedRun();
    const created = (await applyEdits(runDir, [{ op: 'newCluster', rows: [7, 8], label: 'Shipping' }])).find((c) => c.label === 'Shipping');
    if (!created) throw new Error('no new cluster');
    await applyEdits(runDir, [
      { op: 'review', id: created.id, reviewed: true },
      { op: 'rename', id: 'root.1', label: 'Billing' },
      { op: 'review', id: 'root.1', reviewed: true },
    ]);
    const out = await exportReviewedLabels({ runDir, reviewedOnly: true });
    const exported = parse<{ text: string; label: string }>(readFileSync(out.csvPath), { columns: true });
    expect(exported.filter((r) => r.label === 'Shipping').map((r) => r.text)).toEqual(['ticket 7', 'ticket 8']);
    expect(exported.filter((r) => r.label === 'Billing').map((r) => r.text)).toEqual(['ticket 9', 'ticket 10']);
  });
});

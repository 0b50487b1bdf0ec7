/**
 * What the extension shows of an ingest's assign step, without the editor: Add to Ticket Store's
 * notification (addToStoreNotice.ts) for each way the step can go, and the Ticket Store view's dataset
 * with the run its new tickets go to (storeTreeModel.ts). Results and listings are built through the
 * shared schemas, as the server hands them out.
 */
import { describe, expect, it } from 'vitest';
import { StoreDatasets, StoreIngestResult, type IngestAssignment } from '../../../src/shared/api';
import { addToStoreNotice, OPEN_RUN, SHOW_TRENDS } from '../../../src/extension/commands/addToStoreNotice';
import { storeChildNodes, storeRootNodes, storeTreeItem } from '../../../src/extension/views/storeTreeModel';

const runDir = '/ws/.ticket-lens/runs/tickets-20261201-090000';

function result(assignment: IngestAssignment, dated = true) {
  return StoreIngestResult.parse({
    dataset: 'tickets',
    store: '/ws/.ticket-lens/store',
    rows: 1300,
    new: 60,
    updated: 2,
    unchanged: 1238,
    skipped: 0,
    skippedBy: { emptyText: 0, outsideDates: 0, beyondLimit: 0, duplicate: 0, alreadyEmbedded: 0 },
    embedded: 62,
    total: 1300,
    dates: dated ? { first: '2024-01-01T08:00:00.000Z', last: '2024-03-28T23:00:00.000Z' } : null,
    resumed: false,
    model: { id: 'sentence-transformers/all-MiniLM-L6-v2', hash: 'cd'.repeat(32) },
    seconds: 3.2,
    warnings: [],
    assignment,
  });
}

const assigned: IngestAssignment = {
  status: 'assigned',
  runDir,
  runId: 'tickets-20261201-090000',
  runCreatedAt: '2026-12-01T09:00:00.000Z',
  chosen: 'latest',
  tickets: 62,
  assigned: 55,
  noise: 3,
  new: 4,
  withoutVector: 0,
  byCluster: [{ cluster: 'root.1', tickets: 30 }],
  members: 1238,
  calibration: { k: 15, m: 1, quantile: 0.005, thresholds: { 'root.1': 0.6 }, sampled: 200 },
  output: 'the ticket store',
  seconds: 1.4,
};

describe("Add to Ticket Store's notification", () => {
  it('says what was ingested and where the new tickets went, in which run, with Show Trends and Open Run on that run', () => {
    const n = addToStoreNotice(result(assigned));
    expect(n.text).toBe(
      'Ticket Lens: dataset "tickets": 60 new, 2 updated, 1,238 unchanged, 0 skipped; 62 embedded; 1,300 tickets stored. Assigned 62 to run tickets-20261201-090000: 55 into clusters, 3 with its noise, 4 new / unassigned.',
    );
    expect(n).toMatchObject({ severity: 'info', runDir, actions: [SHOW_TRENDS, OPEN_RUN] });
  });

  it('undated tickets have no trends to show: Open Run only', () => {
    expect(addToStoreNotice(result(assigned, false)).actions).toEqual([OPEN_RUN]);
  });

  it('no run yet, nothing new, not asked, or a run that could not take them: each says so', () => {
    const noRun = addToStoreNotice(result({ status: 'skipped', reason: 'no-run', runDir: null, message: 'no run' }));
    expect(noRun.text).toMatch(/No run made from this dataset yet, so no ticket was assigned/);
    expect(noRun).toMatchObject({ runDir: null, actions: [] });

    const nothing = addToStoreNotice(result({ status: 'skipped', reason: 'nothing-new', runDir, message: 'placed' }));
    expect(nothing.text).toMatch(/Nothing new to assign to run tickets-20261201-090000/);
    expect(nothing).toMatchObject({ runDir, actions: [SHOW_TRENDS, OPEN_RUN] });

    const off = addToStoreNotice(result({ status: 'skipped', reason: 'off', runDir: null, message: 'off' }));
    expect(off.text).toMatch(/1,300 tickets stored\.$/);

    const failed = addToStoreNotice(result({ status: 'failed', runDir, message: 'run tickets-x was made with another embedding model' }));
    expect(failed).toMatchObject({ severity: 'warning', runDir: null, actions: [] });
    expect(failed.text).toContain(`Not assigned to ${runDir}: run tickets-x was made with another embedding model`);
  });
});

describe('the Ticket Store view with a run', () => {
  const listing = StoreDatasets.parse({
    store: '/ws/.ticket-lens/store',
    kind: 'embedded',
    exists: true,
    datasets: [
      {
        name: 'tickets',
        sourcePath: '/ws/data/tickets.csv',
        textColumn: 'text',
        idColumn: 'id',
        dateColumn: 'created_at',
        createdAt: '2026-11-30T09:00:00.000Z',
        lastIngestAt: '2026-12-01T15:25:41.123Z',
        tickets: 1300,
        embedded: 1300,
        dates: { first: '2024-01-01T08:00:00.000Z', last: '2024-03-28T23:00:00.000Z' },
        model: { id: 'sentence-transformers/all-MiniLM-L6-v2', hash: 'cd'.repeat(32) },
        run: { runDir, runId: 'tickets-20261201-090000', createdAt: '2026-12-01T09:00:00.000Z', assigned: 55, noise: 3, new: 4, pending: 2 },
      },
    ],
  });

  it("shows per dataset the run its new tickets go to, and where the ones since it went", () => {
    const [node] = storeRootNodes({ ok: true, listing });
    const item = storeTreeItem(node);
    expect(item.description).toBe('1,300 tickets · 2024-01-01 → 2024-03-28 · ingested 2026-12-01 15:25 UTC · 62 assigned to tickets-20261201-090000, 2 pending');
    expect(item.tooltip).toContain(runDir);
    const details = storeChildNodes(node).map(storeTreeItem);
    expect(details.slice(-2).map((d) => [d.label, d.description])).toEqual([
      ['Run', 'tickets-20261201-090000 (made 2026-12-01 09:00 UTC)'],
      ['Since the run', '55 in clusters · 3 noise · 4 new · 2 not assigned yet'],
    ]);
    expect(details[details.length - 2].tooltip).toContain(runDir);
  });
});

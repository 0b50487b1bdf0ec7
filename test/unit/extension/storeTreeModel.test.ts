/**
 * The Ticket Store view's model (src/extension/views/storeTreeModel.ts): datasets with their counts,
 * date range and last ingest, their details, the empty store (the welcome content package.json
 * declares), and a store that cannot be read. Listings are built through the shared schema, as the
 * server hands them out.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StoreDatasets, type DatasetInfo } from '../../../src/shared/api';
import { storeChildNodes, storeDescription, storeRootNodes, storeTreeItem, type StoreNode } from '../../../src/extension/views/storeTreeModel';

interface Contributes {
  contributes: {
    commands: { command: string }[];
    views: Record<string, { id: string; name: string }[]>;
    viewsWelcome: { view: string; contents: string }[];
    menus: Record<string, { command: string; when?: string }[]>;
  };
}
const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as Contributes;

function dataset(d: Partial<DatasetInfo> & Pick<DatasetInfo, 'name'>): DatasetInfo {
  return {
    sourcePath: `/ws/data/${d.name}.csv`,
    textColumn: 'text',
    idColumn: 'id',
    dateColumn: 'created_at',
    createdAt: '2026-11-30T09:00:00.000Z',
    lastIngestAt: '2026-12-01T15:25:41.123Z',
    tickets: 1234,
    embedded: 1234,
    dates: { first: '2024-01-01T08:00:00.000Z', last: '2024-03-28T23:00:00.000Z' },
    model: { id: 'sentence-transformers/all-MiniLM-L6-v2', hash: 'cd'.repeat(32) },
    ...d,
  };
}

const listing = (datasets: DatasetInfo[], kind: 'embedded' | 'postgres' = 'embedded') =>
  StoreDatasets.parse({ store: kind === 'embedded' ? '/ws/.ticket-lens/store' : 'postgres://tl@db:5432/support', kind, exists: true, datasets });

const items = (nodes: StoreNode[]) => nodes.map(storeTreeItem);

describe('the Ticket Store view', () => {
  it('an empty store, or none made yet, has no nodes, so the welcome content (declared for this view) shows', () => {
    expect(storeRootNodes({ ok: true, listing: null })).toEqual([]);
    expect(storeRootNodes({ ok: true, listing: listing([]) })).toEqual([]);
    expect(pkg.contributes.views.ticketLens.map((v) => v.id)).toEqual(['ticketLens.clusters', 'ticketLens.store']);
    const welcome = pkg.contributes.viewsWelcome.find((w) => w.view === 'ticketLens.store');
    expect(welcome?.contents).toMatch(/\(command:ticketLens\.addToStore\)/);
    const commands = pkg.contributes.commands.map((c) => c.command);
    expect(commands).toEqual(expect.arrayContaining(['ticketLens.addToStore', 'ticketLens.refreshStore', 'ticketLens.setDatabasePassword']));
    expect(pkg.contributes.menus['view/title']).toEqual(expect.arrayContaining([{ command: 'ticketLens.refreshStore', when: 'view == ticketLens.store', group: 'navigation' }]));
    expect(pkg.contributes.menus['explorer/context']).toEqual(expect.arrayContaining([expect.objectContaining({ command: 'ticketLens.addToStore', when: 'resourceExtname == .csv' })]));
  });

  it('datasets by name, each with its tickets, date range and last ingest (UTC); ids stable per store', () => {
    const nodes = storeRootNodes({ ok: true, listing: listing([dataset({ name: 'zendesk' }), dataset({ name: 'app-reviews', tickets: 40, embedded: 30 })]) });
    expect(nodes.map((n) => n.kind === 'dataset' && n.dataset.name)).toEqual(['app-reviews', 'zendesk']);
    const [reviews, zendesk] = items(nodes);
    expect(zendesk).toMatchObject({
      label: 'zendesk',
      description: '1,234 tickets · 2024-01-01 → 2024-03-28 · ingested 2026-12-01 15:25 UTC',
      collapsible: 'collapsed',
      contextValue: 'dataset',
      icon: 'database',
      id: '/ws/.ticket-lens/store#zendesk',
    });
    expect(zendesk.tooltip).toContain('/ws/data/zendesk.csv');
    expect(reviews.description).toMatch(/^40 tickets \(30 with vectors\) · /);
  });

  it('undated datasets, a single day, and an ingest that has not finished say so', () => {
    const d = (x: Partial<DatasetInfo>) => storeTreeItem({ kind: 'dataset', store: '/s', dataset: dataset({ name: 'x', ...x }) }).description;
    expect(d({ dateColumn: null, dates: null })).toContain('· undated ·');
    expect(d({ dates: null })).toContain('· no dated tickets ·');
    expect(d({ dates: { first: '2024-05-02T01:00:00.000Z', last: '2024-05-02T22:00:00.000Z' } })).toContain('· 2024-05-02 ·');
    expect(d({ lastIngestAt: null })).toMatch(/· ingest not finished$/);
  });

  it("a dataset's details: tickets and vectors, dates, last ingest, source, columns, model", () => {
    const [node] = storeRootNodes({ ok: true, listing: listing([dataset({ name: 'tickets', idColumn: null, embedded: 1200 })]) });
    const details = items(storeChildNodes(node));
    expect(details.map((i) => [i.label, i.description])).toEqual([
      ['Tickets', '1,234, 1,200 with vectors'],
      ['Dates', '2024-01-01 → 2024-03-28'],
      ['Last ingest', '2026-12-01 15:25 UTC'],
      ['Source', 'tickets.csv'],
      ['Columns', 'text: text · id: none (row and text hash) · date: created_at'],
      ['Model', 'sentence-transformers/all-MiniLM-L6-v2'],
    ]);
    expect(details.every((i) => i.collapsible === 'none' && i.contextValue === 'detail')).toBe(true);
    expect(details[3].tooltip).toContain('/ws/data/tickets.csv');
    expect(details[5].tooltip).toContain('cd'.repeat(32));
    expect(storeChildNodes(storeChildNodes(node)[0])).toEqual([]);
  });

  it('a store that cannot be read is one line saying why; the subtitle names the store', () => {
    const message = 'The store at /ws/.ticket-lens/store is in use by process 4242 (ingest tickets.csv, since 2026-12-01T15:00:00Z); gave up waiting.';
    const nodes = storeRootNodes({ ok: false, message });
    expect(items(nodes)).toEqual([{ label: message, collapsible: 'none', description: '', tooltip: message, contextValue: 'problem', icon: 'warning' }]);
    expect(storeDescription({ ok: true, listing: listing([]) }, 'embedded')).toBe('embedded');
    expect(storeDescription({ ok: true, listing: listing([], 'postgres') }, 'server')).toBe('postgres://tl@db:5432/support');
    expect(storeDescription({ ok: false, message }, 'server')).toBe('PostgreSQL');
  });
});

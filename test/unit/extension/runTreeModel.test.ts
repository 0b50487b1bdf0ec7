/**
 * The cluster browser's model (src/extension/views/runTreeModel.ts): which nodes a run has, in which
 * order, what each is called and which menus (contextValue) it gets. The runs are built through the
 * shared schemas, as the server hands them out; the menus are package.json's own.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ClusterRecord, isNoisePath, LoadedRun, parentPath, pathDepth, RUN_FORMAT_VERSION } from '../../../src/shared/api';
import { childNodes, loadRuns, newestFirst, rootNodes, treeItem, type Node } from '../../../src/extension/views/runTreeModel';

type ClusterInput = Partial<ClusterRecord> & Pick<ClusterRecord, 'id' | 'size'>;

function cluster(c: ClusterInput): ClusterRecord {
  return ClusterRecord.parse({
    parent: parentPath(c.id),
    depth: pathDepth(c.id),
    isNoise: isNoisePath(c.id),
    keywords: [],
    examples: [],
    label: null,
    description: null,
    labelSource: null,
    ...c,
  });
}

function run(name: string, createdAt: string, clusters: ClusterRecord[], rows = 200): LoadedRun {
  return LoadedRun.parse({
    runDir: `/ws/.ticket-lens/runs/${name}`,
    manifest: {
      version: RUN_FORMAT_VERSION,
      id: name,
      createdAt,
      input: { path: `/ws/data/${name}.csv`, sha256: 'ab'.repeat(32), rows, textColumn: 'text', labelColumn: 'intent' },
      model: { id: 'sentence-transformers/all-MiniLM-L6-v2', hash: 'cd'.repeat(32) },
      params: {},
      timings: {},
      labelling: { state: 'partial', model: null, usage: null },
    },
    clusters,
  });
}

const kw = (...terms: string[]) => terms.map((term, i) => ({ term, score: 1 - i / 10 }));

const tickets = run('tickets', '2025-03-02T10:00:00.000Z', [
  cluster({
    id: 'root.0',
    size: 50,
    label: 'Refund requests',
    labelSource: 'llm',
    keywords: kw('refund', 'money'),
    purity: { label: 'get_refund', share: 0.9 },
    examples: [
      { row: 7, line: 9, text: 'I want\n  my   money back' },
      { row: 12, text: 'refund please' },
    ],
  }),
  cluster({ id: 'root.0.0', size: 30, keywords: kw('card', 'charged', 'twice', 'bank', 'statement') }),
  cluster({ id: 'root.0.1', size: 15, keywords: kw('late') }),
  cluster({ id: 'root.0.noise', size: 5 }),
  cluster({ id: 'root.1', size: 80, keywords: kw('password', 'login', 'reset'), reviewed: true, label: 'Logins', labelSource: 'user' }),
  cluster({ id: 'root.2', size: 40, label: '   ', keywords: kw('parcel', 'delivery', 'tracking', 'late', 'courier') }),
  cluster({ id: 'root.3', size: 20 }),
  cluster({ id: 'root.noise', size: 10 }),
]);
const older = run('older', '2025-03-01T09:00:00.000Z', [cluster({ id: 'root.0', size: 3 })], 3);
const newest = run('newest', '2025-03-03T08:00:00.000Z', [], 0);

const ids = (nodes: Node[]) => nodes.map((n) => (n.kind === 'cluster' ? n.cluster.id : n.kind === 'example' ? `row ${n.row}` : n.run.runDir));
const clusterNode = (id: string): Extract<Node, { kind: 'cluster' }> => ({ kind: 'cluster', run: tickets, cluster: tickets.clusters.find((c) => c.id === id)! });

describe('the cluster browser model', () => {
  it('lists runs newest first', () => {
    expect(ids(rootNodes(newestFirst([older, tickets, newest])))).toEqual([newest.runDir, tickets.runDir, older.runDir]);
  });

  it('loads every run folder, skips one that fails with a warning naming it, newest first', async () => {
    const warnings: string[] = [];
    const byDir = new Map([older, tickets].map((r) => [r.runDir, r]));
    const loaded = await loadRuns(
      [older.runDir, '/ws/.ticket-lens/runs/broken', tickets.runDir],
      (dir) => {
        const r = byDir.get(dir);
        return r ? Promise.resolve(r) : Promise.reject(new Error(`${dir} is not a Ticket Lens run folder: run.json is missing`));
      },
      (m) => warnings.push(m),
    );
    expect(loaded.map((r) => r.runDir)).toEqual([tickets.runDir, older.runDir]);
    expect(warnings).toEqual(['skipping /ws/.ticket-lens/runs/broken: /ws/.ticket-lens/runs/broken is not a Ticket Lens run folder: run.json is missing']);
  });

  it('a run shows its top-level clusters (noise included) in the order of the run', () => {
    expect(ids(childNodes({ kind: 'run', run: tickets }))).toEqual(['root.0', 'root.1', 'root.2', 'root.3', 'root.noise']);
  });

  it('a cluster shows its sub-clusters first, then its example rows; an example has no children', () => {
    const kids = childNodes(clusterNode('root.0'));
    expect(ids(kids)).toEqual(['root.0.0', 'root.0.1', 'root.0.noise', 'row 7', 'row 12']);
    const example = kids[3];
    expect(example).toMatchObject({ kind: 'example', row: 7, line: 9, text: 'I want\n  my   money back' });
    expect(childNodes(example)).toEqual([]);
    expect(childNodes(clusterNode('root.3'))).toEqual([]);
  });

  it('every cluster of the run is reached exactly once by walking the tree', () => {
    const seen: string[] = [];
    const walk = (n: Node) => {
      if (n.kind === 'cluster') seen.push(n.cluster.id);
      childNodes(n).forEach(walk);
    };
    walk({ kind: 'run', run: tickets });
    expect(seen.sort()).toEqual(tickets.clusters.map((c) => c.id).sort());
  });

  it('a run item: file name, top-level cluster count (noise not counted), rows, expanded', () => {
    const item = treeItem({ kind: 'run', run: tickets });
    expect(item).toMatchObject({ label: 'tickets.csv', collapsible: 'expanded', contextValue: 'run', icon: 'graph-scatter' });
    expect(item.description).toMatch(/^4 clusters · 200 rows · .+/);
    expect(item.tooltip).toBe(`${tickets.runDir}\nlabels: partial`);
  });

  it('cluster names: the label, else the top four keywords (a blank label counts as none), else the path; noise is noise', () => {
    const name = (id: string) => treeItem(clusterNode(id)).label;
    expect(name('root.0')).toBe('Refund requests');
    expect(name('root.0.0')).toBe('card, charged, twice, bank');
    expect(name('root.2')).toBe('parcel, delivery, tracking, late');
    expect(name('root.3')).toBe('root.3');
    expect(name('root.noise')).toBe('Noise (root.noise)');
  });

  it('cluster items: size and share of the rows, purity, reviewed; contextValue, icon and a stable id', () => {
    const refunds = treeItem(clusterNode('root.0'));
    expect(refunds).toMatchObject({ description: '50 rows (25.0%) · get_refund 90%', contextValue: 'cluster', icon: 'sparkle', collapsible: 'collapsed', id: `${tickets.runDir}#root.0` });
    expect(refunds.tooltip).toBe('root.0\nkeywords: refund, money');
    expect(treeItem(clusterNode('root.1'))).toMatchObject({ description: '80 rows (40.0%) · reviewed', contextValue: 'cluster.reviewed', icon: 'pass-filled' });
    expect(treeItem(clusterNode('root.0.1'))).toMatchObject({ contextValue: 'cluster', icon: 'symbol-namespace', collapsible: 'none' });
    expect(treeItem(clusterNode('root.noise'))).toMatchObject({ contextValue: 'noise', icon: 'circle-slash' });
  });

  it('an example item: its text on one line (at most 100 characters), its row, and Reveal Row as its command', () => {
    const [, , , ex] = childNodes(clusterNode('root.0'));
    const item = treeItem(ex);
    expect(item).toMatchObject({ label: 'I want my money back', description: 'row 7', tooltip: 'I want\n  my   money back', contextValue: 'example', collapsible: 'none' });
    expect(item.command).toEqual({ command: 'ticketLens.revealRow', title: 'Reveal Row in CSV', arguments: [ex] });
    const long = treeItem({ ...ex, text: 'word '.repeat(40) } as Node);
    expect(long.label).toHaveLength(100);
  });

  it("a cluster labelled by Claude shows its suggested category and priority in the description and tooltip", () => {
    const labelled = run('labelled', '2025-03-04T10:00:00.000Z', [cluster({ id: 'root.0', size: 20, label: 'Double charges', labelSource: 'llm', suggestedCategory: 'Billing', suggestedPriority: 'High' })], 40);
    const item = treeItem({ kind: 'cluster', run: labelled, cluster: labelled.clusters[0] });
    expect(item.description).toBe('20 rows (50.0%) · Billing · High priority');
    expect(item.tooltip).toContain('suggested: Billing · High priority');
    // Without suggestions nothing is added (the unlabelled run above).
    expect(treeItem(clusterNode('root.1')).description).not.toContain('priority');
  });

  it("each item's contextValue gets exactly the menus package.json gives that kind of node", () => {
    const menus = (JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { contributes: { menus: Record<string, { command: string; when?: string }[]> } })
      .contributes.menus['view/item/context'];
    const commandsFor = (value: string) =>
      menus
        .filter((m) => {
          const eq = /viewItem == ([\w.]+)/.exec(m.when ?? '');
          const re = /viewItem =~ \/(.+?)\//.exec(m.when ?? '');
          return eq ? eq[1] === value : re ? new RegExp(re[1]).test(value) : false;
        })
        .map((m) => m.command)
        .sort();
    const ex = childNodes(clusterNode('root.0'))[3];
    expect(commandsFor(treeItem({ kind: 'run', run: tickets }).contextValue)).toEqual(['ticketLens.labelClusters', 'ticketLens.openReport', 'ticketLens.openSummary', 'ticketLens.tagRows', 'ticketLens.useReviewedAsLabels']);
    expect(commandsFor(treeItem(clusterNode('root.0')).contextValue)).toEqual(['ticketLens.markReviewed', 'ticketLens.mergeClusters', 'ticketLens.renameCluster', 'ticketLens.tagRows']);
    expect(commandsFor(treeItem(clusterNode('root.1')).contextValue)).toEqual(['ticketLens.mergeClusters', 'ticketLens.renameCluster', 'ticketLens.tagRows', 'ticketLens.unmarkReviewed']);
    expect(commandsFor(treeItem(clusterNode('root.noise')).contextValue)).toEqual([]);
    expect(commandsFor(treeItem(ex).contextValue)).toEqual(['ticketLens.revealRow']);
  });
});

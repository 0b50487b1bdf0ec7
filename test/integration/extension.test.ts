/// <reference types="mocha" />
/**
 * Integration tests inside a real VS Code extension host (code-server), against the real server and
 * the real model: commands, the cluster browser's tree, and the typed client. The workspace is made
 * by scripts/test-e2e.mjs: tickets.csv (the bundled sample), broken.csv, ticket.txt.
 */
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import type { SelectionResult } from '../../src/extension/commands/classifySelection';
import type { TicketLensApi } from '../../src/extension/extension';
import type { Node } from '../../src/extension/views/runsTree';
import type { StoreNode } from '../../src/extension/views/storeTree';
import type { ClusterResult, IngestResult, TrainResult } from '../../src/shared/api';

const folder = () => vscode.workspace.workspaceFolders![0].uri.fsPath;
let api: TicketLensApi;

async function selectAllOf(file: string): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(join(folder(), file));
  const editor = await vscode.window.showTextDocument(doc);
  editor.selection = new vscode.Selection(0, 0, 0, doc.lineAt(0).text.length);
  return editor;
}

/** Resolves once `done()` holds, or fails after `ms`. */
async function until(done: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!done()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The part of package.json these tests read. */
interface PackageJson {
  name: string;
  contributes: { commands: { command: string }[] };
}

describe('Ticket Lens in the extension host', () => {
  before(async () => {
    const ext = vscode.extensions.all.find((e) => (e.packageJSON as PackageJson).name === 'ticket-lens');
    assert.ok(ext, 'the extension is installed');
    api = (await ext.activate()) as TicketLensApi;
  });

  it('registers every command it contributes', async () => {
    const ext = vscode.extensions.all.find((e) => (e.packageJSON as PackageJson).name === 'ticket-lens')!;
    const contributed = (ext.packageJSON as PackageJson).contributes.commands.map((c) => c.command);
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(contributed.filter((c) => !registered.has(c)), []);
    assert.ok(contributed.includes('ticketLens.classifySelection') && contributed.includes('ticketLens.useReviewedAsLabels'));
  });

  it('starts the server on first use; the client reports model, device and dtype', async () => {
    const health = await (await api.client()).health();
    assert.match(health.model.id, /all-MiniLM-L6-v2/);
    assert.equal(health.device.requested, 'cpu'); // ticketLens.device, set by the test workspace
    assert.equal(health.dtype, 'q8');
  });

  it('the server may use only the workspace folder: a CSV outside it is refused, one inside is read', async () => {
    const client = await api.client();
    const outside = join(dirname(folder()), 'outside.csv');
    writeFileSync(outside, 'text,label\nsecret ticket,a\n');
    // The extension's bundle has its own TicketLensError class: judged by its fields, not instanceof.
    await assert.rejects(client.csvPreview(outside), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'forbidden', err.message);
      assert.match(err.message, /outside\.csv.*outside the folders this server may use/);
      assert.ok(err.message.includes(folder()), `names the workspace folder: ${err.message}`);
      return true;
    });
    assert.equal((await client.csvPreview(join(folder(), 'tickets.csv'), 2)).header.includes('text'), true);
  });

  it('changing ticketLens.dtype asks to restart the model server; another setting, or the value changed back, does not', async () => {
    await (await api.client()).health();
    const asked: string[] = [];
    const sub = api.onDidAskToRestart((m) => asked.push(m));
    const settings = () => vscode.workspace.getConfiguration('ticketLens');
    const settle = () => new Promise((r) => setTimeout(r, 750));
    try {
      await settings().update('depth', 3, vscode.ConfigurationTarget.Workspace);
      await settle();
      assert.deepEqual(asked, [], 'depth is read per command');
      await settings().update('dtype', 'fp32', vscode.ConfigurationTarget.Workspace);
      await until(() => asked.length > 0, 10_000, 'the restart question');
      assert.equal(asked[0], 'Changing ticketLens.dtype requires restarting the model server.');
      await settings().update('dtype', undefined, vscode.ConfigurationTarget.Workspace);
      await settle();
      assert.equal(asked.length, 1, 'back to the running server’s dtype: nothing to restart');
      assert.equal((await (await api.client()).health()).dtype, 'q8', 'the server was not restarted unasked');
    } finally {
      sub.dispose();
      await settings().update('depth', undefined, vscode.ConfigurationTarget.Workspace);
      await settings().update('dtype', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  it('the client turns a malformed CSV into an error naming the row and the expected fields', async () => {
    const client = await api.client();
    const job = await client.cluster({ csvPath: join(folder(), 'broken.csv'), textColumn: 'text', outDir: join(folder(), '.ticket-lens', 'runs', 'broken') });
    const final = await client.waitForJob(job.id, () => {}, () => false);
    assert.equal(final.state, 'failed');
    assert.match(final.error?.message ?? '', /broken\.csv.*row 2.*3 fields.*header has 2/s);
    assert.equal(existsSync(join(folder(), '.ticket-lens', 'runs', 'broken')), false, 'no half-written run folder');
  });

  let cluster: ClusterResult;
  it('Cluster This CSV makes a run, evaluated against the label column, and the tree shows it', async () => {
    const before = readFileSync(join(folder(), 'tickets.csv'));
    const r = await vscode.commands.executeCommand<ClusterResult | undefined>('ticketLens.clusterCsv', vscode.Uri.file(join(folder(), 'tickets.csv')), {
      textColumn: 'text',
      labelColumn: 'intent',
      depth: 2,
      minClusterSize: 'auto',
      quiet: true,
    });
    assert.ok(r, 'a result');
    cluster = r;
    assert.equal(r.rows, 300);
    assert.ok(r.topClusters >= 3, `${r.topClusters} clusters`);
    assert.ok(r.metrics && r.metrics.ari > 0.3, `ARI ${r.metrics?.ari}`);
    assert.deepEqual(readFileSync(join(folder(), 'tickets.csv')), before, 'the input is untouched');

    const runs = await api.runs.getChildren();
    const runNode = runs.find((n) => n.kind === 'run' && n.run.runDir === r.runDir);
    assert.ok(runNode, 'the run is in the tree');
    assert.match(String(api.runs.getTreeItem(runNode).description), /\d+ clusters · 300 rows/);
    const clusters = await api.runs.getChildren(runNode);
    assert.ok(clusters.filter((c) => c.kind === 'cluster' && !c.cluster.isNoise).length >= 3);
    const first = clusters.find((c): c is Extract<Node, { kind: 'cluster' }> => c.kind === 'cluster' && !c.cluster.isNoise)!;
    const item = api.runs.getTreeItem(first);
    assert.match(String(item.description), /rows \(\d+\.\d%\) · \w+ \d+%/, 'size and purity against intent');
    const kids = await api.runs.getChildren(first);
    const example = kids.find((k) => k.kind === 'example');
    assert.ok(example && example.kind === 'example' && example.text.length > 0, 'example rows under a cluster');
  });

  it('reveals an example row in the CSV at its line', async () => {
    const runNode = (await api.runs.getChildren()).find((n) => n.kind === 'run' && n.run.runDir === cluster.runDir)!;
    const c = (await api.runs.getChildren(runNode)).find((n) => n.kind === 'cluster' && !n.cluster.isNoise)!;
    const ex = (await api.runs.getChildren(c)).find((n): n is Extract<Node, { kind: 'example' }> => n.kind === 'example')!;
    await vscode.commands.executeCommand('ticketLens.revealRow', ex);
    const editor = vscode.window.activeTextEditor!;
    assert.ok(editor.document.uri.fsPath.endsWith('tickets.csv'));
    assert.ok(editor.document.lineAt(editor.selection.start.line).text.includes(ex.text.slice(0, 20)), 'the selected line holds the example');
  });

  it('Classify Selection gives intent, category, priority and sentiment with confidences, why, and the nearest cluster', async () => {
    await selectAllOf('ticket.txt');
    const r = await vscode.commands.executeCommand<SelectionResult | undefined>('ticketLens.classifySelection', { show: false });
    assert.ok(r);
    assert.match(r.text, /charged twice/);
    const task = (name: string) => r.tasks.find((t) => t.task === name);
    for (const name of ['intent', 'category', 'priority', 'sentiment']) {
      const t = task(name);
      assert.ok(t, `${name} is predicted`);
      assert.ok(t.confidence > 0 && t.confidence <= 1, `${name} confidence ${t.confidence}`);
    }
    assert.equal(task('intent')!.source, 'bitext');
    assert.ok(['payment_issue', 'get_refund', 'check_refund_policy', 'track_refund'].includes(task('intent')!.label), `intent ${task('intent')!.label}`);
    assert.equal(task('sentiment')!.label, 'Negative');
    const words = task('intent')!.explanation?.words ?? [];
    assert.ok(words.length > 3 && task('intent')!.explanation!.nearest.length > 0, 'why: words and nearest examples');
    assert.ok(r.cluster && r.cluster.runDir === cluster.runDir, 'the nearest cluster comes from the latest run');
    assert.equal((await (await api.client()).health()).device.active, 'cpu', 'the model is loaded on the CPU now');
  });

  let trained: TrainResult;
  it('Train Classifier from CSV trains an intent head on the sample', async () => {
    const r = await vscode.commands.executeCommand<TrainResult | undefined>('ticketLens.trainClassifier', vscode.Uri.file(join(folder(), 'tickets.csv')), {
      textColumn: 'text',
      labelColumns: ['intent'],
      use: false,
    });
    assert.ok(r);
    trained = r;
    assert.equal(r.tasks[0].task, 'intent');
    assert.equal(r.tasks[0].classes, 10);
    assert.ok(r.tasks[0].valAccuracy >= 0.8, `validation accuracy ${r.tasks[0].valAccuracy}`);
    assert.ok(existsSync(r.modelPath) && r.modelPath.startsWith(join(folder(), '.ticket-lens', 'models')));
  });

  it('reviewed clusters become labels: exported, trained, and used by Classify Selection', async () => {
    const client = await api.client();
    const top = (await client.loadRun(cluster.runDir)).clusters.filter((c) => c.depth === 1 && !c.isNoise).sort((a, b) => b.size - a.size);
    await client.editRun(cluster.runDir, [
      { op: 'rename', id: top[0].id, label: 'First reviewed' },
      { op: 'review', id: top[0].id, reviewed: true },
      { op: 'rename', id: top[1].id, label: 'Second reviewed' },
      { op: 'review', id: top[1].id, reviewed: true },
    ]);
    api.runs.refresh();
    const r = await vscode.commands.executeCommand<TrainResult | undefined>('ticketLens.useReviewedAsLabels', undefined, { use: true });
    assert.ok(r, 'a trained model');
    assert.equal(r.tasks[0].classes, 2);
    assert.equal(r.rows, top[0].size + top[1].size);
    const setting = vscode.workspace.getConfiguration('ticketLens').get<string>('classifierModel');
    assert.ok(setting && setting.endsWith('-reviewed.tlc'), `classifierModel = ${setting}`);

    await selectAllOf('ticket.txt');
    const c = await vscode.commands.executeCommand<SelectionResult | undefined>('ticketLens.classifySelection', { show: false });
    const label = c?.tasks.find((t) => t.task === 'label');
    assert.ok(label, 'the reviewed-label model answers');
    assert.ok(['First reviewed', 'Second reviewed', 'unknown'].includes(label.label), label.label);
    await vscode.workspace.getConfiguration('ticketLens').update('classifierModel', undefined, vscode.ConfigurationTarget.Workspace);
    assert.ok(trained);
  });

  it('Add to Ticket Store files a CSV in the workspace store through the command, and the Ticket Store view shows the dataset', async () => {
    const store = join(folder(), '.ticket-lens', 'store');
    assert.equal(existsSync(store), false);
    assert.deepEqual(await api.store.getChildren(), [], 'no store yet: the view is empty (its welcome content shows)');
    const add = () =>
      vscode.commands.executeCommand<IngestResult | undefined>('ticketLens.addToStore', vscode.Uri.file(join(folder(), 'tickets.csv')), {
        textColumn: 'text',
        idColumn: null,
        dateColumn: null,
        dataset: 'sample',
        quiet: true,
      });
    const r = await add();
    assert.ok(r, 'a result');
    assert.equal(r.dataset, 'sample');
    assert.equal(r.store, store, 'the embedded store in the workspace folder');
    assert.equal(r.new, 300);
    assert.equal(r.total, 300);
    assert.ok(existsSync(join(store, 'pgdata')), 'the store folder holds the database');

    const nodes = await api.store.getChildren();
    const dataset = nodes.find((n): n is Extract<StoreNode, { kind: 'dataset' }> => n.kind === 'dataset' && n.dataset.name === 'sample');
    assert.ok(dataset, `the dataset is in the view: ${JSON.stringify(nodes)}`);
    assert.equal(dataset.dataset.tickets, 300);
    assert.equal(dataset.dataset.embedded, 300);
    assert.match(String(api.store.getTreeItem(dataset).description), /^300 tickets · undated · ingested \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$/);
    const details = (await api.store.getChildren(dataset)).map((n) => api.store.getTreeItem(n));
    assert.equal(details.find((i) => i.label === 'Source')?.description, 'tickets.csv');
    assert.match(String(details.find((i) => i.label === 'Model')?.description), /all-MiniLM-L6-v2/);

    // The same file again: nothing new, nothing embedded again.
    const again = await add();
    assert.ok(again);
    assert.deepEqual([again.new, again.updated, again.unchanged, again.embedded, again.total], [0, 0, 300, 0, 300]);
  });

  it('a server that dies fails the job in flight, and the next use starts a new one', async () => {
    const before = await (await api.client()).health();
    const pending = vscode.commands.executeCommand<ClusterResult | undefined>('ticketLens.clusterCsv', vscode.Uri.file(join(folder(), 'tickets.csv')), {
      textColumn: 'text',
      labelColumn: null,
      depth: 2,
      minClusterSize: 'auto',
      quiet: true,
    });
    await new Promise((r) => setTimeout(r, 400));
    process.kill(before.pid, 'SIGKILL');
    assert.equal(await pending, undefined, 'the job is reported as failed, not left hanging');
    const after = await (await api.client()).health();
    assert.notEqual(after.pid, before.pid);
    assert.equal(after.status, 'ok');
  });
});

/**
 * `ticket-lens cluster --store`, the built CLI on both engines: the sample ingested (in batches, so
 * its int8 vectors differ slightly from one embedding of the whole file) and clustered from the stored
 * vectors, against a CSV run of the same rows — the same run folder, about as many clusters, and the
 * two partitions agreeing (ARI ≥ 0.9) — without embedding anything again; a date range keeps the
 * tickets dated within it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isNoisePath, RunManifest, topLevelPath, type StoreLocation } from '../../../src/shared/api';
import { scores } from '../../../src/server/cluster/metrics';
import { readAssignments } from '../../../src/server/run/assignmentsCsv';
import { runCli } from '../../support/cli';
import { modelDir } from '../../support/model';
import { storeEngines } from './engines';
import { sampleTickets, tempDir, writeTickets } from './fixtures';

const engines = storeEngines();
const dir = tempDir('cluster');
const tickets = sampleTickets();
const csv = writeTickets(dir, 'tickets.csv', tickets);
const model = ['--model', modelDir(), '--device', 'cpu', '--no-cache'];
const env = { ...process.env, TICKET_LENS_CACHE: join(dir, 'cache'), TICKET_LENS_DATABASE: '' };

const cli = (...args: string[]) => runCli(args, env, dir);

/** The store flags of `cluster` (`--store-dir`) and of `ingest` (`--store`). */
const target = (where: StoreLocation) => ('dir' in where ? ['--store-dir', where.dir] : ['--database', where.url]);
const ingestTarget = (where: StoreLocation) => ('dir' in where ? ['--store', where.dir] : ['--database', where.url]);
const manifest = (runDir: string) => RunManifest.parse(JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')));
const topLevels = async (runDir: string) => (await readAssignments(runDir)).map((r) => topLevelPath(r.cluster));
const clustersIn = (paths: readonly string[]) => new Set(paths.filter((p) => !isNoisePath(p))).size;

let csvRun: string;
beforeAll(async () => {
  await engines.setup();
  csvRun = join(dir, 'run-csv');
  const r = await cli('cluster', csv, '--text-column', 'text', '--depth', '1', '--out', csvRun, '--quiet', ...model);
  expect(r.code, r.stderr).toBe(0);
}, 300_000);
afterAll(() => engines.teardown());

describe.each(engines.list)('cluster --store on the $name', (engine) => {
  it('clusters the stored vectors into the run folder a CSV run makes, agreeing with it (ARI ≥ 0.9), embedding nothing', async () => {
    const where = await engine.fresh('cluster');
    const ingest = await cli('ingest', csv, '--text-column', 'text', '--id-column', 'id', '--date-column', 'created_at', '--dataset', 'tickets', '--batch-size', '64', '--quiet', ...ingestTarget(where), ...model);
    expect(ingest.code, ingest.stderr).toBe(0);

    const runDir = join(dir, `run-${engine.kind}`);
    const r = await cli('cluster', '--store', '--dataset', 'tickets', '--depth', '1', '--out', runDir, ...target(where), ...model);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('300 rows');
    expect(r.stdout).toMatch(/no label column: the ticket store keeps none/);

    const m = manifest(runDir);
    expect(m.input.path).toBe(csv);
    expect(m.input.rows).toBe(300);
    expect(m.input.labelColumn).toBeNull();
    expect(m.params).toMatchObject({ dataset: 'tickets', depth: 1 });
    expect(String(m.params.store)).not.toMatch(/:[^:@/]+@/); // a connection string's password is never recorded
    // Embedding 300 texts takes seconds on a CPU; reading stored vectors takes none of that.
    expect(m.timings.embed).toBeLessThan(0.5);

    const fromCsv = await topLevels(csvRun);
    const fromStore = await topLevels(runDir);
    expect(fromStore).toHaveLength(fromCsv.length);
    const agreement = scores(fromCsv, fromStore);
    expect(agreement.ari, `ARI between the CSV run and the store run: ${agreement.ari}`).toBeGreaterThanOrEqual(0.9);
    expect(Math.abs(clustersIn(fromStore) - clustersIn(fromCsv))).toBeLessThanOrEqual(2);

    if (engine.kind === 'pglite') {
      // A date range: the tickets dated on or after the first day and on or before the last (UTC).
      const start = '2024-01-15';
      const end = '2024-02-20';
      const inRange = tickets.filter((t) => t.at >= Date.parse(`${start}T00:00:00Z`) && t.at < Date.parse(`${end}T00:00:00Z`) + 86_400_000).length;
      const ranged = join(dir, 'run-ranged');
      const d = await cli('cluster', '--store', '--start-date', start, '--end-date', end, '--depth', '1', '--min-cluster-size', '5', '--out', ranged, ...target(where), ...model);
      expect(d.code, d.stderr).toBe(0);
      expect(inRange).toBeGreaterThan(50);
      expect(inRange).toBeLessThan(300);
      expect(manifest(ranged).input.rows).toBe(inRange);
      expect(manifest(ranged).params).toMatchObject({ startDate: start, endDate: end });
    }
  }, 300_000);
});

describe('cluster --store refuses what it cannot do', () => {
  it('a label column (the store keeps none), a CSV as well, or store flags without --store', async () => {
    const label = await cli('cluster', '--store', '--label-column', 'intent', ...model);
    expect(label.code).not.toBe(0);
    expect(label.stderr).toMatch(/--label-column: the ticket store keeps .* not a label column/);
    const both = await cli('cluster', csv, '--store', ...model);
    expect(both.stderr).toMatch(/Give a CSV or --store, not both/);
    const stray = await cli('cluster', csv, '--text-column', 'text', '--dataset', 'tickets', ...model);
    expect(stray.stderr).toMatch(/--dataset goes with --store/);
  });
});

// The run files' one reader and one writer each: what is written reads back equal, and a damaged
// file is refused with its name, the data row and the column.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TicketLensError, type AssignmentRow, type Evaluation, type MetricsFile } from '../../../src/shared/api';
import { readAssignments, writeAssignments } from '../../../src/server/run/assignmentsCsv';
import { readMetrics, writeMetrics } from '../../../src/server/run/metricsJson';
import { evaluate } from '../../../src/server/cluster/metrics';

/** The bad_input error a read fails with. */
async function refusal(read: Promise<unknown>): Promise<string> {
  const err = await read.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TicketLensError);
  expect((err as TicketLensError).code).toBe('bad_input');
  return (err as TicketLensError).message;
}

const rows: AssignmentRow[] = [
  { row: 1, line: 2, text: 'where is my parcel', cluster: 'root.0', probability: 0.9, outlierScore: 0.1, wasNoise: false, x: 1.25, y: -0.5, label: 'delivery' },
  { row: 2, line: 3, text: 'refund "please",\nsecond line', cluster: 'root.1.noise', probability: 0, outlierScore: 0.75, wasNoise: true, x: 0, y: 3, label: '' },
  { row: 3, line: 5, text: 'cancel', cluster: 'root.1.0', probability: 0.5, outlierScore: 0.25, wasNoise: false, x: 2, y: 2, label: 'orders' },
];

describe('assignments.csv', () => {
  it('reads back what was written, with and without a label column', async () => {
    const labelled = mkdtempSync(join(tmpdir(), 'tl-runfiles-'));
    await writeAssignments(labelled, rows, true);
    expect(await readAssignments(labelled)).toEqual(rows);
    const plain = mkdtempSync(join(tmpdir(), 'tl-runfiles-'));
    await writeAssignments(plain, rows, false);
    expect(await readAssignments(plain)).toEqual(rows.map(({ label: _label, ...r }) => r));
  });

  it('names the file, the data row and the column of a damaged cell', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tl-runfiles-'));
    await writeAssignments(dir, rows, true);
    const path = join(dir, 'assignments.csv');
    writeFileSync(path, readFileSync(path, 'utf8').replace('0.2500', 'n/a'));
    expect(await refusal(readAssignments(dir))).toContain(`${path}: data row 3, column "outlier_score"`);
    writeFileSync(path, 'row,text,cluster,probability,outlier_score,was_noise,x,y\n1,hello,root.0,1.0000,0.0000,0,0.0000,0.0000\n');
    expect(await refusal(readAssignments(dir))).toMatch(/lacks the column "line"/);
  });
});

describe('metrics.json', () => {
  it('reads back what was written, a score JSON cannot hold (NaN) included', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tl-runfiles-'));
    // One row: ARI is undefined (0/0), as scikit-learn's would be.
    const one: Evaluation = evaluate(['a'], ['root.0'], (p) => p.endsWith('.noise'));
    expect(one.withNoise.ari).toBeNaN();
    const metrics: MetricsFile = { labelColumn: 'intent', topLevel: one, leafLevel: one, sweep: [{ minClusterSize: 5, clusters: 1, noise: 0, validity: 0.5 }] };
    await writeMetrics(dir, metrics);
    expect(await readMetrics(dir)).toEqual(metrics);
  });

  it('is null when absent, and refused with the field when malformed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tl-runfiles-'));
    expect(await readMetrics(dir)).toBeNull();
    writeFileSync(join(dir, 'metrics.json'), JSON.stringify({ labelColumn: null, sweep: [{ minClusterSize: 'five' }] }));
    expect(await refusal(readMetrics(dir))).toContain(`${join(dir, 'metrics.json')} does not match the run format: sweep.0.minClusterSize`);
  });
});

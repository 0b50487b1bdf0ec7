/**
 * The dates behind the map's colour by date, as the server gives them with the points (run/runPoints.ts)
 * on a run folder written by hand over a real CSV: which columns are offered (judged on the first rows),
 * each row's instant from the one asked for (empty cells null), and a refusal for a column that holds no
 * dates or a CSV edited since the run.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AssignmentRow, ClusterRecord } from '../../../src/shared/api';
import { assignmentsCsv } from '../../../src/server/run/assignmentsCsv';
import { clustersText } from '../../../src/server/run/clustersJson';
import { manifestText } from '../../../src/server/run/runJson';
import { runPoints } from '../../../src/server/run/runPoints';
import { runManifest } from '../../support/runManifest';

const TEXTS = ['refund please', 'where is my parcel', 'cannot log in', 'invoice copy'];
const CREATED = ['2024-03-05', '', '3/7/2024 14:03', '2024-03-09T10:00:00Z'];

async function makeRun(csv: string): Promise<string> {
  const base = mkdtempSync(join(tmpdir(), 'tl-point-dates-'));
  const input = join(base, 'tickets.csv');
  writeFileSync(input, csv);
  const dir = join(base, '.ticket-lens', 'runs', 'r1');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'run.json'), manifestText(runManifest('r1', { path: input, rows: TEXTS.length })));
  const cluster: ClusterRecord = { id: 'root.0', parent: null, depth: 1, size: TEXTS.length, isNoise: false, keywords: [], examples: [], label: null, description: null, labelSource: null, reviewed: false };
  writeFileSync(join(dir, 'clusters.json'), await clustersText([cluster]));
  const rows: AssignmentRow[] = TEXTS.map((text, i) => ({ row: i + 1, line: i + 2, text, cluster: 'root.0', probability: 1, outlierScore: 0, wasNoise: false, x: i, y: -i }));
  writeFileSync(join(dir, 'assignments.csv'), await assignmentsCsv(rows, false));
  return dir;
}

const table = (texts: readonly string[]) => `text,created,agent,updated\n${texts.map((t, i) => `${t},${CREATED[i]},agent ${i},${i % 2 ? '' : '1709647380'}`).join('\n')}\n`;

describe("the map's points with dates", () => {
  it('offer the date columns of the input CSV, and no dates until one is asked for', async () => {
    const dir = await makeRun(table(TEXTS));
    const p = await runPoints(dir);
    // "agent" holds names; "updated" epoch seconds in some rows and nothing in others.
    expect(p.dateColumns).toEqual(['created', 'updated']);
    expect(p.date).toBeUndefined();
    expect(p.text).toEqual(TEXTS);
  });

  it("give each row's instant from the column asked for, in the points' order, empty cells null", async () => {
    const dir = await makeRun(table(TEXTS));
    const p = await runPoints(dir, 'created');
    expect(p.date).toEqual([Date.parse('2024-03-05T00:00:00Z'), null, Date.parse('2024-03-07T14:03:00Z'), Date.parse('2024-03-09T10:00:00Z')]);
  });

  it('refuse a column that holds no dates, and a CSV whose rows are no longer the run’s', async () => {
    const dir = await makeRun(table(TEXTS));
    await expect(runPoints(dir, 'agent')).rejects.toThrow(/Column "agent" of .* does not hold dates in its first rows; its date columns are "created", "updated"/);
    const edited = await makeRun(table(['refund please', 'a different ticket', 'cannot log in', 'invoice copy']));
    await expect(runPoints(edited, 'created')).rejects.toThrow(/has changed since run r1 was made \(row 2 holds another text\)/);
  });

  it('offer no date column when the input CSV is gone', async () => {
    const dir = await makeRun(table(TEXTS));
    writeFileSync(join(dir, 'run.json'), manifestText(runManifest('r1', { path: join(dir, 'missing.csv'), rows: TEXTS.length })));
    expect((await runPoints(dir)).dateColumns).toEqual([]);
  });
});

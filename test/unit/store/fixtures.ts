/**
 * Ticket CSVs for the store tests, made from the bundled sample (300 Bitext tickets): an id column and
 * a created_at column whose cells cycle through the formats support exports use, each made here from a
 * known instant so a test can check what the store read back.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { SAMPLE_CSV } from '../../support/sample';

export interface Ticket {
  id: string;
  text: string;
  /** Epoch ms (whole minutes, UTC). */
  at: number;
  /** The created_at cell as written. */
  cell: string;
}

const BASE = Date.UTC(2024, 0, 1, 8, 0);
const HOUR = 3_600_000;
const pad = (n: number) => String(n).padStart(2, '0');

/** The i-th ticket's date written in one of four formats (i mod 4). */
function cell(at: number, i: number): string {
  const d = new Date(at);
  switch (i % 4) {
    case 0:
      return d.toISOString(); // 2024-01-01T08:00:00.000Z
    case 1:
      return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
    case 2:
      // As Excel writes a date-time into a CSV (US locale).
      return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${d.getUTCHours()}:${pad(d.getUTCMinutes())}`;
    default:
      return String(at / 1000); // epoch seconds
  }
}

/** The sample's tickets, one every 7 hours from 2024-01-01 08:00 UTC (300 rows span ~87 days). */
export function sampleTickets(): Ticket[] {
  const rows = parse<{ text: string }>(readFileSync(SAMPLE_CSV), { columns: true });
  return rows.map((r, i) => {
    const at = BASE + i * 7 * HOUR;
    return { id: `T-${String(i + 1).padStart(4, '0')}`, text: r.text, at, cell: cell(at, i) };
  });
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `tl-store-${prefix}-`));
}

/** Writes tickets as id,text,created_at (plus any extra rows given raw) and returns the path. */
export function writeTickets(dir: string, name: string, tickets: readonly Ticket[]): string {
  const path = join(dir, name);
  writeFileSync(path, stringify([['id', 'text', 'created_at'], ...tickets.map((t) => [t.id, t.text, t.cell])]));
  return path;
}

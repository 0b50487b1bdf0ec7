/**
 * A date column's cells as instants (epoch ms), in the formats support exports use:
 *   ISO 8601       2024-03-05, 2024-03-05T14:03, 2024-03-05 14:03:07.123+02:00, …Z
 *   slashes        3/5/2024 14:03 (as Excel writes a date-time in a CSV), 3/5/2024, 3/5/24 2:03 PM,
 *                  2024/03/05 — month first unless a cell of the column can only be day first (13/5/2024)
 *   epoch          1709647380 (seconds, 9–10 digits, fraction allowed) or 1709647380000 (milliseconds)
 * A time without an offset is UTC, so the same file gives the same instants on every machine. An empty
 * cell is no date; any other cell that is none of these, or not a real day (2/30/2024), is an error
 * naming its row and column — found before anything is written.
 */
import { TicketLensError } from '../../../shared/api';

export interface DateCell {
  row: number;
  value: string;
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;
const SLASH = /^(\d{1,2})\/(\d{1,2})\/(\d{4}|\d{2})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AP]M)?)?$/i;
const YMD_SLASH = /^(\d{4})\/(\d{1,2})\/(\d{1,2})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
const EPOCH = /^-?\d{9,13}(?:\.\d+)?$/;

const ACCEPTED = 'YYYY-MM-DD[ HH:MM[:SS][±HH:MM|Z]], M/D/YYYY[ H:MM[:SS][ AM|PM]], YYYY/MM/DD or epoch seconds';

/** ms since the epoch for a UTC calendar time, or NaN when the fields are not a real time. */
function utc(y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0): number {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return Number.NaN;
  const t = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  const back = new Date(t);
  // Date.UTC rolls 2/30 over into March: a day that does not exist is not a date.
  return back.getUTCMonth() === mo - 1 && back.getUTCDate() === d ? t : Number.NaN;
}

function offsetMinutes(z: string | undefined): number {
  if (!z || /^z$/i.test(z)) return 0;
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(z)!;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0));
}

function parseIso(m: RegExpExecArray): number {
  const frac = m[7] ? Number(`0.${m[7]}`) * 1000 : 0;
  const t = utc(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0), Math.round(frac));
  return t - offsetMinutes(m[8]) * 60_000;
}

function parseSlash(m: RegExpExecArray, dayFirst: boolean): number {
  const a = Number(m[1]);
  const b = Number(m[2]);
  let y = Number(m[3]);
  if (m[3].length === 2) y += y < 70 ? 2000 : 1900;
  let h = Number(m[4] ?? 0);
  if (m[7]) {
    if (h < 1 || h > 12) return Number.NaN;
    h = (h % 12) + (/pm/i.test(m[7]) ? 12 : 0);
  }
  return utc(y, dayFirst ? b : a, dayFirst ? a : b, h, Number(m[5] ?? 0), Number(m[6] ?? 0));
}

/** One cell; NaN when it is not a date in any accepted format. `dayFirst` decides 5/3/2024. */
export function parseDate(value: string, dayFirst = false): number {
  const v = value.trim();
  let m = ISO.exec(v);
  if (m) return parseIso(m);
  m = SLASH.exec(v);
  if (m) return parseSlash(m, dayFirst);
  m = YMD_SLASH.exec(v);
  if (m) return utc(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0));
  if (EPOCH.test(v)) {
    const n = Number(v);
    // 11+ integer digits in seconds would be past the year 5000: those are milliseconds.
    return Math.abs(n) >= 1e11 ? Math.round(n) : Math.round(n * 1000);
  }
  return Number.NaN;
}

/**
 * Whether a column's slash dates are day first: only when some cell cannot be month first (13/5/2024)
 * and none cannot be day first (5/13/2024); both kinds in one column is an error naming a row of each.
 */
function dayFirstColumn(cells: readonly DateCell[], path: string, column: string): boolean {
  let dayFirstRow: number | null = null;
  let monthFirstRow: number | null = null;
  for (const c of cells) {
    const m = SLASH.exec(c.value.trim());
    if (!m) continue;
    if (Number(m[1]) > 12 && dayFirstRow === null) dayFirstRow = c.row;
    if (Number(m[2]) > 12 && monthFirstRow === null) monthFirstRow = c.row;
  }
  if (dayFirstRow !== null && monthFirstRow !== null) {
    throw new TicketLensError(
      'bad_input',
      `${path}: column "${column}" mixes day-first dates (row ${dayFirstRow}) and month-first dates (row ${monthFirstRow}); write the dates one way (ISO YYYY-MM-DD is unambiguous).`,
      { path, column, rows: [dayFirstRow, monthFirstRow] },
    );
  }
  return dayFirstRow !== null;
}

/** Every cell of a date column, in order: epoch ms, or NaN for an empty cell. Throws on the first cell that is not a date. */
export function parseDateColumn(cells: readonly DateCell[], path: string, column: string): Float64Array {
  const dayFirst = dayFirstColumn(cells, path, column);
  const out = new Float64Array(cells.length);
  cells.forEach((c, i) => {
    const v = c.value.trim();
    if (v === '') {
      out[i] = Number.NaN;
      return;
    }
    const t = parseDate(v, dayFirst);
    if (Number.isNaN(t)) {
      const shown = v.length > 40 ? `${v.slice(0, 40)}…` : v;
      throw new TicketLensError('bad_input', `${path}: row ${c.row}, column "${column}": "${shown}" is not a date. Accepted: ${ACCEPTED}.`, { path, row: c.row, column });
    }
    out[i] = t;
  });
  return out;
}

/** A YYYY-MM-DD day's first instant (UTC). */
export function dayStart(day: string): number {
  const [y, m, d] = day.split('-').map(Number);
  const t = utc(y, m, d);
  if (Number.isNaN(t)) throw new TicketLensError('bad_input', `${day} is not a date; expected YYYY-MM-DD.`);
  return t;
}

export const DAY_MS = 86_400_000;

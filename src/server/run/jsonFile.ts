/**
 * Reading a run's JSON files through their contract schema: broken JSON or a shape the contract does
 * not accept is a bad_input error naming the file and the field, so a hand-edited or truncated run
 * says what to fix instead of failing later somewhere else.
 */
import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { TicketLensError } from '../../shared/api';

/** "clusters.3.size: expected number" for the first few issues. */
export function describeIssues(error: z.ZodError, max = 3): string {
  const shown = error.issues.slice(0, max).map((i) => `${i.path.length ? `${i.path.join('.')}: ` : ''}${i.message}`);
  const more = error.issues.length - shown.length;
  return shown.join('; ') + (more > 0 ? ` (and ${more} more)` : '');
}

export async function readJsonFile<S extends z.ZodType>(path: string, schema: S): Promise<z.output<S>> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new TicketLensError('bad_input', `${path} is not valid JSON: ${(err as Error).message}`);
  }
  const r = schema.safeParse(raw);
  if (!r.success) throw new TicketLensError('bad_input', `${path} does not match the run format: ${describeIssues(r.error)}`);
  return r.data;
}

/** The two layouts the run files use: indented for the ones people open (run.json, metrics.json), compact for the large one. */
export function jsonText(value: unknown, indent: boolean): string {
  return (indent ? JSON.stringify(value, null, 2) : JSON.stringify(value)) + '\n';
}

/**
 * trends.json in a run folder (TrendsFile, shared/trends.ts): read back for the summary, written by
 * trends.ts together with the summary.md it feeds. Imports nothing of the run folder's writers, so
 * the folder's own update path (run/folder.ts) can read it to keep the Trends section in summary.md.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { TRENDS_JSON, TrendsFile } from '../../shared/api';
import { jsonText, readJsonFile } from '../run/jsonFile';

/** null when the run has no trends.json. */
export async function readTrends(dir: string): Promise<TrendsFile | null> {
  const path = join(dir, TRENDS_JSON);
  return existsSync(path) ? readJsonFile(path, TrendsFile) : null;
}

export function trendsText(t: TrendsFile): string {
  return jsonText(t, true);
}

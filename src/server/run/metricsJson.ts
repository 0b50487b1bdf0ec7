/** metrics.json (MetricsFile): the evaluation against the label column and the size sweep, kept so the summary can be rebuilt after edits. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MetricsFile } from '../../shared/api';
import { writeFileAtomic } from '../data/atomic';
import { jsonText, readJsonFile } from './jsonFile';

export const METRICS_JSON = 'metrics.json';

/** null when the run has no metrics.json. */
export async function readMetrics(dir: string): Promise<MetricsFile | null> {
  const path = join(dir, METRICS_JSON);
  return existsSync(path) ? readJsonFile(path, MetricsFile) : null;
}

export function writeMetrics(dir: string, metrics: MetricsFile): Promise<void> {
  return writeFileAtomic(join(dir, METRICS_JSON), jsonText(metrics, true));
}

/** run.json (RunManifest): what was clustered, with which model and parameters, and the labelling state. */
import { join } from 'node:path';
import { RunManifest } from '../../shared/api';
import { writeFileAtomic } from '../data/atomic';
import { jsonText, readJsonFile } from './jsonFile';

export const RUN_JSON = 'run.json';

export function readManifest(dir: string): Promise<RunManifest> {
  return readJsonFile(join(dir, RUN_JSON), RunManifest);
}

export function manifestText(manifest: RunManifest): string {
  return jsonText(manifest, true);
}

export function writeManifest(dir: string, manifest: RunManifest): Promise<void> {
  return writeFileAtomic(join(dir, RUN_JSON), manifestText(manifest));
}

/**
 * assign-calibration.json (AssignCalibrationFile, shared/trends.ts): the thresholds `ticket-lens assign`
 * measured on the run's members, kept so the next assign reuses them (src/server/assign/calibrationCache.ts
 * decides when they still hold). Written under the run's lock, as the run's other files are updated.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ASSIGN_CALIBRATION_JSON, AssignCalibrationFile } from '../../shared/api';
import { writeFileAtomic } from '../data/atomic';
import { jsonText, readJsonFile } from './jsonFile';
import { withRunLock } from './lock';

/** null when the run has none; a file that does not parse or match the contract is a bad_input error. */
export async function readAssignCalibration(dir: string): Promise<AssignCalibrationFile | null> {
  const path = join(dir, ASSIGN_CALIBRATION_JSON);
  return existsSync(path) ? readJsonFile(path, AssignCalibrationFile) : null;
}

/** Takes the run's lock: not for code that already holds it. */
export function writeAssignCalibration(dir: string, file: AssignCalibrationFile): Promise<void> {
  return withRunLock(dir, () => writeFileAtomic(join(dir, ASSIGN_CALIBRATION_JSON), jsonText(file, true)));
}

/**
 * A run's assign calibration measured once and kept in its folder (assign-calibration.json,
 * run/assignCalibrationJson.ts): measuring it searches up to 20,000 members against all of them
 * (10.4 of 18.1 s assigning 1,000 tickets to a run of 100,000 in bench:store), while the thresholds
 * depend only on the run's members, the model that made their vectors, the adapter and the options.
 * Those are what the file records (the members as the sha256 of the assignments.csv they were read
 * from); an assign reuses it while they match and measures (and rewrites) it when they do not — after
 * an edit of the run (a merge or a move rewrites assignments.csv), with another build of the model, or
 * with other options. A run of stored tickets gets it when it is made (saveAssignFiles), with its
 * members (runMembers.ts), since new tickets are assigned to such runs after every ingest.
 */
import { ASSIGN_CALIBRATION_VERSION, ASSIGN_MEMBERS_VERSION, type AssignCalibration, type AssignCalibrationFile, type AssignMembersHeader } from '../../shared/api';
import type { Embedder } from '../embed/types';
import type { Logger } from '../log';
import { readAssignCalibration, writeAssignCalibration } from '../run/assignCalibrationJson';
import { withRunRead } from '../run/folder';
import { runNormalized } from '../text/normalize';
import { assignSettings, buildAssigner, calibrate, type AssignOptions, type Assigner, type Members } from './assigner';
import { assignmentsDigest, keepMembers, type RunMembers } from './runMembers';

/** Members with the assignments.csv they were read from (its sha256): what the calibration was measured on. */
export interface SourcedMembers extends Members {
  assignments: string;
}

/** The vectors' origin: the model's ONNX sha256 and the run's adapter (null: none). */
export interface MemberSpace {
  modelHash: string;
  adapter: string | null;
}

type Key = Omit<AssignCalibrationFile, 'calibration' | 'createdAt'>;

function keyOf(m: SourcedMembers, space: MemberSpace, options: AssignOptions): Key {
  const { k, m: top, quantile, calibrationSample } = assignSettings(options);
  return {
    version: ASSIGN_CALIBRATION_VERSION,
    model: { hash: space.modelHash, adapter: space.adapter },
    members: { count: m.paths.length, assignments: m.assignments },
    options: { k, m: top, quantile, calibrationSample },
  };
}

const sameKey = (a: Key, b: Key) => JSON.stringify([a.version, a.model, a.members, a.options]) === JSON.stringify([b.version, b.model, b.members, b.options]);

/** Keeps the calibration; a run folder that cannot be written costs the next assign a measurement, nothing more. */
async function save(runDir: string, key: Key, calibration: AssignCalibration, log: Logger): Promise<void> {
  try {
    await writeAssignCalibration(runDir, { ...key, calibration, createdAt: new Date().toISOString() });
  } catch (err) {
    log.warn(`${runDir}: the assign calibration was not kept (${(err as Error).message}); the next assign measures it again.`);
  }
}

/** The run's calibration from its folder when it was made for these members, model and options; null otherwise. */
async function stored(runDir: string, key: Key, log: Logger): Promise<AssignCalibration | null> {
  try {
    const file = await readAssignCalibration(runDir);
    return file && sameKey(file, key) ? file.calibration : null;
  } catch (err) {
    log.warn(`${(err as Error).message}; measuring the calibration again.`);
    return null;
  }
}

/**
 * The assigner of a run's members: its kept calibration when that still holds, else one measured now
 * and kept. `measured` says which (a test's and a log's observation point).
 */
async function runAssigner(runDir: string, members: SourcedMembers, space: MemberSpace, options: AssignOptions, log: Logger): Promise<Assigner & { measured: boolean }> {
  const key = keyOf(members, space, options);
  const kept = await stored(runDir, key, log);
  const assigner = await buildAssigner(members, options, kept ?? undefined);
  if (!kept) await save(runDir, key, assigner.calibration, log);
  return Object.assign(assigner, { measured: !kept });
}

/** runAssigner for members runMembers read, their vectors made by `e`. */
export function membersAssigner(members: RunMembers, e: Embedder, options: AssignOptions, log: Logger): Promise<Assigner & { measured: boolean }> {
  const adapter = members.run.manifest.params.adapterModel;
  return runAssigner(members.run.runDir, members, { modelHash: e.info.modelHash, adapter: typeof adapter === 'string' ? adapter : null }, options, log);
}

/**
 * A new run of stored tickets made ready for assigning (the pipeline calls it once the run is written):
 * its members kept (assign-members.bin) and its calibration measured and kept. The run is complete
 * without them: a failure or a cancel here is logged and left to the first assign.
 */
export async function saveAssignFiles(runDir: string, members: Members & { texts: readonly string[] }, space: MemberSpace, log: Logger, signal?: AbortSignal): Promise<void> {
  try {
    const { assignments, normalized } = await withRunRead(runDir, async (run) => ({ assignments: await assignmentsDigest(run.runDir), normalized: runNormalized(run.manifest.params) }));
    const header: Omit<AssignMembersHeader, 'vectors'> = { version: ASSIGN_MEMBERS_VERSION, assignments, model: { hash: space.modelHash, adapter: space.adapter }, normalized, dim: members.dim, texts: [...members.texts], paths: [...members.paths] };
    await keepMembers(runDir, header, members.vectors, log);
    const sourced = { ...members, assignments };
    await save(runDir, keyOf(sourced, space, {}), await calibrate(sourced, { signal }), log);
  } catch (err) {
    log.warn(`${runDir}: the run was not made ready for assigning (${(err as Error).message}); the first assign reads its members and measures its calibration.`);
  }
}

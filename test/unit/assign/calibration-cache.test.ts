/**
 * What assigning keeps in a run folder: the calibration (assign-calibration.json, assign/calibrationCache.ts)
 * — measured once, reused by the next assign with the same members, model and options (and giving the
 * same assignments as a fresh measurement), measured again when any of them changed or the file is
 * broken — and, for runs of stored tickets, the members with their vectors (assign-members.bin,
 * assign/runMembers.ts), used only while assignments.csv is unchanged and the file checks out. A run
 * of stored tickets has both as soon as it is made, so assigning from the store reads no member vector
 * from it and measures nothing. Real model, real run folders, a real embedded store.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ASSIGN_CALIBRATION_JSON, ASSIGN_MEMBERS_BIN, AssignCalibrationFile } from '../../../src/shared/api';
import { assignStore } from '../../../src/server/assign/assignStore';
import { buildAssigner, calibrate } from '../../../src/server/assign/assigner';
import { membersAssigner } from '../../../src/server/assign/calibrationCache';
import { assignmentsDigest, runMembers, type RunMembers } from '../../../src/server/assign/runMembers';
import { storedVectorsOf, storeRun } from '../../../src/server/assign/storeAssignments';
import { ClusterParams } from '../../../src/shared/cluster';
import { runClusterPipeline } from '../../../src/server/cluster/pipeline';
import { loadEmbedder, type Embedder } from '../../../src/server/embed';
import { silentLogger, type Logger } from '../../../src/server/log';
import { readAssignMembers, writeAssignMembers } from '../../../src/server/run/assignMembersBin';
import { readAssignments } from '../../../src/server/run/assignmentsCsv';
import { loadRun, updateRun } from '../../../src/server/run/folder';
import { openStore } from '../../../src/server/store';
import { modelDir } from '../../support/model';
import { isHeldOut, sampleRows, tempDir, writeRows } from './fixtures';

const dir = tempDir('calibration');
const rows = sampleRows().map((r, i) => ({ ...r, id: `T-${i}` }));
const fit = rows.filter((_, i) => !isHeldOut(i));
const held = rows.filter((_, i) => isHeldOut(i));
const fitCsv = writeRows(dir, 'fit.csv', fit);
const runDir = join(dir, 'run');
const fileOf = (run: string) => AssignCalibrationFile.parse(JSON.parse(readFileSync(join(run, ASSIGN_CALIBRATION_JSON), 'utf8')));

let embedder: Embedder;
beforeAll(async () => {
  embedder = await loadEmbedder({ modelDir: modelDir(), device: 'cpu', cacheDir: join(dir, 'cache') });
  await runClusterPipeline({ csvPath: fitCsv, textColumn: 'text', outDir: runDir, params: ClusterParams.parse({}) }, { embedder, log: silentLogger });
}, 300_000);
afterAll(() => embedder.dispose());

/** A logger that keeps its warnings. */
function keepWarnings(): { log: Logger; warnings: string[] } {
  const warnings: string[] = [];
  return { log: { ...silentLogger, warn: (m: string) => void warnings.push(m) }, warnings };
}

describe('the assign calibration kept in a run folder', () => {
  let members: RunMembers;
  let heldVectors: Float32Array;
  beforeAll(async () => {
    members = await runMembers(runDir, embedder);
    heldVectors = members.toRunSpace(await embedder.embed(held.map((r) => r.text)));
  });

  it('is measured by the first assign and kept; the next assign reuses it and assigns exactly as a fresh measurement does', async () => {
    const first = await membersAssigner(members, embedder, {}, silentLogger);
    expect(first.measured).toBe(true);
    const file = fileOf(runDir);
    expect(file.calibration).toEqual(await calibrate(members));
    expect(file.members.count).toBe(members.paths.length);
    expect(file.model).toEqual({ hash: embedder.info.modelHash, adapter: null });

    const second = await membersAssigner(await runMembers(runDir, embedder), embedder, {}, silentLogger);
    expect(second.measured).toBe(false);
    expect(fileOf(runDir).createdAt).toBe(file.createdAt); // not rewritten
    const fresh = await buildAssigner(members);
    expect(await second.assign(heldVectors, held.length)).toEqual(await fresh.assign(heldVectors, held.length));
  });

  it('is measured again, and rewritten, for other options', async () => {
    await membersAssigner(members, embedder, {}, silentLogger);
    const other = await membersAssigner(members, embedder, { quantile: 0.05 }, silentLogger);
    expect(other.measured).toBe(true);
    expect(fileOf(runDir).options.quantile).toBe(0.05);
    expect(other.calibration).toEqual(await calibrate(members, { quantile: 0.05 }));
    expect((await membersAssigner(members, embedder, {}, silentLogger)).measured).toBe(true);
  });

  it('is measured again when a member moved to another cluster since (the run was edited)', async () => {
    await membersAssigner(members, embedder, {}, silentLogger);
    const before = fileOf(runDir);
    const moved = join(dir, 'run-moved');
    await runClusterPipeline({ csvPath: fitCsv, textColumn: 'text', outDir: moved, params: ClusterParams.parse({}) }, { embedder, log: silentLogger });
    await membersAssigner(await runMembers(moved, embedder), embedder, {}, silentLogger);
    // One row of the run put into the first row's cluster, as a merge or a move would.
    await updateRun(moved, async (run) => {
      const a = await readAssignments(run.runDir);
      const to = a[0].cluster;
      const j = a.findIndex((r) => r.cluster !== to);
      return { assignments: a.map((r, i) => (i === j ? { ...r, cluster: to } : r)) };
    });
    const edited = await runMembers(moved, embedder);
    const again = await membersAssigner(edited, embedder, {}, silentLogger);
    expect(again.measured).toBe(true);
    expect(fileOf(moved).members.assignments).not.toBe(before.members.assignments);
    expect(again.calibration).toEqual(await calibrate(edited));
  });

  it('is measured again, with a warning, when the file is broken, and the file is mended', async () => {
    writeFileSync(join(runDir, ASSIGN_CALIBRATION_JSON), '{"version": 1, "calibr');
    const { log, warnings } = keepWarnings();
    const a = await membersAssigner(members, embedder, {}, log);
    expect(a.measured).toBe(true);
    expect(warnings.join('\n')).toMatch(/assign-calibration\.json is not valid JSON/);
    expect(fileOf(runDir).calibration).toEqual(a.calibration);
  });
});

describe('the members kept in a run folder (assign-members.bin)', () => {
  it('are written on request, read back as they were read, and used only while assignments.csv is unchanged', async () => {
    const kept = join(dir, 'run-kept');
    await runClusterPipeline({ csvPath: fitCsv, textColumn: 'text', outDir: kept, params: ClusterParams.parse({}) }, { embedder, log: silentLogger });
    const read = await runMembers(kept, embedder, { keep: true });
    const header = (await readAssignMembers(kept))!.header;
    expect(header.assignments).toBe(await assignmentsDigest(kept));
    const again = await runMembers(kept, embedder);
    expect({ texts: again.texts, paths: again.paths, vectors: Array.from(again.vectors) }).toEqual({ texts: read.texts, paths: read.paths, vectors: Array.from(read.vectors) });

    // Other vectors under the same header: what a read returns is the file's, not a fresh embedding.
    const marked = read.vectors.map((x) => -x);
    await writeAssignMembers(kept, { ...header }, marked);
    expect(Array.from((await runMembers(kept, embedder)).vectors)).toEqual(Array.from(marked));
    // Another model's vectors under the same assignments: not used, the members are read again.
    await writeAssignMembers(kept, { ...header, model: { hash: 'f'.repeat(64), adapter: null } }, marked);
    const other = await runMembers(kept, embedder);
    expect({ texts: other.texts, paths: other.paths, vectors: Array.from(other.vectors) }).toEqual({ texts: read.texts, paths: read.paths, vectors: Array.from(read.vectors) });
    // The run edited since: the file no longer stands for its members.
    await updateRun(kept, async (run) => {
      const a = await readAssignments(run.runDir);
      return { assignments: a.map((r, i) => (i === 0 ? { ...r, cluster: a.find((x) => x.cluster !== r.cluster)!.cluster } : r)) };
    });
    const edited = await runMembers(kept, embedder);
    expect(edited.assignments).not.toBe(header.assignments);
    expect(Array.from(edited.vectors)).toEqual(Array.from(read.vectors));
  });

  it('are not used, with a warning, when their vectors do not match their checksum', async () => {
    const kept = join(dir, 'run-kept');
    const read = await runMembers(kept, embedder, { keep: true });
    const path = join(kept, ASSIGN_MEMBERS_BIN);
    const bytes = readFileSync(path);
    bytes[bytes.length - 1] ^= 0xff;
    writeFileSync(path, bytes);
    const { log, warnings } = keepWarnings();
    const again = await runMembers(kept, embedder, { log });
    expect(warnings.join('\n')).toMatch(/assign-members\.bin is not a valid members file: its vectors do not match their checksum/);
    expect(Array.from(again.vectors)).toEqual(Array.from(read.vectors));
  });
});

describe('a run of stored tickets', () => {
  it('has its members and calibration kept when it is made, and assigning from the store reuses both', async () => {
    const store = await openStore({ dir: join(dir, 'store') });
    try {
      const options = { dataset: 'tickets', textColumn: 'text', idColumn: 'id' };
      await store.ingest(embedder, { ...options, csvPath: fitCsv });
      const stored = join(dir, 'run-stored');
      await runClusterPipeline(
        { csvPath: fitCsv, textColumn: 'text', outDir: stored, params: ClusterParams.parse({}), stored: { tickets: await store.vectors('tickets'), title: 'tickets', source: { dataset: 'tickets' } } },
        { embedder, log: silentLogger },
      );
      const made = fileOf(stored);
      const membersFile = join(stored, ASSIGN_MEMBERS_BIN);
      const membersWritten = statSync(membersFile).mtimeMs;
      const members = await runMembers(stored, embedder);
      expect(made.members).toEqual({ count: members.paths.length, assignments: await assignmentsDigest(stored) });
      expect(made.calibration).toEqual(await calibrate(members));
      // The kept vectors are the store's (a text stored twice may have two, from different ingest batches: cosine ≈ 1).
      const sr = await storeRun(store, await loadRun(stored), 'tickets', () => true);
      const fromStore = await storedVectorsOf(store.engine, sr, embedder.info.dim)(members.texts);
      const dim = embedder.info.dim;
      fromStore.forEach((v, i) => {
        let dot = 0;
        for (let d = 0; d < dim; d++) dot += v![d] * members.vectors[i * dim + d];
        expect(dot).toBeGreaterThan(0.999);
      });

      await store.ingest(embedder, { ...options, csvPath: writeRows(dir, 'all.csv', rows) });
      const r = await assignStore(store, { runDir: stored, dataset: 'tickets', since: null }, { embedder, log: silentLogger });
      expect(r.tickets).toBe(held.length);
      // Reused, neither read again nor measured and rewritten.
      expect(fileOf(stored).createdAt).toBe(made.createdAt);
      expect(statSync(membersFile).mtimeMs).toBe(membersWritten);
      expect(r.calibration).toEqual(made.calibration);
    } finally {
      await store.close();
    }
  });
});

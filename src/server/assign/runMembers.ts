/**
 * A run's members in the run's own embedding space: its unique texts (assignments.csv, so merges made
 * since the run are what counts) with the path each was given, their vectors from the embedding
 * cache (the run embedded them, so these are cache hits on the machine that made it) or from the
 * ticket store, mapped through the run's adapter when it was clustered in one (adapterSpace.ts).
 * The embedder must make the run's vectors: checked as /runs/predict checks it (embed/identity.ts).
 *
 * A run of stored tickets keeps them in its folder (assign-members.bin, run/assignMembersBin.ts):
 * for 92,000 members, parsing assignments.csv and fetching their vectors from PGlite took ~5 s of an
 * assign, reading the file ~0.3 s. It is used while assignments.csv is the file it was read from
 * (same sha256) and the model, adapter and normalisation are the same.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ASSIGN_MEMBERS_VERSION, TicketLensError, type AssignMembersHeader, type LoadedRun } from '../../shared/api';
import { adapterSpace, type VectorMap } from '../cluster/adapterSpace';
import { clipText } from '../data/clipText';
import { compareEmbedding } from '../embed/identity';
import type { Embedder } from '../embed/types';
import type { Logger } from '../log';
import { readAssignMembers, writeAssignMembers, type AssignMembers } from '../run/assignMembersBin';
import { ASSIGNMENTS_CSV, readAssignments } from '../run/assignmentsCsv';
import { embedderText, runNormalized } from '../text/normalize';
import { withRunRead } from '../run/folder';
import type { Members } from './assigner';

export interface RunMembers extends Members {
  run: LoadedRun;
  /** sha256 of the assignments.csv they were read from: which members these are. */
  assignments: string;
  texts: string[];
  /** Raw embeddings → the run's space (identity without an adapter). */
  toRunSpace: VectorMap;
}

/** Vectors some texts already have (the store's), index-aligned; null where there is none. */
export type KnownVectors = (texts: readonly string[]) => Promise<(Float32Array | null)[]>;

export interface MemberOptions {
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  known?: KnownVectors;
  /** Keep the members in the run folder for the next assign (assign-members.bin): runs of stored tickets. */
  keep?: boolean;
  /** Where a members file that cannot be used or kept is reported. */
  log?: Logger;
}

/** Refuses an embedder whose vectors cannot be compared with the run's. */
export async function assertRunEmbedding(run: LoadedRun, e: Embedder): Promise<void> {
  const made = run.manifest.model;
  const match = await compareEmbedding({ hashes: [made.hash], dim: e.info.dim, fingerprint: made.fingerprint }, e);
  if (!match.same) {
    throw new TicketLensError(
      'bad_input',
      `${run.runDir} was made with another embedding model (${made.id}, ONNX sha256 ${made.hash.slice(0, 12)}…; this one is ${e.info.modelId}, ${e.info.modelHash.slice(0, 12)}…): ${match.evidence}; re-cluster the file to compare tickets with it.`,
    );
  }
}

/** Embeds texts (cut as requests are), taking what `known` has and embedding the rest. */
export async function embedTexts(e: Embedder, texts: readonly string[], opts: MemberOptions = {}): Promise<Float32Array> {
  const dim = e.info.dim;
  const out = new Float32Array(texts.length * dim);
  const have = opts.known ? await opts.known(texts) : texts.map(() => null);
  const missing: number[] = [];
  have.forEach((v, i) => (v ? out.set(v, i * dim) : missing.push(i)));
  if (missing.length > 0) {
    const v = await e.embed(
      missing.map((i) => clipText(texts[i])),
      { signal: opts.signal, onProgress: opts.onProgress },
    );
    missing.forEach((i, j) => out.set(v.subarray(j * dim, (j + 1) * dim), i * dim));
  }
  return out;
}

/** sha256 of the run's assignments.csv: what its members were read from. */
export async function assignmentsDigest(runDir: string): Promise<string> {
  return createHash('sha256').update(await readFile(join(runDir, ASSIGNMENTS_CSV))).digest('hex');
}

/** What assign-members.bin must say to stand for the run's members now. */
type MembersKey = Omit<AssignMembersHeader, 'texts' | 'paths' | 'vectors'>;

const sameKey = (h: AssignMembersHeader, k: MembersKey) => h.version === k.version && h.assignments === k.assignments && h.model.hash === k.model.hash && h.model.adapter === k.model.adapter && h.normalized === k.normalized && h.dim === k.dim;

/** The run's members file, or null (with a warning when it is there but cannot be read). */
async function keptMembers(runDir: string, log?: Logger): Promise<AssignMembers | null> {
  try {
    return await readAssignMembers(runDir);
  } catch (err) {
    log?.warn(`${(err as Error).message}; reading the run's members again.`);
    return null;
  }
}

/** The key of the run's members now: its assignments.csv (sha256), the embedder's model, the run's adapter and normalisation. */
async function membersKey(run: LoadedRun, e: Embedder): Promise<MembersKey> {
  const adapter = run.manifest.params.adapterModel;
  return {
    version: ASSIGN_MEMBERS_VERSION,
    assignments: await assignmentsDigest(run.runDir),
    model: { hash: e.info.modelHash, adapter: typeof adapter === 'string' ? adapter : null },
    normalized: runNormalized(run.manifest.params),
    dim: e.info.dim,
  };
}

export async function runMembers(runDir: string, e: Embedder, opts: MemberOptions = {}): Promise<RunMembers> {
  const read = await withRunRead(runDir, async (r) => {
    const key = await membersKey(r, e);
    const kept = await keptMembers(r.runDir, opts.log);
    if (kept && sameKey(kept.header, key)) return { run: r, key, kept, rows: [] };
    return { run: r, key, kept: null, rows: await readAssignments(r.runDir) };
  });
  const { run, key, rows } = read;
  await assertRunEmbedding(run, e);
  const { normalized } = key;
  const toRunSpace: VectorMap = key.model.adapter !== null ? (await adapterSpace(key.model.adapter, e)).map : (v) => v;
  if (read.kept) {
    const { texts, paths } = read.kept.header;
    return { run, assignments: key.assignments, texts, paths, dim: e.info.dim, vectors: read.kept.vectors, toRunSpace };
  }
  // Identical texts (after normalisation, when the run was made with it) were clustered once, so they
  // share a path; the first row's stands for all. The store's vectors are of original texts: not for a normalised run.
  const index = new Map<string, number>();
  const texts: string[] = [];
  const paths: string[] = [];
  for (const r of rows) {
    const text = embedderText(r.text, normalized);
    if (index.has(text)) continue;
    index.set(text, texts.length);
    texts.push(text);
    paths.push(r.cluster);
  }
  const vectors = toRunSpace(await embedTexts(e, texts, normalized ? { ...opts, known: undefined } : opts));
  if (opts.keep) await keepMembers(run.runDir, { ...key, texts, paths }, vectors, opts.log);
  return { run, assignments: key.assignments, texts, paths, dim: e.info.dim, vectors, toRunSpace };
}

/** Writes assign-members.bin; a run folder that cannot be written costs the next assign a read of the members, nothing more. */
export async function keepMembers(runDir: string, header: Omit<AssignMembersHeader, 'vectors'>, vectors: Float32Array, log?: Logger): Promise<void> {
  try {
    await writeAssignMembers(runDir, header, vectors);
  } catch (err) {
    log?.warn(`${runDir}: the run's members were not kept (${(err as Error).message}); the next assign reads them again.`);
  }
}

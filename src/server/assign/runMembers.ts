/**
 * A run's members in the run's own embedding space: its unique texts (assignments.csv, so merges made
 * since the run are what counts) with the path each was given, their vectors from the embedding
 * cache (the run embedded them, so these are cache hits on the machine that made it) or from the
 * ticket store, mapped through the run's adapter when it was clustered in one (adapterSpace.ts).
 * The embedder must make the run's vectors: checked as /runs/predict checks it (embed/identity.ts).
 */
import { TicketLensError, type LoadedRun } from '../../shared/api';
import { adapterSpace, type VectorMap } from '../cluster/adapterSpace';
import { clipText } from '../data/clipText';
import { compareEmbedding } from '../embed/identity';
import type { Embedder } from '../embed/types';
import { readAssignments } from '../run/assignmentsCsv';
import { withRunRead } from '../run/folder';
import type { Members } from './assigner';

export interface RunMembers extends Members {
  run: LoadedRun;
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

export async function runMembers(runDir: string, e: Embedder, opts: MemberOptions = {}): Promise<RunMembers> {
  const { run, rows } = await withRunRead(runDir, async (r) => ({ run: r, rows: await readAssignments(r.runDir) }));
  await assertRunEmbedding(run, e);
  // Identical texts were clustered once, so they share a path; the first row's stands for all.
  const index = new Map<string, number>();
  const texts: string[] = [];
  const paths: string[] = [];
  for (const r of rows) {
    if (index.has(r.text)) continue;
    index.set(r.text, texts.length);
    texts.push(r.text);
    paths.push(r.cluster);
  }
  const adapter = run.manifest.params.adapterModel;
  const toRunSpace: VectorMap = typeof adapter === 'string' ? (await adapterSpace(adapter, e)).map : (v) => v;
  const vectors = toRunSpace(await embedTexts(e, texts, opts));
  return { run, texts, paths, dim: e.info.dim, vectors, toRunSpace };
}

/**
 * Which rows to tag. A few hundred tags teach a classifier most when they cover every kind of ticket,
 * and the first rows of a file are rarely that (exports come sorted by date, queue or category). So
 * with a run of the CSV the sample is stratified over its clusters — every cluster gets a row when
 * the sample is at least as large as the number of clusters, the rest goes in proportion to size —
 * and without one it is a seeded random sample. Seeded either way, so a rerun picks the same rows
 * (and resumes them) and a larger sample mostly keeps the smaller one's rows.
 */
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { isAncestorOrSelf, TicketLensError } from '../../shared/api';
import type { TagSampleInfo } from '../../shared/tag';
import { shuffleInPlace } from '../classify/split';
import { readAssignments } from '../run/assignmentsCsv';
import { readManifest } from '../run/runJson';
import { Prng } from '../vectors/prng';

export interface SampleRequest {
  /** The CSV's data rows (1-based row numbers) that have text. */
  rows: readonly number[];
  /** The sample size; ignored with `all`. */
  size: number;
  all: boolean;
  seed: number;
  /** Row → cluster path, from a run of this CSV; null without a run. */
  clusterOf: ReadonlyMap<number, string> | null;
  runDir: string | null;
  /** Only rows in these clusters (or their sub-clusters). */
  clusters: readonly string[] | null;
}

export interface Sample {
  /** Chosen rows, ascending. */
  rows: number[];
  info: TagSampleInfo;
}

/**
 * How many rows each stratum gets: one each first (the largest strata first when there are more
 * strata than rows, ties in seeded order), then the rest in proportion to what each has left, by
 * largest remainder.
 */
export function allocate(sizes: readonly number[], total: number, rng: Prng): number[] {
  const take = sizes.map(() => 0);
  const order = sizes.map((_, i) => i);
  shuffleInPlace(order, rng);
  order.sort((a, b) => sizes[b] - sizes[a]);
  let left = Math.min(total, sizes.reduce((s, n) => s + n, 0));
  for (const i of order) {
    if (left === 0) break;
    if (sizes[i] > 0) {
      take[i] = 1;
      left--;
    }
  }
  if (left === 0) return take;
  const room = sizes.map((n, i) => n - take[i]);
  const roomTotal = room.reduce((s, n) => s + n, 0);
  const exact = room.map((r) => (r * left) / roomTotal);
  for (const [i, x] of exact.entries()) take[i] += Math.floor(x);
  let rest = left - exact.reduce((s, x) => s + Math.floor(x), 0);
  const byRemainder = order.slice().sort((a, b) => exact[b] - Math.floor(exact[b]) - (exact[a] - Math.floor(exact[a])));
  for (const i of byRemainder) {
    if (rest === 0) break;
    if (take[i] < sizes[i]) {
      take[i]++;
      rest--;
    }
  }
  return take;
}

export function chooseRows(req: SampleRequest): Sample {
  const rng = new Prng(req.seed);
  let pool = [...req.rows];
  if (req.clusters) {
    const wanted = req.clusters;
    const clusterOf = req.clusterOf;
    if (!clusterOf) throw new TicketLensError('bad_input', 'Tagging the rows of chosen clusters needs a run of this CSV.');
    pool = pool.filter((r) => {
      const c = clusterOf.get(r);
      return c !== undefined && wanted.some((w) => isAncestorOrSelf(w, c));
    });
    if (pool.length === 0) throw new TicketLensError('bad_input', `No rows of the CSV are in the cluster${wanted.length > 1 ? 's' : ''} ${wanted.join(', ')}.`);
  }
  if (req.all || req.size >= pool.length) {
    return { rows: pool.sort((a, b) => a - b), info: { method: 'all', runDir: null, perCluster: null } };
  }
  if (!req.clusterOf) {
    shuffleInPlace(pool, rng);
    return { rows: pool.slice(0, req.size).sort((a, b) => a - b), info: { method: 'random', runDir: null, perCluster: null } };
  }
  const strata = new Map<string, number[]>();
  for (const r of pool) {
    const c = req.clusterOf.get(r) ?? 'unassigned';
    const list = strata.get(c);
    if (list) list.push(r);
    else strata.set(c, [r]);
  }
  const names = [...strata.keys()].sort();
  const take = allocate(
    names.map((n) => strata.get(n)!.length),
    req.size,
    rng,
  );
  const rows: number[] = [];
  const perCluster: Record<string, number> = {};
  names.forEach((n, i) => {
    if (take[i] === 0) return;
    const members = strata.get(n)!;
    shuffleInPlace(members, rng);
    rows.push(...members.slice(0, take[i]));
    perCluster[n] = take[i];
  });
  return { rows: rows.sort((a, b) => a - b), info: { method: 'stratified', runDir: req.runDir, perCluster } };
}

/** Row → cluster path from a run's assignments.csv. */
export async function clustersOfRun(runDir: string): Promise<Map<number, string>> {
  return new Map((await readAssignments(runDir)).map((a) => [a.row, a.cluster]));
}

/**
 * The newest run in `<workspace>/.ticket-lens/runs/` made from this very file (the same path and the
 * same SHA-256, so its row numbers are this file's), or null.
 */
export async function latestRunOf(csvPath: string, csvSha256: string, workspace: string): Promise<string | null> {
  const runsDir = join(resolve(workspace), '.ticket-lens', 'runs');
  let names: string[];
  try {
    names = await readdir(runsDir);
  } catch {
    return null;
  }
  let best: { dir: string; at: string } | null = null;
  for (const name of names) {
    if (name.startsWith('.')) continue;
    const dir = join(runsDir, name);
    const m = await readManifest(dir).catch(() => null);
    if (!m || resolve(m.input.path) !== resolve(csvPath) || m.input.sha256 !== csvSha256) continue;
    if (!best || m.createdAt > best.at) best = { dir, at: m.createdAt };
  }
  return best?.dir ?? null;
}

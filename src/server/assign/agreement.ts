/**
 * How often assigning agrees with a full re-run (issue 13's target, ≥ 90 % on Bitext held-out rows).
 * A run is made on the rows minus a held-out set, the held-out rows are assigned to it, and the whole
 * pipeline is run again on all rows. Cluster numbers differ between two runs, so each cluster of the
 * first is mapped to the re-run's cluster holding most of its rows (counted on the rows both runs
 * clustered); noise is never mapped by overlap: the first run's noise, and a ticket assigned `noise`
 * or `new`, correspond to the re-run's top-level noise and only to it. A held-out row agrees when its
 * assigned cluster maps to its re-run cluster (or both are noise). The same map applied to the common
 * rows says how far the two runs agree with each other at all: the ceiling assigning is measured under.
 */
import { isTopLevelNoise, pathAtDepth } from '../../shared/api';

export interface AgreementInput {
  /** Per held-out row: the assigned path (`root.noise` for noise), or null for new / unassigned. */
  assigned: readonly (string | null)[];
  /** Per held-out row: its path in the re-run. */
  rerun: readonly string[];
  /** Rows both runs clustered: their path in the first run and in the re-run, index-aligned. */
  common: { fit: readonly string[]; rerun: readonly string[] };
  /** Compare paths cut to this depth (1: top-level clusters). */
  depth: number;
}

export interface Agreement {
  depth: number;
  heldOut: number;
  /** Share of held-out rows whose assignment maps to their re-run cluster (noise with noise). */
  agreement: number;
  /** The same map on the common rows: how far the first run and the re-run agree with each other. */
  runsAgreement: number;
  /** Held-out rows by outcome. */
  counts: { sameCluster: number; bothNoise: number; otherCluster: number; assignedButRerunNoise: number; noiseButRerunCluster: number };
  /** The common rows by the same outcomes (the first run's path in place of the assignment). */
  commonCounts: Agreement['counts'];
}

const NOISE = 'noise';
const place = (path: string | null, depth: number) => (path === null || isTopLevelNoise(path) ? NOISE : pathAtDepth(path, depth));

/** Each first-run cluster → the re-run cluster holding most of its common rows outside the re-run's noise (ties: the path that sorts first). */
export function clusterMap(fit: readonly string[], rerun: readonly string[], depth: number): Map<string, string> {
  const overlap = new Map<string, Map<string, number>>();
  fit.forEach((p, i) => {
    const a = place(p, depth);
    if (a === NOISE) return;
    let m = overlap.get(a);
    if (!m) overlap.set(a, (m = new Map<string, number>()));
    const b = place(rerun[i], depth);
    if (b !== NOISE) m.set(b, (m.get(b) ?? 0) + 1);
  });
  const map = new Map<string, string>([[NOISE, NOISE]]);
  for (const [a, m] of overlap) {
    const [best] = [...m].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1));
    if (best) map.set(a, best[0]);
  }
  return map;
}

type Counts = Agreement['counts'];

function tally(assigned: readonly (string | null)[], rerun: readonly string[], depth: number, map: ReadonlyMap<string, string>, back: ReadonlyMap<string, string> | null): Counts {
  const counts: Counts = { sameCluster: 0, bothNoise: 0, otherCluster: 0, assignedButRerunNoise: 0, noiseButRerunCluster: 0 };
  assigned.forEach((p, i) => {
    const a = place(p, depth);
    const r = place(rerun[i], depth);
    if (a === NOISE) counts[r === NOISE ? 'bothNoise' : 'noiseButRerunCluster']++;
    else if (r === NOISE) counts.assignedButRerunNoise++;
    else counts[map.get(a) === r || back?.get(r) === a ? 'sameCluster' : 'otherCluster']++;
  });
  return counts;
}

const share = (c: Counts, n: number) => (n ? (c.sameCluster + c.bothNoise) / n : Number.NaN);

/**
 * `eitherWay`: a cluster of the first run also matches each re-run cluster whose majority lies in it,
 * so a cluster the re-run split in two matches both halves (the forward map alone matches one).
 */
export function agreement(input: AgreementInput, eitherWay = false): Agreement {
  const { depth } = input;
  const map = clusterMap(input.common.fit, input.common.rerun, depth);
  const back = eitherWay ? clusterMap(input.common.rerun, input.common.fit, depth) : null;
  const counts = tally(input.assigned, input.rerun, depth, map, back);
  const common = tally(input.common.fit, input.common.rerun, depth, map, back);
  return { depth, heldOut: input.assigned.length, agreement: share(counts, input.assigned.length), runsAgreement: share(common, input.common.fit.length), counts, commonCounts: common };
}

/**
 * Cluster paths, the one name of a cluster everywhere (code, API, UI): `root.0`, `root.0.1`, and
 * `<parent>.noise` for the rows a level left unclustered. Every runtime parses them through here.
 */
export const ROOT = 'root';
export const NOISE = 'noise';

/** The path's segments after `root` (`root.0.1` → ['0', '1']). */
export function pathSegments(path: string): string[] {
  return path.split('.').slice(1);
}

/** Depth of a path: `root.0` is 1, `root.0.1` is 2. */
export function pathDepth(path: string): number {
  return path.split('.').length - 1;
}

/** The path cut to `depth` levels (`root.0.1`, 1 → `root.0`); a shorter path is returned as it is. */
export function pathAtDepth(path: string, depth: number): string {
  return path.split('.').slice(0, depth + 1).join('.');
}

/** The top-level cluster a path belongs to (`root.3.1` → `root.3`; `root.noise` → `root.noise`). */
export function topLevelPath(path: string): string {
  return pathAtDepth(path, 1);
}

/** The parent path, or null for a top-level cluster (`root.3.1` → `root.3`, `root.3` → null). */
export function parentPath(path: string): string | null {
  const parts = path.split('.');
  return parts.length > 2 ? parts.slice(0, -1).join('.') : null;
}

/** `root.0.noise` and `root.noise`: the unclustered rows of a level. */
export function isNoisePath(path: string): boolean {
  return path.split('.').at(-1) === NOISE;
}

/** Whether a row's path lies in the top-level noise (noise at the first level). */
export function isTopLevelNoise(path: string): boolean {
  return path.split('.')[1] === NOISE;
}

/** The top-level cluster's number (`root.3.1` → 3), or null for top-level noise. */
export function topLevelNumber(path: string): number | null {
  const n = Number(path.split('.')[1]);
  return Number.isInteger(n) ? n : null;
}

/** Child path of `parent` for cluster label `label` (HDBSCAN's −1 is noise). */
export function childPath(parent: string, label: number): string {
  return `${parent}.${label >= 0 ? String(label) : NOISE}`;
}

/** The path and its ancestors, deepest first: `root.3.1` → `root.3.1`, `root.3`. */
export function ancestorPaths(path: string): string[] {
  const parts = path.split('.');
  const out: string[] = [];
  for (let i = parts.length; i >= 2; i--) out.push(parts.slice(0, i).join('.'));
  return out;
}

/** `a` is `b` or one of its ancestors. */
export function isAncestorOrSelf(a: string, b: string): boolean {
  return a === b || b.startsWith(`${a}.`);
}

/** Orders paths as a tree walk: parents before children, siblings by number, noise last. */
export function comparePaths(a: string, b: string): number {
  const pa = a.split('.');
  const pb = b.split('.');
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    if (pa[i] === pb[i]) continue;
    if (pa[i] === NOISE) return 1;
    if (pb[i] === NOISE) return -1;
    const na = Number(pa[i]);
    const nb = Number(pb[i]);
    return Number.isFinite(na) && Number.isFinite(nb) ? na - nb : pa[i].localeCompare(pb[i]);
  }
  return pa.length - pb.length;
}

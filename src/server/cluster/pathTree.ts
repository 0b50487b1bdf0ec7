/**
 * The tree the leaf paths imply: every cluster path with its members (a text counts in its leaf and
 * in every ancestor), and the sibling sets whose keywords are chosen against each other.
 */
import { ancestorPaths, parentPath } from '../../shared/api';

/** Members (unique-text indices) of every path, paths in first-seen order, parents before children. */
export function membersByPath(leafOf: readonly string[]): Map<string, number[]> {
  const byPath = new Map<string, number[]>();
  leafOf.forEach((leaf, u) => {
    for (const p of ancestorPaths(leaf).reverse()) {
      let list = byPath.get(p);
      if (!list) byPath.set(p, (list = []));
      list.push(u);
    }
  });
  return byPath;
}

/** Paths grouped by parent (null for the top level). */
export function siblingSets(paths: Iterable<string>): Map<string | null, string[]> {
  const siblings = new Map<string | null, string[]>();
  for (const p of paths) {
    const parent = parentPath(p);
    let list = siblings.get(parent);
    if (!list) siblings.set(parent, (list = []));
    list.push(p);
  }
  return siblings;
}

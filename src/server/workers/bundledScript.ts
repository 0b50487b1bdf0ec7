/**
 * Where a worker thread's bundled entry is: beside the bundle running this code (dist/cli.js,
 * dist/bench.js). From sources (tests) there is none — and a dist/ from an older build must not be
 * picked up — so callers then run the same work inline, with the same results. Looked up once per name.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const found = new Map<string, string | null>();

/** The path of dist/<name> next to this bundle, or null when running from sources. */
export function bundledScript(name: string): string | null {
  let path = found.get(name);
  if (path === undefined) {
    const candidate = join(__dirname, name);
    path = existsSync(candidate) ? candidate : null;
    found.set(name, path);
  }
  return path;
}

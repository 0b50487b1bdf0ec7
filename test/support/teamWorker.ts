import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as esbuild from 'esbuild';

let built: Promise<string> | undefined;

/**
 * The ThreadTeam helpers' bundle (dist/team-worker.js in the server), built once per test file into a
 * temp folder: from sources there is no bundle, so the code under test would otherwise run on one thread.
 */
export function teamWorkerScript(): Promise<string> {
  built ??= (async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'tl-team-')), 'team-worker.js');
    await esbuild.build({ entryPoints: [resolve(__dirname, '../../src/server/workers/teamWorker.ts')], outfile: out, bundle: true, platform: 'node', format: 'cjs', logLevel: 'warning' });
    return out;
  })();
  return built;
}

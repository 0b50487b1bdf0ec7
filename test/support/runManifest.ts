/** A minimal, valid run.json for tests that build a run by hand: fixed dates and hashes, no parameters, not labelled. */
import { RUN_FORMAT_VERSION, type RunManifest } from '../../src/shared/api';

export function runManifest(id: string, input: { path: string; rows: number }): RunManifest {
  return {
    version: RUN_FORMAT_VERSION,
    id,
    createdAt: '2025-01-01T00:00:00.000Z',
    input: { path: input.path, sha256: 'ab'.repeat(32), rows: input.rows, textColumn: 'text', labelColumn: null },
    model: { id: 'm', hash: 'cd'.repeat(32) },
    params: {},
    timings: {},
    labelling: { state: 'none', model: null, usage: null },
  };
}

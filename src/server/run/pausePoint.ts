/**
 * A test hook, inert unless TICKET_LENS_TEST_PAUSE_AT is set: the fault suite (test/unit/faults/)
 * starts the server with TICKET_LENS_TEST_PAUSE_AT=<point>, and the server, on reaching that point,
 * prints `TICKET_LENS_TEST_PAUSED <point>` on stderr and waits forever, so the test can kill -9 it in
 * exactly that window instead of hoping to hit it. The points:
 *   run-write   a new run folder half-built (run.json and clusters.json written, the rest not)
 *   run-stage   a run update's new files written under temporary names, not yet committed
 *   run-commit  a run update committed and its first file renamed into place, the others not yet
 *   export      an exported CSV written under its temporary name, not yet renamed
 */
export type PausePoint = 'run-write' | 'run-stage' | 'run-commit' | 'export';

export function pauseAt(point: PausePoint): Promise<void> {
  if (process.env.TICKET_LENS_TEST_PAUSE_AT !== point) return Promise.resolve();
  process.stderr.write(`TICKET_LENS_TEST_PAUSED ${point}\n`);
  return new Promise<void>(() => undefined);
}

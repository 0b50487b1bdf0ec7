/**
 * What Add to Ticket Store says when its job ends, without the editor (so it is tested as plain text):
 * what was ingested, where the new tickets went and in which run, and which actions make sense — the
 * trends need dated tickets, and both actions need a run.
 */
import type { StoreIngestResult } from '../../shared/api';

export const SHOW_TRENDS = 'Show Trends';
export const OPEN_RUN = 'Open Run';

export interface AddToStoreNotice {
  text: string;
  /** warning: stored, but the run could not take the tickets. */
  severity: 'info' | 'warning';
  /** The run the actions open, or null (no actions). */
  runDir: string | null;
  actions: (typeof SHOW_TRENDS | typeof OPEN_RUN)[];
}

const n = (x: number) => x.toLocaleString('en-US');

export function addToStoreNotice(r: StoreIngestResult): AddToStoreNotice {
  const stored = `Ticket Lens: dataset "${r.dataset}": ${n(r.new)} new, ${n(r.updated)} updated, ${n(r.unchanged)} unchanged, ${n(r.skipped)} skipped; ${n(r.embedded)} embedded; ${n(r.total)} tickets stored.`;
  const a = r.assignment;
  // Trends count dated tickets: offered when the rows read were dated.
  const actions: AddToStoreNotice['actions'] = r.dates !== null ? [SHOW_TRENDS, OPEN_RUN] : [OPEN_RUN];
  switch (a.status) {
    case 'assigned': {
      const without = a.withoutVector ? ` (${n(a.withoutVector)} without a vector yet, left for later)` : '';
      const text = `${stored} Assigned ${n(a.tickets)} to run ${a.runId}: ${n(a.assigned)} into clusters, ${n(a.noise)} with its noise, ${n(a.new)} new / unassigned${without}.`;
      return { text, severity: 'info', runDir: a.runDir, actions };
    }
    case 'failed':
      return { text: `${stored} Not assigned to ${a.runDir}: ${a.message}`, severity: 'warning', runDir: null, actions: [] };
    case 'skipped':
      if (a.reason === 'off') return { text: stored, severity: 'info', runDir: null, actions: [] };
      if (a.reason === 'nothing-new' && a.runDir !== null) {
        return { text: `${stored} Nothing new to assign to run ${basename(a.runDir)}: it has every stored ticket already.`, severity: 'info', runDir: a.runDir, actions };
      }
      return { text: `${stored} No run made from this dataset yet, so no ticket was assigned (ticket-lens cluster --store --dataset ${r.dataset}).`, severity: 'info', runDir: null, actions: [] };
  }
}

/** A folder's last name, in POSIX or Windows form (the server may run on either). */
function basename(dir: string): string {
  return dir.split(/[\\/]/).filter(Boolean).pop() ?? dir;
}

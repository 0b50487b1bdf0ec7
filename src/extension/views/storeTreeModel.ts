/**
 * What the Ticket Store view shows, without the editor: the store's datasets (name, tickets, date
 * range, last ingest, and how many new tickets went to the run they are assigned to), each opening onto
 * its details (tickets and vectors, dates, last ingest, source file and columns, model, the run and
 * where the tickets since it went); or one line saying why the store cannot be read. No datasets: no nodes,
 * so the view's welcome content shows. storeTree.ts turns these plain items into VS Code tree items.
 */
import * as path from 'node:path';
import type { DatasetInfo, DatasetRun, StoreDatasets } from '../../shared/api';

/** What the view last learned: a listing (null: no embedded store made yet), or why there is none. */
export type StoreState = { ok: true; listing: StoreDatasets | null } | { ok: false; message: string };

/** A listed dataset; `run` absent or null: no run made from it (or a server that does not say). */
export type ListedDataset = DatasetInfo & { run?: DatasetRun | null };

export type StoreNode =
  | { kind: 'dataset'; store: string; dataset: ListedDataset }
  | { kind: 'detail'; dataset: string; label: string; value: string; tooltip: string; icon: string }
  | { kind: 'problem'; message: string };

/** Menus in package.json match these (`viewItem == dataset`). */
export type StoreContextValue = 'dataset' | 'detail' | 'problem';

export interface StoreItemModel {
  label: string;
  collapsible: 'none' | 'collapsed';
  description: string;
  tooltip: string;
  contextValue: StoreContextValue;
  /** A codicon name. */
  icon: string;
  /** Stable across refreshes, so the tree keeps what is expanded. */
  id?: string;
}

const n = (x: number) => x.toLocaleString('en-US');
/** ISO → `YYYY-MM-DD` (UTC), as the dates were read. */
const day = (iso: string) => iso.slice(0, 10);
/** ISO → `YYYY-MM-DD HH:MM UTC`. */
const minute = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;

export function dateRange(d: DatasetInfo): string {
  if (!d.dates) return d.dateColumn ? 'no dated tickets' : 'undated';
  const first = day(d.dates.first);
  const last = day(d.dates.last);
  return first === last ? first : `${first} → ${last}`;
}

/** The run's share of the tickets since it was made, for the dataset's line. */
function placed(r: DatasetRun): string {
  const done = r.assigned + r.noise + r.new;
  return `${n(done)} assigned to ${r.runId}${r.pending ? `, ${n(r.pending)} pending` : ''}`;
}

function tickets(d: DatasetInfo): string {
  return d.embedded === d.tickets ? `${n(d.tickets)} tickets` : `${n(d.tickets)} tickets (${n(d.embedded)} with vectors)`;
}

export function storeRootNodes(state: StoreState): StoreNode[] {
  if (!state.ok) return [{ kind: 'problem', message: state.message }];
  if (!state.listing) return [];
  const store = state.listing.store;
  return [...state.listing.datasets].sort((a, b) => a.name.localeCompare(b.name)).map((dataset) => ({ kind: 'dataset', store, dataset }));
}

export function storeChildNodes(node: StoreNode): StoreNode[] {
  if (node.kind !== 'dataset') return [];
  const d = node.dataset;
  const detail = (label: string, value: string, icon: string, tooltip = value): StoreNode => ({ kind: 'detail', dataset: d.name, label, value, tooltip, icon });
  const columns = [`text: ${d.textColumn}`, `id: ${d.idColumn ?? 'none (row and text hash)'}`, `date: ${d.dateColumn ?? 'none'}`].join(' · ');
  return [
    detail('Tickets', d.embedded === d.tickets ? `${n(d.tickets)}, all with vectors` : `${n(d.tickets)}, ${n(d.embedded)} with vectors`, 'note'),
    detail('Dates', dateRange(d), 'calendar', d.dates ? `${d.dates.first} → ${d.dates.last} (${d.dateColumn})` : dateRange(d)),
    detail('Last ingest', d.lastIngestAt ? minute(d.lastIngestAt) : 'none finished yet', 'history', d.lastIngestAt ?? 'An ingest of this dataset has not finished yet; running it again resumes it.'),
    detail('Source', path.basename(d.sourcePath), 'file', `${d.sourcePath}\n${columns}`),
    detail('Columns', columns, 'symbol-field'),
    detail('Model', d.model?.id ?? 'none yet', 'symbol-misc', d.model ? `${d.model.id}\nONNX sha256 ${d.model.hash}` : 'No vector stored yet.'),
    ...(d.run ? runDetails(d.run, detail) : []),
  ];
}

/** The run new tickets go to, and where the ones since it was made went. */
function runDetails(r: DatasetRun, detail: (label: string, value: string, icon: string, tooltip?: string) => StoreNode): StoreNode[] {
  const since = `${n(r.assigned)} in clusters · ${n(r.noise)} noise · ${n(r.new)} new${r.pending ? ` · ${n(r.pending)} not assigned yet` : ''}`;
  return [
    detail('Run', `${r.runId} (made ${minute(r.createdAt)})`, 'graph-scatter', `New tickets are assigned to this run after each ingest.\n${r.runDir}`),
    detail(
      'Since the run',
      since,
      'pulse',
      `Tickets ingested since ${minute(r.createdAt)}: ${n(r.assigned)} assigned to a cluster, ${n(r.noise)} with the run's noise, ${n(r.new)} new / unassigned (far from every cluster)` +
        (r.pending ? `; ${n(r.pending)} not assigned yet (the next ingest assigns them, or ticket-lens assign RUN --store).` : '.'),
    ),
  ];
}

export function storeTreeItem(node: StoreNode): StoreItemModel {
  if (node.kind === 'dataset') {
    const d = node.dataset;
    const ingested = d.lastIngestAt ? `ingested ${minute(d.lastIngestAt)}` : 'ingest not finished';
    return {
      label: d.name,
      collapsible: 'collapsed',
      description: `${tickets(d)} · ${dateRange(d)} · ${ingested}${d.run ? ` · ${placed(d.run)}` : ''}`,
      tooltip: `${d.name} in ${node.store}\nfrom ${d.sourcePath}${d.run ? `\nnew tickets go to run ${d.run.runId} (${d.run.runDir})` : ''}`,
      contextValue: 'dataset',
      icon: 'database',
      id: `${node.store}#${d.name}`,
    };
  }
  if (node.kind === 'detail') {
    return { label: node.label, collapsible: 'none', description: node.value, tooltip: node.tooltip, contextValue: 'detail', icon: node.icon };
  }
  return { label: node.message, collapsible: 'none', description: '', tooltip: node.message, contextValue: 'problem', icon: 'warning' };
}

/** The view's subtitle: which store it shows (a connection string without its password). */
export function storeDescription(state: StoreState, setting: 'embedded' | 'server'): string {
  if (state.ok && state.listing) return state.listing.kind === 'embedded' ? 'embedded' : state.listing.store;
  return setting === 'embedded' ? 'embedded' : 'PostgreSQL';
}

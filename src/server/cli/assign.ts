import { join, resolve, basename } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import type { AssignResult } from '../../shared/api';
import { ASSIGNED_OUTPUT } from '../assign/assignedCsv';
import { assignCsv, type AssignProgress } from '../assign/assignRun';
import { assignStore } from '../assign/assignStore';
import { checkOutputFile } from '../data/outputs';
import { cacheRoot, defaultModelDir, loadEmbedder } from '../embed';
import { createLogger } from '../log';
import { defaultStoreDir, type Store } from '../store';
import { dayStart } from '../store/ingest/dates';
import { addModelOptions, type ModelFlags } from './options';
import { createProgress } from './progress';
import { cancelOnSigint } from './cancelOnSigint';
import { openCliStore } from './openCliStore';

interface AssignFlags extends ModelFlags {
  csv?: string;
  textColumn?: string;
  idColumn?: string;
  dateColumn?: string;
  out?: string;
  store?: string | true;
  database?: string;
  dataset?: string;
  since?: string;
  cache: boolean;
  json?: boolean;
  quiet?: boolean;
}

const day = (name: string) => (v: string) => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(`${v}T00:00:00Z`))) throw new InvalidArgumentError(`${name} must be a date as YYYY-MM-DD.`);
  return v;
};

const pct = (x: number, n: number) => `${((x / Math.max(1, n)) * 100).toFixed(1)}%`;

function report(r: AssignResult): string {
  const top = r.byCluster.slice(0, 10).map((c) => `${c.cluster} ${c.tickets}`).join(', ');
  return (
    `${r.tickets} tickets against ${r.members} texts of the run: ${r.assigned} assigned (${pct(r.assigned, r.tickets)}), ${r.noise} with the run's noise (${pct(r.noise, r.tickets)}), ` +
    `${r.new} new / unassigned (${pct(r.new, r.tickets)}); ${r.seconds.toFixed(1)} s\n` +
    (top ? `by cluster: ${top}${r.byCluster.length > 10 ? ', …' : ''}\n` : '') +
    `written to ${r.output}\n`
  );
}

export function registerAssign(program: Command): void {
  addModelOptions(
    program
      .command('assign')
      .description("put new tickets into an existing run's clusters (a kNN vote over the run's members, no re-clustering); far from every cluster: new/unassigned")
      .argument('<run>', 'run folder (made by ticket-lens cluster)')
      .option('--csv <file>', 'new tickets from a CSV (never modified)')
      .option('--text-column <name>', 'with --csv: column holding the text')
      .option('--id-column <name>', "with --csv: column holding each ticket's id (carried to the output)")
      .option('--date-column <name>', 'with --csv: column holding when the ticket was created (carried to the output as ISO, for ticket-lens trends)')
      .option('--out <file>', 'with --csv: the assigned-tickets CSV to write (default <run>/assigned-<csv name>.csv)')
      .option('--store [dir]', "assign the store's tickets ingested since the run was made that it has not placed yet (default folder ./.ticket-lens/store, or $TICKET_LENS_DATABASE when set); results go to the store's assignments table")
      .option('--database <url>', 'with --store: a PostgreSQL server with pgvector instead of the embedded store (default: $TICKET_LENS_DATABASE)')
      .option('--dataset <name>', "with --store: the dataset (default: the store's only one)")
      .option('--since <YYYY-MM-DD>', 'with --store: tickets ingested on or after this day (UTC) instead of since the run was made', day('--since'))
      .option('--no-cache', 'do not use the on-disk embedding cache')
      .option('--json', 'print the result as JSON on stdout')
      .option('--quiet', 'no progress output'),
  ).action(async (runDir: string, f: AssignFlags) => {
    const database = f.database ?? (f.store === true ? process.env.TICKET_LENS_DATABASE : undefined);
    const storeMode = f.store !== undefined || f.database !== undefined;
    if (storeMode === (f.csv !== undefined)) throw new InvalidArgumentError('Give --csv FILE --text-column NAME, or --store (or --database).');
    if (f.csv !== undefined && f.textColumn === undefined) throw new InvalidArgumentError('--csv needs --text-column.');
    if (typeof f.store === 'string' && f.database) throw new InvalidArgumentError('Give --store DIR or --database, not both.');
    const out = f.csv !== undefined ? (f.out ?? join(resolve(runDir), `assigned-${basename(f.csv).replace(/\.[^.]+$/, '')}.csv`)) : null;
    if (out) await checkOutputFile(out, [{ path: f.csv!, what: 'the input CSV' }], { option: '--out', replaces: ASSIGNED_OUTPUT });
    const log = createLogger(f.quiet ? 'warn' : 'info');
    const progress = createProgress({ quiet: f.quiet });
    const embedder = await loadEmbedder({ modelDir: f.model ?? defaultModelDir(), device: f.device, dtype: f.dtype, cacheDir: f.cache ? cacheRoot() : undefined, log });
    const cancel = cancelOnSigint();
    let stage = '';
    const onProgress = (p: AssignProgress) => {
      if (p.stage !== stage) {
        stage = p.stage;
        progress.stage(p.stage, p.total);
      }
      if (p.done !== undefined) progress.update(p.done, p.total);
    };
    let store: Store | null = null;
    try {
      const deps = { embedder, log, signal: cancel.signal, progress: onProgress };
      let result: AssignResult;
      if (out) {
        result = await assignCsv({ runDir, csvPath: f.csv!, textColumn: f.textColumn!, idColumn: f.idColumn ?? null, dateColumn: f.dateColumn ?? null, outPath: out }, deps);
      } else {
        store = await openCliStore(database ? { url: database } : { dir: typeof f.store === 'string' ? f.store : defaultStoreDir() }, log);
        const r = await assignStore(store, { runDir, dataset: f.dataset ?? null, since: f.since ? dayStart(f.since) : null }, deps);
        const { rows: _rows, ...rest } = r;
        result = rest;
      }
      progress.stop();
      process.stdout.write(f.json ? `${JSON.stringify(result)}\n` : report(result));
    } finally {
      progress.stop();
      cancel.stop();
      await store?.close();
      await embedder.dispose();
    }
  });
}

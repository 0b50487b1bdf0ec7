import { InvalidArgumentError, type Command } from 'commander';
import { IngestOptions, TicketLensError, type IngestAssignment, type StoreIngestResult, type StoreLocation } from '../../shared/api';
import type { AssignProgress } from '../assign/assignRun';
import { cacheRoot, defaultModelDir } from '../embed';
import { createLogger } from '../log';
import { runsDirsOf } from '../ingestAssign/datasetRun';
import { ingestAndAssign } from '../ingestAssign/ingestAndAssign';
import { defaultStoreDir, pgliteStoreExists, type IngestProgress, type Store } from '../store';
import { embedderSource } from '../store/ingest';
import { addModelOptions, type ModelFlags } from './options';
import { createProgress } from './progress';
import { cancelOnSigint } from './cancelOnSigint';
import { openCliStore } from './openCliStore';

interface IngestFlags extends ModelFlags {
  textColumn?: string;
  idColumn?: string;
  dateColumn?: string;
  startDate?: string;
  endDate?: string;
  daysBack?: number;
  limit?: number;
  batchSize: number;
  embeddingsOnly?: boolean;
  skipEmbedded?: boolean;
  dataset?: string;
  store?: string;
  database?: string;
  assign: boolean;
  run?: string;
  cache: boolean;
  json?: boolean;
  quiet?: boolean;
}

const positiveInt = (name: string, min = 1) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer ≥ ${min}.`);
  return n;
};

const day = (name: string) => (v: string) => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(`${v}T00:00:00Z`))) throw new InvalidArgumentError(`${name} must be a date as YYYY-MM-DD.`);
  return v;
};

const n = (x: number) => x.toLocaleString('en-US');

const pct = (x: number, of: number) => `${((x / Math.max(1, of)) * 100).toFixed(1)}%`;

/** The assign step's line of the summary: how many went where, in which run (a step skipped says why on the log). */
function assignedLine(a: IngestAssignment): string {
  if (a.status === 'failed') return `not assigned to ${a.runDir}: ${a.message}\n`;
  if (a.status === 'skipped') return '';
  const without = a.withoutVector ? `; ${n(a.withoutVector)} without a vector left for later` : '';
  return (
    `assigned ${n(a.tickets)} tickets to run ${a.runId} (${a.chosen === 'latest' ? 'the latest run made from the dataset' : 'as asked'}): ` +
    `${n(a.assigned)} into clusters (${pct(a.assigned, a.tickets)}), ${n(a.noise)} with the run's noise (${pct(a.noise, a.tickets)}), ${n(a.new)} new / unassigned (${pct(a.new, a.tickets)})${without}; ${a.seconds.toFixed(1)} s\n` +
    `  run folder: ${a.runDir}\n`
  );
}

function summary(r: StoreIngestResult): string {
  const s = r.skippedBy;
  const why = [
    s.emptyText && `${n(s.emptyText)} empty text`,
    s.outsideDates && `${n(s.outsideDates)} outside the dates`,
    s.beyondLimit && `${n(s.beyondLimit)} beyond --limit`,
    s.duplicate && `${n(s.duplicate)} repeated`,
    s.alreadyEmbedded && `${n(s.alreadyEmbedded)} already embedded`,
  ].filter(Boolean);
  const dates = r.dates ? `, dated ${r.dates.first.slice(0, 10)} to ${r.dates.last.slice(0, 10)}` : '';
  return (
    `dataset "${r.dataset}" in ${r.store}: ${n(r.rows)} rows read${dates} — ${n(r.new)} new, ${n(r.updated)} updated, ${n(r.unchanged)} unchanged, ` +
    `${n(r.skipped)} skipped${why.length ? ` (${why.join(', ')})` : ''}; ${n(r.embedded)} embedded; ${n(r.total)} tickets stored; ${r.seconds.toFixed(1)} s` +
    `${r.resumed ? ' (resumed an interrupted ingest)' : ''}\n` +
    assignedLine(r.assignment)
  );
}

export function registerIngest(program: Command): void {
  addModelOptions(
    program
      .command('ingest')
      .description(
        "add the rows of a CSV to the ticket store with their vectors (an unchanged row is not embedded again, an edited one is, and an interrupted ingest resumes where it stopped), then assign the new tickets to the clusters of the latest run made from the dataset, as assign RUN --store does",
      )
      .argument('[csv]', 'input CSV (never modified); not read with --embeddings-only')
      .option('--text-column <name>', 'column holding the text')
      .option('--id-column <name>', "column holding each ticket's stable id (default: the row number and a hash of the text)")
      .option('--date-column <name>', 'column holding when the ticket was created (ISO, M/D/YYYY H:MM as Excel writes it, or epoch seconds; UTC unless an offset is given)')
      .option('--start-date <YYYY-MM-DD>', 'only rows dated on or after this day (UTC)', day('--start-date'))
      .option('--end-date <YYYY-MM-DD>', 'only rows dated on or before this day (UTC)', day('--end-date'))
      .option('--days-back <n>', 'only rows dated within the last n days', positiveInt('--days-back', 0))
      .option('--limit <n>', 'at most n rows (in file order, after the date filter)', positiveInt('--limit'))
      .option('--batch-size <n>', 'rows embedded and committed per transaction', positiveInt('--batch-size'), IngestOptions.shape.batchSize.parse(undefined))
      .option('--embeddings-only', "read no file: embed the dataset's stored tickets that lack a vector of this model (moves a dataset to another model)")
      .option('--skip-embedded', 'skip rows whose id already has a vector without comparing their text (append-only feeds)')
      .option('--dataset <name>', 'dataset to add to (default: the file name without extension)')
      .option('--no-assign', "store only: do not assign the new tickets to a run's clusters")
      .option(
        '--run <dir>',
        "assign the new tickets to this run (default: the latest run made from the dataset — by cluster --store, or filed under it by assign RUN --store — in ./.ticket-lens/runs or beside the store folder; none: nothing is assigned)",
      )
      .option('--store <dir>', 'embedded store folder (default: ./.ticket-lens/store)')
      .option('--database <url>', 'a PostgreSQL server with pgvector instead of the embedded store (default: $TICKET_LENS_DATABASE, which keeps a password out of the process list)')
      .option('--no-cache', 'do not use the on-disk embedding cache')
      .option('--json', 'print the result as JSON on stdout')
      .option('--quiet', 'no progress output'),
  ).action(async (csv: string | undefined, f: IngestFlags) => {
    const database = f.database ?? process.env.TICKET_LENS_DATABASE;
    if (f.store !== undefined && database) throw new InvalidArgumentError('Give --store or --database, not both.');
    if (!f.embeddingsOnly && (csv === undefined || f.textColumn === undefined)) {
      throw new InvalidArgumentError('ingest needs a CSV and --text-column (or --embeddings-only --dataset NAME).');
    }
    if (f.run !== undefined && !f.assign) throw new InvalidArgumentError('Give --run DIR or --no-assign, not both.');
    const log = createLogger(f.quiet ? 'warn' : 'info');
    const progress = createProgress({ quiet: f.quiet });
    const lines = !f.quiet && !process.stderr.isTTY;
    let stopped = false;
    const stopProgress = () => {
      if (!stopped) progress.stop();
      stopped = true;
    };
    // Loaded only if a row needs a vector or the model's identity needs its probe texts.
    const embedder = embedderSource({ modelDir: f.model ?? defaultModelDir(), device: f.device, dtype: f.dtype, cacheDir: f.cache ? cacheRoot() : undefined, log });
    let store: Store | null = null;
    const cancel = cancelOnSigint('cancelling after the current batch…');
    let stage = '';
    const onProgress = (p: IngestProgress) => {
      // A terminal's bar has nothing to count while the file is read.
      if (p.stage === 'reading' && !lines) return;
      if (p.stage !== stage) {
        stage = p.stage;
        if (p.stage === 'waiting') log.info('another ingest of this dataset is running; waiting for it to finish');
        else progress.stage(p.stage, p.stage === 'reading' ? undefined : p.total);
      }
      progress.update(p.done, p.total || undefined);
      if (lines && p.stage === 'embedding' && p.batches && p.batches.done > 0) {
        process.stderr.write(`ingest: batch ${p.batches.done}/${p.batches.total} committed (${n(p.done)}/${n(p.total)} rows)\n`);
      }
    };
    let assignStage = '';
    const onAssignProgress = (p: AssignProgress) => {
      if (p.stage !== assignStage) {
        assignStage = p.stage;
        progress.stage(p.stage, p.total);
      }
      if (p.done !== undefined) progress.update(p.done, p.total);
    };
    try {
      const location: StoreLocation = database ? { url: database } : { dir: f.store ?? defaultStoreDir() };
      // A new embedded store has no dataset yet, so the model will be needed: it loads on the inference
      // thread while PGlite creates the store on this one (each takes seconds). need() reports a failure.
      if ('dir' in location && !f.embeddingsOnly && !pgliteStoreExists(location.dir)) embedder.load().catch(() => undefined);
      store = await openCliStore(location, log);
      const result = await ingestAndAssign(
        store,
        embedder,
        {
          csvPath: csv ?? null,
          dataset: f.dataset ?? null,
          textColumn: f.textColumn ?? null,
          idColumn: f.idColumn ?? null,
          dateColumn: f.dateColumn ?? null,
          startDate: f.startDate ?? null,
          endDate: f.endDate ?? null,
          daysBack: f.daysBack ?? null,
          limit: f.limit ?? null,
          batchSize: f.batchSize,
          embeddingsOnly: Boolean(f.embeddingsOnly),
          skipEmbedded: Boolean(f.skipEmbedded),
        },
        { assign: f.assign, runDir: f.run ?? null },
        { runsDirs: runsDirsOf(location, [process.cwd()]) },
        { log, signal: cancel.signal, onProgress, onAssignProgress },
      );
      stopProgress();
      for (const w of result.warnings) log.warn(w);
      if (result.assignment.status === 'skipped' && result.assignment.reason !== 'off') log.info(result.assignment.message);
      process.stdout.write(f.json ? `${JSON.stringify(result)}\n` : summary(result));
      // The run asked for could not take the tickets: the ingest is stored, but the command did not do all it was asked.
      if (result.assignment.status === 'failed' && f.run !== undefined) throw new TicketLensError('bad_input', `the tickets are stored but were not assigned to ${f.run}: ${result.assignment.message}`);
    } finally {
      stopProgress();
      cancel.stop();
      await store?.close();
      await embedder.dispose();
    }
  });
}

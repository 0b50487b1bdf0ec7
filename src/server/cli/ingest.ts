import { InvalidArgumentError, type Command } from 'commander';
import type { IngestResult } from '../../shared/api';
import { cacheRoot, defaultModelDir } from '../embed';
import { createLogger } from '../log';
import { defaultStoreDir, type IngestProgress, type Store } from '../store';
import { embedderSource, ingest } from '../store/ingest';
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

function summary(r: IngestResult): string {
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
    `${r.resumed ? ' (resumed an interrupted ingest)' : ''}\n`
  );
}

export function registerIngest(program: Command): void {
  addModelOptions(
    program
      .command('ingest')
      .description(
        'add the rows of a CSV to the ticket store with their vectors: an unchanged row is not embedded again, an edited one is, and an interrupted ingest resumes where it stopped',
      )
      .argument('[csv]', 'input CSV (never modified); not read with --embeddings-only')
      .option('--text-column <name>', 'column holding the text')
      .option('--id-column <name>', "column holding each ticket's stable id (default: the row number and a hash of the text)")
      .option('--date-column <name>', 'column holding when the ticket was created (ISO, M/D/YYYY H:MM as Excel writes it, or epoch seconds; UTC unless an offset is given)')
      .option('--start-date <YYYY-MM-DD>', 'only rows dated on or after this day (UTC)', day('--start-date'))
      .option('--end-date <YYYY-MM-DD>', 'only rows dated on or before this day (UTC)', day('--end-date'))
      .option('--days-back <n>', 'only rows dated within the last n days', positiveInt('--days-back', 0))
      .option('--limit <n>', 'at most n rows (in file order, after the date filter)', positiveInt('--limit'))
      .option('--batch-size <n>', 'rows embedded and committed per transaction', positiveInt('--batch-size'), 512)
      .option('--embeddings-only', "read no file: embed the dataset's stored tickets that lack a vector of this model (moves a dataset to another model)")
      .option('--skip-embedded', 'skip rows whose id already has a vector without comparing their text (append-only feeds)')
      .option('--dataset <name>', 'dataset to add to (default: the file name without extension)')
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
    try {
      store = await openCliStore(database ? { url: database } : { dir: f.store ?? defaultStoreDir() }, log);
      const result = await ingest(
        store.engine,
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
        { log, signal: cancel.signal, onProgress },
      );
      stopProgress();
      for (const w of result.warnings) log.warn(w);
      process.stdout.write(f.json ? `${JSON.stringify(result)}\n` : summary(result));
    } finally {
      stopProgress();
      cancel.stop();
      await store?.close();
      await embedder.dispose();
    }
  });
}

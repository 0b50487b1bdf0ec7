import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { keywordName, TRENDS_JSON, TrendBucket, TrendsFile, type TrendsFile as Trends } from '../../shared/api';
import { writeFileAtomic } from '../data/atomic';
import { checkOutputFile, type OwnOutput } from '../data/outputs';
import { cacheRoot, defaultModelDir, loadEmbedder, type Embedder } from '../embed';
import { createLogger } from '../log';
import { defaultStoreDir, type Store } from '../store';
import { dayStart, DAY_MS } from '../store/ingest/dates';
import { DEFAULT_TREND_OPTIONS } from '../trends/build';
import { computeTrends, saveTrends } from '../trends/trends';
import { trendsText } from '../trends/trendsJson';
import { addModelOptions, type ModelFlags } from './options';
import { cancelOnSigint } from './cancelOnSigint';
import { openCliStore } from './openCliStore';

interface TrendsFlags extends ModelFlags {
  dateColumn?: string;
  assigned?: string[];
  store?: string | true;
  database?: string;
  dataset?: string;
  window: number;
  bucket?: TrendBucket;
  minCount: number;
  minTopicSize: number;
  until?: string;
  out?: string;
  cache: boolean;
  json?: boolean;
  quiet?: boolean;
}

/** `7d`, `2w` or a number of days. */
export function parseWindow(v: string): number {
  const m = /^(\d+)\s*([dw]?)$/i.exec(v.trim());
  const days = m ? Number(m[1]) * (m[2].toLowerCase() === 'w' ? 7 : 1) : Number.NaN;
  if (!Number.isInteger(days) || days < 1 || days > 3660) throw new InvalidArgumentError('--window must be a number of days, e.g. 7d, 14 or 2w.');
  return days;
}

const positiveInt = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be an integer ≥ 1.`);
  return n;
};

const day = (v: string) => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(`${v}T00:00:00Z`))) throw new InvalidArgumentError('--until must be a date as YYYY-MM-DD.');
  return v;
};

/** An earlier trends.json may be replaced. */
const TRENDS_OUTPUT: OwnOutput = {
  what: 'a trends file',
  test: async (path) => TrendsFile.safeParse(JSON.parse(await readFile(path, 'utf8'))).success,
};

function report(t: Trends, where: string): string {
  const lines = [`${t.dated} dated tickets (${t.undated} undated) in ${t.buckets.length} ${t.bucket}s from ${t.sources.join('; ')}`];
  if (t.window) {
    const last = new Date(Date.parse(t.window.end) - 1).toISOString().slice(0, 10);
    lines.push(`growing fastest, ${t.window.currentStart.slice(0, 10)} to ${last} against the ${t.windowDays} days before (clusters with ≥ ${t.minCount} tickets):`);
    for (const g of t.growth.slice(0, 10)) lines.push(`  ${g.cluster.padEnd(12)} ${String(g.current).padStart(6)} ← ${String(g.previous).padEnd(6)} ×${g.ratio.toFixed(2).padEnd(6)} ${g.name}`);
    if (t.growth.length === 0) lines.push('  (none)');
  }
  lines.push(`emerging topics (new tickets far from every cluster, ≥ ${t.minTopicSize} alike): ${t.emerging.length}`);
  for (const e of t.emerging.slice(0, 10)) lines.push(`  ${e.id.padEnd(12)} ${String(e.size).padStart(6)} tickets  ${keywordName(e)}`);
  lines.push(`written to ${where}`);
  return `${lines.join('\n')}\n`;
}

export function registerTrends(program: Command): void {
  addModelOptions(
    program
      .command('trends')
      .description("tickets per cluster per day or week, the clusters growing fastest and emerging topics; writes the run's trends.json and a Trends section in its summary.md")
      .argument('<run>', 'run folder (made by ticket-lens cluster)')
      .option('--date-column <name>', "date the run's own rows by this column of the CSV it was made from")
      .option('--assigned <file...>', 'assigned-tickets CSVs (ticket-lens assign --csv … --date-column …)')
      .option('--store [dir]', "the run's tickets in the ticket store (default folder ./.ticket-lens/store, or $TICKET_LENS_DATABASE when set)")
      .option('--database <url>', 'with --store: a PostgreSQL server with pgvector instead of the embedded store (default: $TICKET_LENS_DATABASE)')
      .option('--dataset <name>', "with --store: the dataset (default: the store's only one)")
      .option('--window <days>', 'the growth window: the last N days against the N before (7d, 14, 2w)', parseWindow, DEFAULT_TREND_OPTIONS.windowDays)
      .addOption(new Option('--bucket <unit>', 'count per day or per week (default: days when the tickets span ≤ 62 days)').choices(TrendBucket.options))
      .option('--min-count <n>', 'least tickets a cluster needs in the last window to be ranked by growth', positiveInt('--min-count'), DEFAULT_TREND_OPTIONS.minCount)
      .option('--min-topic-size <n>', 'least new tickets alike that make an emerging topic', positiveInt('--min-topic-size'), DEFAULT_TREND_OPTIONS.minTopicSize)
      .option('--until <YYYY-MM-DD>', 'last day of the last window (default: the latest ticket\'s)', day)
      .option('--out <file>', `also write the trends here (the run always gets ${TRENDS_JSON})`)
      .option('--no-cache', 'do not use the on-disk embedding cache')
      .option('--json', 'print the trends as JSON on stdout')
      .option('--quiet', 'no progress output'),
  ).action(async (runDir: string, f: TrendsFlags) => {
    const database = f.database ?? (f.store === true ? process.env.TICKET_LENS_DATABASE : undefined);
    if (typeof f.store === 'string' && f.database) throw new InvalidArgumentError('Give --store DIR or --database, not both.');
    const runTrends = resolve(runDir, TRENDS_JSON);
    const out = f.out && resolve(f.out) !== runTrends ? resolve(f.out) : null;
    if (out) await checkOutputFile(out, [], { option: '--out', replaces: TRENDS_OUTPUT });
    const log = createLogger(f.quiet ? 'warn' : 'info');
    // Loaded only if emerging topics need texts embedded.
    const loaded: { embedder: Promise<Embedder> | null } = { embedder: null };
    let store: Store | null = null;
    const cancel = cancelOnSigint();
    try {
      if (f.store !== undefined || f.database !== undefined) {
        store = await openCliStore(database ? { url: database } : { dir: typeof f.store === 'string' ? f.store : defaultStoreDir() }, log);
      }
      const trends = await computeTrends(
        {
          runDir,
          dateColumn: f.dateColumn ?? null,
          assigned: f.assigned ?? [],
          store: store ? { store, dataset: f.dataset ?? null } : null,
          options: { windowDays: f.window, bucket: f.bucket ?? null, minCount: f.minCount, minTopicSize: f.minTopicSize, until: f.until ? dayStart(f.until) + DAY_MS : null },
        },
        {
          log,
          signal: cancel.signal,
          embedder: () => (loaded.embedder ??= loadEmbedder({ modelDir: f.model ?? defaultModelDir(), device: f.device, dtype: f.dtype, cacheDir: f.cache ? cacheRoot() : undefined, log })),
        },
      );
      await saveTrends(runDir, trends);
      if (out) await writeFileAtomic(out, trendsText(trends));
      process.stdout.write(f.json ? `${JSON.stringify(trends)}\n` : report(trends, out ? `${runTrends} and ${out}` : runTrends));
    } finally {
      cancel.stop();
      await store?.close();
      if (loaded.embedder) await (await loaded.embedder).dispose();
    }
  });
}

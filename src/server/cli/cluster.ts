import { existsSync } from 'node:fs';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { ClusterParams, TicketLensError, type StoreLocation } from '../../shared/api';
import { formatSweep } from '../cluster/autoSize';
import { runClusterPipeline, type PipelineInput } from '../cluster/pipeline';
import { checkOutDir, defaultRunDir } from '../run/folder';
import { cacheRoot, defaultModelDir, loadEmbedder, type Embedder } from '../embed';
import { createLogger, type Logger } from '../log';
import { defaultStoreDir } from '../store';
import { DAY_MS, dayStart } from '../store/ingest/dates';
import { describeModel, modelById, sameModel } from '../store/models';
import { requireDataset } from '../store/vectors';
import { addModelOptions, type ModelFlags } from './options';
import { createProgress } from './progress';
import { cancelOnSigint } from './cancelOnSigint';
import { openCliStore } from './openCliStore';

interface ClusterFlags extends ModelFlags {
  textColumn?: string;
  labelColumn?: string;
  depth: string;
  minClusterSize: string;
  minSamples?: string;
  selection: 'eom' | 'leaf';
  epsilon: string;
  minClusterPct: string;
  reassignOutliers?: string;
  keepOutliers?: boolean;
  adapter?: string;
  seed: string;
  out?: string;
  cache: boolean;
  normalize: boolean;
  quiet?: boolean;
  store?: boolean;
  storeDir?: string;
  database?: string;
  dataset?: string;
  startDate?: string;
  endDate?: string;
}

const day = (name: string) => (v: string) => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(`${v}T00:00:00Z`))) throw new InvalidArgumentError(`${name} must be a date as YYYY-MM-DD.`);
  return v;
};

/** What `cluster --store` clusters: the dataset's stored tickets and vectors, in the dates asked for. */
type StoredInput = Pick<PipelineInput, 'csvPath' | 'textColumn'> & { stored: NonNullable<PipelineInput['stored']>; dataset: string };

async function readStored(where: StoreLocation, f: ClusterFlags, e: Embedder, log: Logger): Promise<StoredInput> {
  const store = await openCliStore(where, log);
  try {
    let name = f.dataset;
    if (name === undefined) {
      const all = await store.datasets();
      if (all.length !== 1) {
        throw new TicketLensError('bad_input', all.length === 0 ? `The ticket store at ${store.where} has no datasets; ingest one first (ticket-lens ingest).` : `The ticket store at ${store.where} has ${all.length} datasets (${all.map((d) => d.name).join(', ')}); name one with --dataset.`);
      }
      name = all[0].name;
    }
    const d = await requireDataset(store.engine, name, store.where);
    if ((f.startDate || f.endDate) && d.dateColumn === null) {
      throw new TicketLensError('bad_input', `Dataset "${name}" was ingested without a date column, so --start-date and --end-date have nothing to select by; ingest it again with --date-column.`, { dataset: name });
    }
    const model = await modelById(store.engine, d.modelId);
    const match = model ? await sameModel(model, e) : null;
    if (!model || !match?.same) {
      // The run records the embedder's model; clustering another model's vectors under it would mislabel the run.
      throw new TicketLensError(
        'bad_input',
        `Dataset "${name}" holds vectors of ${model ? describeModel(model.modelId, model.hashes[0]) : 'an unknown model'}; this command's model is ${describeModel(e.info.modelId, e.info.modelHash)}${match && !match.same ? ` (${match.evidence})` : ''}. Use the dataset's model (--model).`,
        { dataset: name },
      );
    }
    const tickets = await store.vectors(name, { start: f.startDate ? dayStart(f.startDate) : undefined, end: f.endDate ? dayStart(f.endDate) + DAY_MS : undefined });
    if (!existsSync(d.sourcePath)) {
      throw new TicketLensError('bad_input', `Dataset "${name}" was ingested from ${d.sourcePath}, which is gone; a run folder records its input file and checksum, so put the file back (or ingest it from where it is now).`, { dataset: name });
    }
    const dates = { ...(f.startDate ? { startDate: f.startDate } : {}), ...(f.endDate ? { endDate: f.endDate } : {}) };
    return {
      csvPath: d.sourcePath,
      textColumn: d.textColumn,
      dataset: name,
      stored: { tickets, title: `${name} (ticket store)`, source: { store: store.where, dataset: name, ...dates } },
    };
  } finally {
    await store.close();
  }
}

/** Which store `--store` reads, after the flags' combinations are checked. */
function storeOf(csv: string | undefined, f: ClusterFlags): StoreLocation | null {
  if (!f.store) {
    const stray = ([['--dataset', f.dataset], ['--start-date', f.startDate], ['--end-date', f.endDate], ['--store-dir', f.storeDir], ['--database', f.database]] as const).find(([, v]) => v !== undefined);
    if (stray) throw new InvalidArgumentError(`${stray[0]} goes with --store.`);
    if (csv === undefined || f.textColumn === undefined) throw new InvalidArgumentError('cluster needs a CSV and --text-column, or --store.');
    return null;
  }
  if (csv !== undefined) throw new InvalidArgumentError('Give a CSV or --store, not both.');
  if (f.labelColumn !== undefined) {
    throw new InvalidArgumentError('--label-column: the ticket store keeps the text, id and date of each ticket, not a label column; cluster the CSV itself to evaluate against labels.');
  }
  if (f.storeDir !== undefined && f.database !== undefined) throw new InvalidArgumentError('Give --store-dir or --database, not both.');
  const database = f.database ?? (f.storeDir === undefined ? process.env.TICKET_LENS_DATABASE : undefined);
  return database ? { url: database } : { dir: f.storeDir ?? defaultStoreDir() };
}

const int = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n)) throw new InvalidArgumentError(`${name} must be an integer.`);
  return v;
};

const outlierThreshold = (v: string) => {
  const n = Number(v);
  if (v !== 'auto' && !(v.trim() !== '' && n >= -1 && n <= 1)) throw new InvalidArgumentError(`--reassign-outliers must be auto or a cosine similarity from -1 to 1, not ${JSON.stringify(v)}.`);
  return v;
};

export function registerCluster(program: Command): void {
  addModelOptions(
    program
      .command('cluster')
      .description('cluster the rows of a CSV (embed → UMAP → HDBSCAN, recursively), or the stored vectors of a ticket-store dataset, and write a run folder')
      .argument('[csv]', 'input CSV (never modified); none with --store')
      .option('--text-column <name>', 'column holding the text (with a CSV)')
      .option('--label-column <name>', 'column of known labels, to evaluate against (ARI, NMI, purity); not with --store, which keeps no labels')
      .option('--store', 'cluster a dataset of the ticket store (ticket-lens ingest) from its stored vectors: nothing is embedded again')
      .option('--dataset <name>', "with --store: the dataset (default: the store's only one)")
      .option('--start-date <YYYY-MM-DD>', 'with --store: only tickets dated on or after this day (UTC)', day('--start-date'))
      .option('--end-date <YYYY-MM-DD>', 'with --store: only tickets dated on or before this day (UTC)', day('--end-date'))
      .option('--store-dir <dir>', 'with --store: the embedded store folder (default: ./.ticket-lens/store)')
      .option('--database <url>', 'with --store: a PostgreSQL server with pgvector instead of the embedded store (default: $TICKET_LENS_DATABASE, which keeps a password out of the process list)')
      .option('--depth <n>', 'cluster levels (2 = clusters and one level of sub-clusters)', int('--depth'), '2')
      .option('--min-cluster-size <n|auto>', 'HDBSCAN minimum cluster size, or auto', 'auto')
      .option('--min-samples <n>', 'HDBSCAN min_samples (default 10)', int('--min-samples'))
      .addOption(new Option('--selection <method>', 'cluster selection').choices(['eom', 'leaf']).default('eom'))
      .option('--epsilon <x>', 'cluster_selection_epsilon', '0')
      .option('--min-cluster-pct <pct>', 'only re-cluster clusters holding at least this % of their parent', '5')
      .option('--reassign-outliers <auto|cosine>', "move noise rows into the most similar cluster: auto (the default) when as similar to it as its own members, or when the cosine similarity reaches a number", outlierThreshold)
      .addOption(new Option('--keep-outliers', 'leave the rows HDBSCAN calls noise unclustered').conflicts('reassignOutliers'))
      .option('--seed <n>', 'random seed (same input + parameters + seed → same clusters)', int('--seed'), '42')
      .option('--adapter <model>', "cluster in a trained classifier's adapter space (.tlc file or shipped name)")
      .option('--out <dir>', 'run folder to create (default .ticket-lens/runs/<file>-<time>)')
      .option('--no-normalize', 'embed and count keywords on the texts as written, without taking out handles, links, e-mail addresses, numbers, greetings, signatures and quoted replies')
      .option('--no-cache', 'do not use the on-disk embedding cache')
      .option('--quiet', 'no progress output'),
  ).action(async (csv: string | undefined, f: ClusterFlags) => {
    const store = storeOf(csv, f);
    const params = ClusterParams.parse({
      depth: Number(f.depth),
      minClusterSize: f.minClusterSize === 'auto' ? 'auto' : Number(f.minClusterSize),
      minSamples: f.minSamples ? Number(f.minSamples) : undefined,
      selection: f.selection,
      epsilon: Number(f.epsilon),
      minClusterPct: Number(f.minClusterPct),
      reassignOutliers: f.keepOutliers ? null : f.reassignOutliers === undefined || f.reassignOutliers === 'auto' ? 'auto' : Number(f.reassignOutliers),
      seed: Number(f.seed),
      adapterModel: f.adapter ?? null,
      normalize: f.normalize,
    });
    const csvOut = csv !== undefined ? (f.out ?? defaultRunDir(csv)) : null;
    if (csv !== undefined) checkOutDir(csvOut!, csv);
    const log = createLogger(f.quiet ? 'warn' : 'info');
    const embedder = await loadEmbedder({ modelDir: f.model ?? defaultModelDir(), device: f.device, dtype: f.dtype, cacheDir: f.cache ? cacheRoot() : undefined, log });
    let input: PipelineInput;
    try {
      const source = store ? await readStored(store, f, embedder, log) : null;
      // Named like a CSV run of `<dataset>.csv`; a dataset's name may hold characters a folder name cannot.
      const outDir = source ? (f.out ?? defaultRunDir(`${source.dataset.replace(/[^\p{L}\p{N}._-]+/gu, '_')}.csv`)) : csvOut!;
      input = source
        ? { csvPath: source.csvPath, textColumn: source.textColumn, labelColumn: null, outDir, params, stored: source.stored }
        : { csvPath: csv!, textColumn: f.textColumn!, labelColumn: f.labelColumn ?? null, outDir, params };
      checkOutDir(outDir, input.csvPath);
      if (source) log.info(`dataset "${source.dataset}": ${source.stored.tickets.ids.length} stored tickets with vectors; nothing is embedded again`);
    } catch (err) {
      await embedder.dispose();
      throw err;
    }
    const progress = createProgress({ quiet: f.quiet });
    const cancel = cancelOnSigint();
    let stage = '';
    try {
      const r = await runClusterPipeline(
        input,
        {
          embedder,
          log,
          signal: cancel.signal,
          progress: (p) => {
            if (p.stage !== stage) {
              stage = p.stage;
              progress.stage(p.stage, p.total);
            }
            if (p.done !== undefined) progress.update(p.done, p.total);
          },
        },
      );
      progress.stop();
      if (r.sweep) process.stdout.write(`${formatSweep(r.sweep, r.minClusterSize)}\n\n`);
      process.stdout.write(
        `${r.rows} rows (${r.uniqueTexts} unique texts): ${r.topClusters} clusters, ${r.totalClusters - r.topClusters} sub-clusters, noise ${(r.noiseFraction * 100).toFixed(1)}%\n`,
      );
      if (store) process.stdout.write('no label column: the ticket store keeps none, so there is nothing to evaluate against (ARI, NMI)\n');
      if (r.metrics) {
        process.stdout.write(
          `against ${r.metrics.label}: ARI ${r.metrics.ari.toFixed(3)}, NMI ${r.metrics.nmi.toFixed(3)} (noise excluded: ARI ${r.metrics.ariNoNoise.toFixed(3)}, NMI ${r.metrics.nmiNoNoise.toFixed(3)})\n`,
        );
      }
      process.stdout.write(`timings: ${Object.entries(r.timings).map(([k, v]) => `${k} ${v.toFixed(1)}s`).join(', ')}\n`);
      process.stdout.write(`run folder: ${r.runDir}\n`);
    } finally {
      progress.stop();
      cancel.stop();
      await embedder.dispose();
    }
  });
}

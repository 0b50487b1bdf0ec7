import { InvalidArgumentError, type Command } from 'commander';
import { DEFAULT_LABEL_MODEL } from '../../shared/api';
import { DEFAULT_TAG_BATCH, DEFAULT_TAG_SAMPLE, type TagSummary } from '../../shared/tag';
import { cacheRoot, defaultModelDir, loadEmbedder } from '../embed';
import { createLogger, type Logger } from '../log';
import { distilFromTags } from '../tag/distil';
import { tagRows } from '../tag/tagRows';
import { cancelOnSigint } from './cancelOnSigint';
import { addDeviceOptions, type DeviceFlags } from './options';
import { createProgress } from './progress';

interface TagFlags extends DeviceFlags {
  train?: boolean;
  embeddingModel?: string;
  labelSet: string;
  textColumn: string;
  idColumn?: string;
  sample: string;
  all?: boolean;
  run?: string;
  cluster?: string[];
  out?: string;
  dryRun?: boolean;
  budget?: string;
  maxTokens?: string;
  concurrency: string;
  batchSize: string;
  model: string;
  seed: string;
  redact: boolean;
  baseUrl?: string;
  timeoutMs: string;
  quiet?: boolean;
}

const count = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a whole number ≥ 1.`);
  return v;
};

const usd = (x: number | null) => (x === null ? 'no price known for this model' : `~$${x.toFixed(4)}`);

function printSummary(s: TagSummary): void {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const sample = s.sample.method === 'stratified' ? `stratified over ${Object.keys(s.sample.perCluster ?? {}).length} clusters of ${s.sample.runDir}` : s.sample.method;
  out(`${s.state}: ${s.tagged}/${s.selected} chosen rows tagged into "${s.labelSet}" (${sample}; ${s.resumed} resumed, ${s.fromCache} from the cache); ${s.requests} requests, ${s.usage.inputTokens} input + ${s.usage.outputTokens} output tokens, ${s.costUsd === null ? 'no price known for this model' : `$${s.costUsd.toFixed(4)}`}`);
  for (const [label, n] of Object.entries(s.counts).sort((a, b) => b[1] - a[1])) out(`  ${label}: ${n}`);
  for (const f of s.failed.slice(0, 10)) out(`  row ${f.row} untagged: ${f.reason}`);
  if (s.failed.length > 10) out(`  … and ${s.failed.length - 10} more untagged rows`);
  if (s.stopped) out(`Stopped sending: ${s.stopped.message}. Run it again to tag the rest.`);
  out(`${s.tagsCsv} (${s.written} rows)`);
}

/** --train: the tags become a local classifier (tag/distil.ts) that classifies every row offline. */
async function train(csv: string, s: TagSummary, f: TagFlags, log: Logger, signal: AbortSignal): Promise<void> {
  const embedder = await loadEmbedder({ modelDir: f.embeddingModel ?? defaultModelDir(), device: f.device, dtype: f.dtype, cacheDir: cacheRoot(), log });
  try {
    const d = await distilFromTags({ csvPath: csv, tagsCsv: s.tagsCsv, textColumn: f.textColumn, idColumn: f.idColumn ?? null, labelSet: s.labelSet, workspace: process.cwd(), seed: Number(f.seed) }, log, signal, { embedder });
    const agree = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`);
    const measured = `agreement with Claude on ${d.heldOutTags} held-out tags${d.refit ? ' (measured by a model trained without them)' : ''}`;
    process.stdout.write(
      `Distilled: trained on ${d.trainTags} tags; ${measured} ${agree(d.agreement)} (${agree(d.agreementWhenSure)} where sure). ${d.rows} rows classified at ${Math.round(d.rowsPerSecond)} rows/s, ${d.unsure} unsure.\n${d.modelPath}\n${d.predictionsCsv}\n`,
    );
  } finally {
    await embedder.dispose();
  }
}

export function registerTag(program: Command): void {
  const cmd = program
    .command('tag')
    .description('tag rows of a CSV into a label set with Claude (key from ANTHROPIC_API_KEY): a diverse sample, or every row')
    .argument('<csv>', 'the CSV to tag (never modified)')
    .requiredOption('--label-set <name>', 'a built-in label set (category, priority, sentiment, department) or one of .ticket-lens/labels.json')
    .option('--text-column <name>', 'column holding the text', 'text')
    .option('--id-column <name>', 'column holding each row\'s id, carried to tags.csv (default: a column named "id" when there is one)')
    .option('--sample <n>', 'rows to tag: stratified over the clusters of the run, else a seeded random sample', count('--sample'), String(DEFAULT_TAG_SAMPLE))
    .option('--all', 'tag every row')
    .option('--run <dir>', 'the run of this CSV to stratify over (default: its latest run in .ticket-lens/runs)')
    .option('--cluster <path...>', 'only rows of these clusters of the run (e.g. root.3)')
    .option('--out <dir>', 'output folder (default: tags-<set>/ in the run folder, else .ticket-lens/tags/<csv>-<set>/)')
    .option('--dry-run', 'print the cost estimate and the first request; send nothing')
    .option('--budget <usd>', 'stop sending before the estimated spend would pass this many USD')
    .option('--max-tokens <n>', 'stop sending before input + output tokens would pass this', count('--max-tokens'))
    .option('--concurrency <n>', 'requests in flight', count('--concurrency'), '4')
    .option('--batch-size <n>', 'rows per request', count('--batch-size'), String(DEFAULT_TAG_BATCH))
    .option('--model <id>', 'Claude model', DEFAULT_LABEL_MODEL)
    .option('--seed <n>', 'seed of the sample', '42')
    .option('--no-redact', 'send texts without PII redaction (on by default)')
    .option('--base-url <url>', 'Claude API base URL (a proxy, or a local fake in tests)')
    .option('--timeout-ms <n>', 'per-request timeout', '120000')
    .option('--quiet', 'no progress output')
    .option('--train', 'then train a local classifier on the tags and classify every row with it (predictions.csv)')
    .option('--embedding-model <dir>', 'with --train: sentence-embedding model directory (default: $TICKET_LENS_MODEL_DIR or the model cache)');
  addDeviceOptions(cmd, 'embedding model weights (with --train)').action(async (csv: string, f: TagFlags) => {
    const budget = f.budget === undefined ? null : Number(f.budget);
    if (budget !== null && !(budget > 0)) throw new InvalidArgumentError('--budget must be a positive number of USD.');
    const log = createLogger(f.quiet ? 'warn' : 'info');
    const progress = createProgress({ quiet: f.quiet || f.dryRun });
    const { signal, stop } = cancelOnSigint('cancelling: the answered rows are kept; run it again to resume…');
    let staged = false;
    const options = {
      csvPath: csv,
      textColumn: f.textColumn,
      idColumn: f.idColumn ?? null,
      labelSet: f.labelSet,
      workspace: process.cwd(),
      sample: Number(f.sample),
      all: !!f.all,
      runDir: f.run ?? null,
      clusters: f.cluster ?? null,
      outDir: f.out ?? null,
      seed: Number(f.seed),
      model: f.model,
      batchSize: Number(f.batchSize),
      concurrency: Number(f.concurrency),
      redact: f.redact,
      timeoutMs: Number(f.timeoutMs),
      budgetUsd: budget,
      maxTokens: f.maxTokens ? Number(f.maxTokens) : null,
      baseURL: f.baseUrl ?? process.env.ANTHROPIC_BASE_URL ?? null,
    };
    const deps = {
      apiKey: process.env.ANTHROPIC_API_KEY || null,
      cacheDir: cacheRoot(),
      progress: (p: { stage: string; done?: number; total?: number }) => {
        if (!staged) progress.stage(p.stage, p.total);
        staged = true;
        if (p.done !== undefined) progress.update(p.done, p.total);
      },
    };
    try {
      // The estimate first, from the very requests the run would send.
      const plan = await tagRows({ ...options, dryRun: true }, log, signal, deps);
      const e = plan.estimate;
      process.stdout.write(`${e.rows} of ${plan.selected} chosen rows to send (${plan.resumed} already tagged, ${plan.fromCache} from the cache) in ${e.requests} requests to ${e.model}: ~${e.inputTokens} input + ~${e.outputTokens} output tokens, ${usd(e.costUsd)}\n`);
      if (f.dryRun) {
        const p = plan.preview;
        if (!p) return void process.stdout.write('Dry run: nothing left to send.\n');
        process.stdout.write(`\nDry run: nothing is sent. Redaction ${f.redact ? 'on' : 'OFF'} (${JSON.stringify(p.redactions)} in this request).\n\n--- system prompt ---\n${p.system}\n\n--- first request (${p.rows} rows) ---\n${p.prompt}\n`);
        return;
      }
      const s = await tagRows(options, log, signal, deps);
      progress.stop();
      printSummary(s);
      if (f.train) await train(csv, s, f, log, signal);
    } finally {
      stop();
    }
  });
}

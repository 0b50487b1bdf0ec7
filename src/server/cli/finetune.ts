/**
 * `ticket-lens finetune data.csv --label-column intent --out DIR`: fine-tunes the embedding model on
 * the CSV's labels (finetune/finetune.ts) into a model folder that --model and ticketLens.modelPath
 * accept, and prints how it compares with the base model and today's adapter on labels it never saw.
 */
import type { Command } from 'commander';
import { TicketLensError } from '../../shared/api';
import { cacheRoot, defaultModelDir } from '../embed';
import { finetuneModel } from '../finetune/finetune';
import { cancelOnSigint } from './cancelOnSigint';
import { addModelOptions, type ModelFlags } from './options';
import { createProgress } from './progress';

interface FinetuneFlags extends ModelFlags {
  labelColumn: string;
  textColumn: string;
  out: string;
  epochs: string;
  batchSize: string;
  maxPairs: string;
  holdoutLabels: string;
  evalPerLabel: string;
  seed: string;
  python?: string;
  cache: boolean;
  quiet?: boolean;
}

function int(name: string, v: string, min: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new TicketLensError('bad_input', `${name} must be an integer ≥ ${min} (got "${v}").`);
  return n;
}

/** A count of labels to hold out at random, or a comma-separated list of them. */
function holdout(v: string): number | string[] {
  return /^\d+$/.test(v.trim()) ? Number(v) : v.split(',').map((s) => s.trim()).filter(Boolean);
}

export function registerFinetune(program: Command): void {
  addModelOptions(
    program
      .command('finetune')
      .description('fine-tune the embedding model on same-label pairs of a labelled CSV (Python tools venv), export it (ONNX, int8, parity check) into a model folder for --model / ticketLens.modelPath, and compare it with the base model and the adapter on held-out labels and rows (finetune-eval.json)')
      .argument('<csv>', 'labelled CSV (never modified)')
      .requiredOption('--label-column <name>', 'the label column whose same-label texts become training pairs')
      .option('--text-column <name>', 'column holding the text', 'text')
      .requiredOption('--out <dir>', 'model folder to create (must not exist; built under a temporary name and renamed)')
      .option('--epochs <n>', 'passes over freshly drawn pairs', '1')
      .option('--batch-size <n>', 'pairs per step (at most one per label)', '32')
      .option('--max-pairs <n>', 'same-label pairs per epoch, spread evenly over the training labels', '4000')
      .option('--holdout-labels <n|a,b,c>', 'labels kept out of training and evaluated as unseen: how many (drawn with the seed) or which', '5')
      .option('--eval-per-label <n>', 'rows per label in each evaluation set', '100')
      .option('--seed <n>', 'random seed (split, pairs, training)', '42')
      .option('--python <path>', 'python with the packages of scripts/python/requirements.txt (default: the tools venv of scripts/python-env.sh)')
      .option('--no-cache', 'do not use the on-disk embedding cache for the base model')
      .option('--quiet', 'no progress output'),
  ).action(async (csv: string, f: FinetuneFlags) => {
    const progress = createProgress({ quiet: f.quiet });
    const { signal, stop } = cancelOnSigint('cancelling the fine-tune…');
    let stage = '';
    let r: Awaited<ReturnType<typeof finetuneModel>>;
    try {
      r = await finetuneModel(
        {
          csvPath: csv,
          textColumn: f.textColumn,
          labelColumn: f.labelColumn,
          outDir: f.out,
          epochs: int('--epochs', f.epochs, 1),
          batchSize: int('--batch-size', f.batchSize, 2),
          maxPairs: int('--max-pairs', f.maxPairs, 2),
          holdoutLabels: holdout(f.holdoutLabels),
          heldOutFraction: 0.1,
          evalPerLabel: int('--eval-per-label', f.evalPerLabel, 2),
          seed: int('--seed', f.seed, 0),
          trainDevice: f.device,
          baseModelDir: f.model ?? defaultModelDir(),
          device: f.device,
          dtype: f.dtype,
          cacheDir: f.cache ? cacheRoot() : undefined,
          python: f.python,
        },
        {
          signal,
          progress: (p) => {
            if (p.stage !== stage) {
              stage = p.stage;
              progress.stage(p.stage, p.total);
            }
            if (p.done !== undefined) progress.update(p.done, p.total);
          },
          onTrainerEvent: (e) => {
            if (e.event === 'start' && !f.quiet) process.stderr.write(`training on ${e.device}${e.device === 'cpu' ? ` with ${e.threads} threads` : ''}: ${e.pairs} pairs of ${e.labels} labels, ${e.steps} steps\n`);
          },
          onLog: (line) => {
            if (!f.quiet) process.stderr.write(`${line}\n`);
          },
        },
      );
    } finally {
      progress.stop();
      stop();
    }
    const m = r.report.model;
    process.stdout.write(
        `${r.table}\n` +
          `model: ${r.modelDir} (${m.id}, int8 ONNX sha256 ${m.onnxSha256.slice(0, 12)}…; lineage ${m.lineage.slice(0, 22)}…: classifiers, runs and stores made with the base model are refused with it, although its probe vectors are at cosine ${m.probeCosineToBase.min.toFixed(3)}…${m.probeCosineToBase.max.toFixed(3)} to the base's)\n` +
          `evaluation: ${r.evalPath}\n` +
          `use it with --model ${r.modelDir} or the ticketLens.modelPath setting\n`,
    );
  });
}

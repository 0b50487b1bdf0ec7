/**
 * `ticket-lens train | eval | classify`: the classification engine from the command line. `--model`
 * here names a classifier (a .tlc file or a shipped default); the embedding model directory is
 * `--embedding-model`.
 */
import { stat } from 'node:fs/promises';
import type { Command } from 'commander';
import { EvalReport, TicketLensError, TrainParams } from '../../shared/api';
import { classifyCsv } from '../classify/batch';
import { readLabelled } from '../classify/dataset';
import { evaluateModel, reportMarkdown } from '../classify/evaluate';
import { ClassifyService, resolveModelPath } from '../classify/service';
import { trainModel } from '../classify/trainModel';
import { writeFileAtomic } from '../data/atomic';
import { EvaluateRequest } from '../../shared/evaluation';
import { evaluateClassifier } from '../evaluation/evaluateClassifier';
import { checkEvaluationOutputs, writeEvaluation } from '../evaluation/writeEvaluation';
import { checkOutputFile, CLASSIFIER_OUTPUT, headedOutput, jsonOutput } from '../data/outputs';
import { cacheRoot, defaultModelDir, loadEmbedder, type Embedder } from '../embed';
import { createLogger } from '../log';
import { addDeviceOptions, type DeviceFlags } from './options';
import { createProgress } from './progress';

interface EmbedFlags extends DeviceFlags {
  embeddingModel?: string;
  cache: boolean;
  quiet?: boolean;
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

function addEmbeddingOptions(cmd: Command): Command {
  return addDeviceOptions(cmd.option('--embedding-model <dir>', 'sentence-embedding model directory (default: $TICKET_LENS_MODEL_DIR or the model cache)'), 'embedding model weights')
    .option('--no-cache', 'do not use the on-disk embedding cache')
    .option('--quiet', 'no progress output');
}

/** Larger than any report: a bigger .json is not one. */
const MAX_REPORT_BYTES = 64 * 1024 * 1024;

const EVAL_REPORT_OUTPUT = jsonOutput('an evaluation report', EvalReport, MAX_REPORT_BYTES);
/** reportMarkdown's first line. */
const EVAL_MARKDOWN_OUTPUT = headedOutput('an evaluation report', '# Evaluation of ');

function num(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new TicketLensError('bad_input', `${name} must be a number (got "${v}").`);
  return n;
}

async function withEmbedder<T>(f: EmbedFlags, run: (e: Embedder, signal: AbortSignal, progress: ReturnType<typeof createProgress>) => Promise<T>): Promise<T> {
  const log = createLogger(f.quiet ? 'warn' : 'info');
  const embedder = await loadEmbedder({ modelDir: f.embeddingModel ?? defaultModelDir(), device: f.device, dtype: f.dtype, cacheDir: f.cache ? cacheRoot() : undefined, log });
  const progress = createProgress({ quiet: f.quiet });
  const ac = new AbortController();
  const onSigint = () => {
    process.stderr.write('\ncancelling…\n');
    ac.abort(new TicketLensError('job_cancelled', 'Cancelled.'));
  };
  process.once('SIGINT', onSigint);
  try {
    return await run(embedder, ac.signal, progress);
  } finally {
    progress.stop();
    process.off('SIGINT', onSigint);
    await embedder.dispose();
  }
}

function stageTracker(progress: ReturnType<typeof createProgress>) {
  let stage = '';
  return (p: { stage: string; done?: number; total?: number }) => {
    if (p.stage !== stage) {
      stage = p.stage;
      progress.stage(p.stage, p.total);
    }
    if (p.done !== undefined) progress.update(p.done, p.total);
  };
}

interface TrainFlags extends EmbedFlags {
  textColumn: string;
  labelColumn: string[];
  multiLabelColumn: string[];
  sep: string;
  out: string;
  name?: string;
  adapter?: boolean;
  hidden?: string;
  epochs?: string;
  seed?: string;
  valFraction?: string;
  knnBlend?: string;
}

interface EvalFlags extends EmbedFlags {
  model: string;
  textColumn: string;
  labelColumn: string[];
  multiLabelColumn: string[];
  sep: string;
  out: string;
  reject?: boolean;
  folds?: string;
  task?: string;
}

/** `eval --out DIR`: one single-label head drawn (evaluation/), the likely mislabelled rows found. */
async function evaluateIntoFolder(csv: string, f: EvalFlags): Promise<void> {
  if (f.labelColumn.length !== 1 || f.multiLabelColumn.length) throw new TicketLensError('bad_input', 'eval --out DIR evaluates one single-label column: give exactly one --label-column (or --out FILE.json for the report of several).');
  if (f.reject) throw new TicketLensError('bad_input', '--reject applies to --out FILE.json; the pictures show the classifier\'s top class for every row.');
  const req = EvaluateRequest.parse({ csvPath: csv, textColumn: f.textColumn, labelColumn: f.labelColumn[0], model: f.model, task: f.task, folds: num('--folds', f.folds) });
  const inUse = [
    { path: csv, what: 'the labelled CSV' },
    { path: resolveModelPath(f.model), what: 'the classifier being evaluated' },
  ];
  // Refused before any work: an output over the input, the classifier, or a file Ticket Lens did not write.
  await checkEvaluationOutputs(f.out, inUse);
  const e = await withEmbedder(f, (embedder, signal, progress) => {
    const service = new ClassifyService(() => Promise.resolve(embedder));
    return evaluateClassifier(req, { classifier: (ref) => service.model(ref), embedder: () => Promise.resolve(embedder), signal, progress: stageTracker(progress) });
  });
  const files = await writeEvaluation(f.out, e, inUse);
  const li = e.labelIssues;
  process.stdout.write(
    `${e.model.task}: accuracy ${e.accuracy.toFixed(4)}, macro-F1 ${e.macroF1.toFixed(4)}, weighted-F1 ${e.weightedF1.toFixed(4)}, ROC-AUC ${e.macroAuc?.toFixed(4) ?? 'n/a'}, ECE ${e.reliability.ece.toFixed(4)}${li ? `; ${li.found} likely mislabelled rows (out-of-fold accuracy ${li.outOfFoldAccuracy.toFixed(4)})` : ''}\n`,
  );
  if (e.adapterEffect) process.stdout.write(`adapter: k-means ARI ${e.adapterEffect.ariBase.toFixed(3)} → ${e.adapterEffect.ariAdapted.toFixed(3)}, NMI ${e.adapterEffect.nmiBase.toFixed(3)} → ${e.adapterEffect.nmiAdapted.toFixed(3)}\n`);
  process.stdout.write(`evaluation: ${files.json}\n            ${files.markdown}\n            ${files.pictures.join('\n            ')}\n`);
}

interface ClassifyFlags extends EmbedFlags {
  model: string[];
  labelSet: string[];
  workspace?: string;
  textColumn: string;
  out: string;
  reject: boolean;
}

export function registerClassifyCommands(program: Command): void {
  addEmbeddingOptions(
    program
      .command('train')
      .description('train a classifier (one head per label column) on a labelled CSV and write a model file')
      .argument('<csv>', 'labelled CSV (never modified)')
      .requiredOption('--text-column <name>', 'column holding the text')
      .option('--label-column <name>', 'a single-label column to learn (repeatable)', collect, [])
      .option('--multi-label-column <name>', 'a multi-label column, labels separated by --sep (repeatable)', collect, [])
      .option('--sep <s>', 'separator inside multi-label cells', ';')
      .requiredOption('--out <file>', 'model file to write (.tlc)')
      .option('--name <name>', 'model name shown in predictions (default: the file name)')
      .option('--adapter', 'train the contrastive adapter on the frozen embedding first')
      .option('--hidden <n>', 'hidden layer width (0 = linear head)')
      .option('--epochs <n>', 'maximum epochs (early stopping on validation)')
      .option('--seed <n>', 'random seed (same data + parameters + seed → same model)')
      .option('--val-fraction <x>', 'share held out for validation, per class')
      .option('--knn-blend <x|auto>', 'weight of the kNN vote (auto: best on validation)'),
  ).action(async (csv: string, f: TrainFlags) => {
    await checkOutputFile(f.out, [{ path: csv, what: 'the training CSV' }], { option: '--out', replaces: CLASSIFIER_OUTPUT });
    const params = TrainParams.parse({
      adapter: f.adapter ?? false,
      hidden: num('--hidden', f.hidden),
      epochs: num('--epochs', f.epochs),
      seed: num('--seed', f.seed),
      valFraction: num('--val-fraction', f.valFraction),
      knnBlend: f.knnBlend === undefined || f.knnBlend === 'auto' ? 'auto' : num('--knn-blend', f.knnBlend),
    });
    const columns = [...f.labelColumn.map((column) => ({ column, multiLabel: false })), ...f.multiLabelColumn.map((column) => ({ column, multiLabel: true, sep: f.sep }))];
    const r = await withEmbedder(f, (embedder, signal, progress) =>
      trainModel({ csvPath: csv, textColumn: f.textColumn, columns, outPath: f.out, params, name: f.name }, { embedder, log: createLogger(f.quiet ? 'warn' : 'info'), signal, progress: stageTracker(progress) }),
    );
    for (const t of r.tasks) {
      process.stdout.write(`${t.task}: ${t.classes} classes, ${t.trainRows} train / ${t.valRows} validation rows, best epoch ${t.bestEpoch}/${t.epochs}; validation ${t.multiLabel ? 'exact match' : 'accuracy'} ${t.valAccuracy.toFixed(4)}, macro-F1 ${t.valMacroF1.toFixed(4)}\n`);
    }
    if (r.adapter) {
      const a = r.adapter;
      process.stdout.write(`adapter (validation): accuracy ${a.valAccuracyWithout.toFixed(4)} → ${a.valAccuracyWith.toFixed(4)}; k-means ARI ${a.ariWithout.toFixed(3)} → ${a.ariWith.toFixed(3)}, NMI ${a.nmiWithout.toFixed(3)} → ${a.nmiWith.toFixed(3)}\n`);
    }
    process.stdout.write(`timings: ${Object.entries(r.timings).map(([k, v]) => `${k} ${v.toFixed(1)}s`).join(', ')}\nmodel: ${r.modelPath}\n`);
  });

  addEmbeddingOptions(
    program
      .command('eval')
      .description('evaluate a classifier on a labelled CSV: --out DIR writes evaluation.json, evaluation.md and pictures (confusion matrix, per-class P/R/F1, ROC curves, reliability diagram) with the likely mislabelled rows; --out FILE.json writes report.json and a markdown report beside it')
      .argument('<csv>', 'labelled CSV (never modified)')
      .requiredOption('--model <file>', 'classifier (.tlc file or a shipped default name)')
      .requiredOption('--text-column <name>', 'column holding the text')
      .option('--label-column <name>', 'a single-label column to evaluate (repeatable)', collect, [])
      .option('--multi-label-column <name>', 'a multi-label column (repeatable)', collect, [])
      .option('--sep <s>', 'separator inside multi-label cells', ';')
      .requiredOption('--out <file|dir>', 'report.json to write (the markdown goes to the same name with .md); or a folder (any other name that is not an existing file) for evaluation.json, evaluation.md and the pictures (one --label-column)')
      .option('--reject', 'apply the reject option (rejected rows count as errors; report.json only)')
      .option('--task <name>', 'with --out DIR: the classifier\'s task to judge against the label column (default: the task of that column\'s name)')
      .option('--folds <k>', 'with --out DIR: k-fold out-of-fold training that finds likely mislabelled rows (0: skip)', '5'),
  ).action(async (csv: string, f: EvalFlags) => {
    // A folder (new or existing) gets the pictures; a .json name or an existing file keeps the report and its checks.
    if (!/\.json$/i.test(f.out) && !(await stat(f.out).catch(() => null))?.isFile()) {
      await evaluateIntoFolder(csv, f);
      return;
    }
    const mdPath = f.out.replace(/\.json$/i, '') + '.md';
    const inUse = [
      { path: csv, what: 'the labelled CSV' },
      { path: resolveModelPath(f.model), what: 'the classifier being evaluated' },
    ];
    await checkOutputFile(f.out, inUse, { option: '--out', replaces: EVAL_REPORT_OUTPUT });
    await checkOutputFile(mdPath, inUse, { option: 'The markdown report', replaces: EVAL_MARKDOWN_OUTPUT });
    const report = await withEmbedder(f, async (embedder, signal, progress) => {
      const service = new ClassifyService(() => Promise.resolve(embedder));
      const clf = await service.model(f.model);
      const columns = [...f.labelColumn.map((column) => ({ column, multiLabel: false })), ...f.multiLabelColumn.map((column) => ({ column, multiLabel: true, sep: f.sep }))];
      const knownLabels: Record<string, string[]> = {};
      for (const c of columns) {
        const t = clf.tasks.find((tk) => tk.column === c.column || tk.name === c.column) ?? (clf.tasks.length === 1 && columns.length === 1 ? clf.tasks[0] : undefined);
        if (t && !t.multiLabel) knownLabels[c.column] = t.labels;
      }
      const data = await readLabelled(csv, f.textColumn, columns, { signal, knownLabels });
      const track = stageTracker(progress);
      const v = await embedder.embed(data.texts, { signal, priority: 'background', onProgress: (done, total) => track({ stage: 'embedding', done, total }) });
      progress.stop();
      return evaluateModel(clf, data, v, { reject: f.reject ?? false, modelName: clf.name });
    });
    await writeFileAtomic(f.out, `${JSON.stringify(report, null, 2)}\n`);
    await writeFileAtomic(mdPath, reportMarkdown(report));
    for (const t of report.tasks) {
      process.stdout.write(
        `${t.task}: ${t.multiLabel ? 'exact match' : 'accuracy'} ${t.accuracy.toFixed(4)}, macro-F1 ${t.macro_f1.toFixed(4)}, micro-F1 ${t.micro_f1.toFixed(4)}, weighted-F1 ${t.weighted_f1.toFixed(4)}, ROC-AUC ${t.roc_auc_ovr?.toFixed(4) ?? 'n/a'}, ECE ${t.ece.toFixed(4)}${t.hamming_loss !== undefined ? `, Hamming ${t.hamming_loss.toFixed(4)}` : ''}${t.unknown ? `, unknown ${t.unknown}` : ''}\n`,
      );
    }
    process.stdout.write(`report: ${f.out}\n        ${mdPath}\n`);
  });

  addEmbeddingOptions(
    program
      .command('classify')
      .description('classify every row of a CSV into predictions.csv (all input columns + label and confidence per task); resumable')
      .argument('<csv>', 'input CSV (never modified)')
      .option('--model <file>', 'classifier (.tlc file or a shipped default name; repeatable)', collect, [])
      .option('--label-set <name>', 'zero-shot label set (repeatable; default: all when no --model)', collect, [])
      .option('--workspace <dir>', 'folder whose .ticket-lens/labels.json adds label sets', process.cwd())
      .requiredOption('--text-column <name>', 'column holding the text')
      .requiredOption('--out <file>', 'predictions CSV to write')
      .option('--no-reject', 'never answer "unknown"'),
  ).action(async (csv: string, f: ClassifyFlags) => {
    const r = await withEmbedder(f, (embedder, signal, progress) => {
      const service = new ClassifyService(() => Promise.resolve(embedder));
      return classifyCsv(
        { csvPath: csv, textColumn: f.textColumn, outPath: f.out, models: f.model, labelSets: f.labelSet.length ? f.labelSet : undefined, workspace: f.workspace, reject: f.reject },
        { service, signal, progress: stageTracker(progress) },
      );
    });
    process.stdout.write(`${r.rows} rows${r.resumedAfterRow ? ` (resumed after row ${r.resumedAfterRow})` : ''}; tasks: ${r.tasks.join(', ')}\npredictions: ${r.outPath}\n`);
  });
}


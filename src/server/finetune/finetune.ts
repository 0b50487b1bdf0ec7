/**
 * `ticket-lens finetune`: labelled CSV → split (whole labels held out, and a share of the other labels'
 * rows) → finetune.py on the training rows (same-label pairs, MultipleNegativesRankingLoss, exported
 * through build_model.py's ONNX + int8 + parity path) → manifest.json → evaluation of the base model,
 * today's adapter and the tuned model on what training never saw → finetune-eval.json. The whole folder
 * is built under a temporary name and renamed into place, so a failure or a cancel leaves no half model;
 * the evaluation then loads it from there and writes finetune-eval.json beside it (atomically too).
 */
import { rm, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { TicketLensError } from '../../shared/api';
import { adaptVectors, trainAdapter } from '../classify/adapter';
import { readLabelled } from '../classify/dataset';
import { writeDirAtomic, writeFileAtomic } from '../data/atomic';
import { loadEmbedder, type Embedder } from '../embed';
import { embeddingFingerprint } from '../embed/identity';
import type { Device, Dtype } from '../../shared/api';
import { writeTunedManifest } from './manifest';
import { requirePython, runTrainer, type TrainerEvent } from './python';
import { evalTable, FinetuneEval } from './report';
import { pipelineScores } from './pipelineScores';
import { KMEANS_RUNS, KNN_K, spaceScores } from './spaceScores';
import { samplePerLabel, splitForFinetune } from './split';

export const EVAL_FILE = 'finetune-eval.json';

export interface FinetuneParams {
  csvPath: string;
  textColumn: string;
  labelColumn: string;
  outDir: string;
  epochs: number;
  batchSize: number;
  maxPairs: number;
  holdoutLabels: number | string[];
  heldOutFraction: number;
  /** Rows per label in each evaluation set. */
  evalPerLabel: number;
  seed: number;
  /** Where finetune.py trains (auto: CUDA when torch sees a GPU). */
  trainDevice: 'auto' | 'cpu' | 'cuda';
  /** The base model (for the comparison) and how both are run for the evaluation. */
  baseModelDir: string;
  device: Device;
  dtype: Dtype;
  cacheDir?: string;
  python?: string;
}

export interface FinetuneHooks {
  signal?: AbortSignal;
  progress?: (p: { stage: string; done?: number; total?: number }) => void;
  onTrainerEvent?: (e: TrainerEvent) => void;
  onLog?: (line: string) => void;
}

export interface FinetuneResult {
  modelDir: string;
  evalPath: string;
  report: FinetuneEval;
  table: string;
}

export async function finetuneModel(p: FinetuneParams, hooks: FinetuneHooks = {}): Promise<FinetuneResult> {
  const outDir = resolve(p.outDir);
  // Before reading the CSV: a checkout without the venv learns so at once.
  requirePython(p.python);
  hooks.progress?.({ stage: 'reading' });
  const data = await readLabelled(p.csvPath, p.textColumn, [{ column: p.labelColumn, multiLabel: false }], { signal: hooks.signal });
  const task = data.tasks[0];
  const split = splitForFinetune(data.texts, task.raw, { holdoutLabels: p.holdoutLabels, heldOutFraction: p.heldOutFraction, seed: p.seed });
  const { texts, labels } = split;
  const id = `${basename(outDir)} (fine-tuned all-MiniLM-L6-v2)`;
  const made: { trainer?: Awaited<ReturnType<typeof runTrainer>> } = {};

  await writeDirAtomic(outDir, async (tmp) => {
    // Only the training rows reach Python: neither held-out rows nor held-out labels.
    const trainCsv = join(tmp, '.train.csv');
    await writeFile(trainCsv, stringify(split.trainRows.map((r) => [texts[r], labels[r]]), { header: true, columns: ['text', 'label'] }));
    hooks.progress?.({ stage: 'fine-tuning' });
    const trained = (made.trainer = await runTrainer(
      { outDir: tmp, trainCsv, verifyTextsCsv: trainCsv, epochs: p.epochs, batchSize: p.batchSize, maxPairs: p.maxPairs, seed: p.seed, device: p.trainDevice },
      {
        python: p.python,
        signal: hooks.signal,
        onLog: hooks.onLog,
        onEvent: (e) => {
          hooks.onTrainerEvent?.(e);
          if (e.event === 'step') hooks.progress?.({ stage: 'fine-tuning', done: e.step, total: e.total });
          if (e.event === 'export') hooks.progress?.({ stage: 'export + int8 + parity' });
        },
      },
    ));
    await rm(trainCsv);
    const { start, done } = trained;
    await writeTunedManifest(tmp, {
      id,
      verify: done.verify,
      finetune: { csv: resolve(p.csvPath), textColumn: p.textColumn, labelColumn: p.labelColumn, trainLabels: split.trainLabels, holdoutLabels: split.holdoutLabels, ...start, seed: p.seed, trainSeconds: done.trainSeconds },
    });
  });
  const trained = made.trainer;
  if (!trained) throw new TicketLensError('internal', 'the trainer finished without reporting');

  // Evaluated once in place: transformers.js does not load a tokenizer from the dot-named staging folder.
  const t0 = Date.now();
  const base = await loadEmbedder({ modelDir: p.baseModelDir, device: p.device, dtype: p.dtype, cacheDir: p.cacheDir });
  let tuned: Embedder | null = null;
  let report: FinetuneEval;
  try {
    // No disk cache for the tuned model: its vectors are needed only here.
    tuned = await loadEmbedder({ modelDir: outDir, device: p.device, dtype: p.dtype });
    const lineage = tuned.info.lineage;
    if (!lineage) throw new TicketLensError('internal', `${outDir}/manifest.json has no lineage, so the model would pass for its base`);
    const [fb, ft] = [await embeddingFingerprint(base), await embeddingFingerprint(tuned)];
    const probe = fb.vectors.map((v, i) => v.reduce((s, x, d) => s + x * ft.vectors[i][d], 0));
    const { start, done } = trained;
    report = {
      data: {
        csv: resolve(p.csvPath),
        textColumn: p.textColumn,
        labelColumn: p.labelColumn,
        rows: texts.length,
        duplicatesDropped: split.duplicatesDropped,
        trainLabels: split.trainLabels,
        holdoutLabels: split.holdoutLabels,
        trainRows: split.trainRows.length,
        heldOutRows: split.heldOutRows.length,
        holdoutRows: split.holdoutRows.length,
      },
      training: {
        device: done.device,
        threads: done.threads,
        pairs: start.pairs,
        steps: start.steps,
        batch: start.batch,
        epochs: start.epochs,
        lr: start.lr,
        seed: p.seed,
        trainSeconds: done.trainSeconds,
        exportSeconds: done.exportSeconds,
        finalLoss: done.finalLoss,
      },
      model: {
        id,
        onnxSha256: tuned.info.modelHash,
        baseId: base.info.modelId,
        baseOnnxSha256: base.info.modelHash,
        lineage,
        probeCosineToBase: { min: Math.min(...probe), max: Math.max(...probe) },
        parity: { fp32MinCosine: done.verify.cosine.fp32.min, q8MinCosine: done.verify.cosine.q8.min },
      },
      method: {
        clustering: `seeded k-means++ (k = number of labels) on the unit vectors, mean of ${KMEANS_RUNS} seeds`,
        pipeline: 'the top level of `ticket-lens cluster` with its defaults (UMAP, HDBSCAN with the automatic minimum cluster size), noise counted as one more cluster',
        knn: `${KNN_K} nearest by cosine, majority vote; held-out labels: leave-one-out within the set; held-out rows: against training rows of the same labels`,
        adapter: 'the contrastive adapter (classify/adapter.ts, as `train --adapter`) trained on the base vectors of the same training rows',
      },
      spaces: await scoreSpaces(p, split, base, tuned, hooks),
      evalSeconds: 0,
    };
    report.evalSeconds = (Date.now() - t0) / 1000;
  } catch (err) {
    if (err instanceof TicketLensError && err.code === 'job_cancelled') throw new TicketLensError('job_cancelled', `The evaluation was cancelled; the model at ${outDir} is complete, without ${EVAL_FILE}.`);
    throw err;
  } finally {
    await tuned?.dispose();
    await base.dispose();
  }
  const evalPath = join(outDir, EVAL_FILE);
  await writeFileAtomic(evalPath, JSON.stringify(FinetuneEval.parse(report), null, 2) + '\n');
  return { modelDir: outDir, evalPath, report, table: evalTable(report) };
}
async function scoreSpaces(p: FinetuneParams, split: ReturnType<typeof splitForFinetune>, base: Embedder, tuned: Embedder, hooks: FinetuneHooks): Promise<FinetuneEval['spaces']> {
  const { texts, labels } = split;
  const dim = base.info.dim;
  const holdout = samplePerLabel(split.holdoutRows, labels, p.evalPerLabel, p.seed);
  const queries = samplePerLabel(split.heldOutRows, labels, p.evalPerLabel, p.seed + 1);
  const refs = samplePerLabel(split.trainRows, labels, p.evalPerLabel, p.seed + 2);
  const pick = (rows: number[]) => rows.map((r) => texts[r]);
  const embed = async (e: Embedder, rows: number[], stage: string) => {
    hooks.progress?.({ stage, done: 0, total: rows.length });
    return e.embed(pick(rows), { signal: hooks.signal, onProgress: (done, total) => hooks.progress?.({ stage, done, total }) });
  };

  // The adapter is trained the existing way on the base vectors of every training row (the rows the fine-tune drew its pairs from).
  const trainVecs = await embed(base, split.trainRows, 'embedding (base)');
  const labelIndex = new Map(split.trainLabels.map((l, i) => [l, i]));
  const y = Int32Array.from(split.trainRows, (r) => labelIndex.get(labels[r])!);
  hooks.progress?.({ stage: 'training the adapter' });
  const adapter = trainAdapter(trainVecs, dim, y, Array.from(y, (_, i) => i), { seed: p.seed, signal: hooks.signal });
  const refPos = new Map(split.trainRows.map((r, i) => [r, i]));
  const baseRefs = new Float32Array(refs.length * dim);
  refs.forEach((r, i) => baseRefs.set(trainVecs.subarray(refPos.get(r)! * dim, (refPos.get(r)! + 1) * dim), i * dim));

  const evalRows = [...holdout, ...queries];
  const baseEval = await embed(base, evalRows, 'embedding (base)');
  const tunedEval = await embed(tuned, [...evalRows, ...refs], 'embedding (fine-tuned)');
  const tunedRefs = tunedEval.slice(evalRows.length * dim);
  const part = (v: Float32Array, from: number, to: number) => v.slice(from * dim, to * dim);
  const hl = holdout.map((r) => labels[r]);
  const ql = queries.map((r) => labels[r]);
  const rl = refs.map((r) => labels[r]);
  const score = async (v: Float32Array, ref: Float32Array, space: string) => {
    hooks.progress?.({ stage: `scoring (${space})` });
    const one = async (x: Float32Array, l: string[], r?: { x: Float32Array; labels: string[] }) => ({ ...spaceScores(x, dim, l, p.seed, r), pipeline: await pipelineScores(x, dim, l, hooks.signal) });
    return {
      heldOutLabels: holdout.length ? await one(part(v, 0, holdout.length), hl) : null,
      heldOutRows: await one(part(v, holdout.length, evalRows.length), ql, { x: ref, labels: rl }),
    };
  };
  return {
    base: await score(baseEval, baseRefs, 'base'),
    adapter: await score(adaptVectors({ dim, A: adapter.A }, baseEval), adaptVectors({ dim, A: adapter.A }, baseRefs), 'adapter'),
    finetuned: await score(tunedEval, tunedRefs, 'fine-tuned'),
  };
}

/**
 * `ticket-lens train`: CSV → frozen embeddings → (optional contrastive adapter) → one head per task →
 * kNN-blend weight, reject threshold and validation metrics → one model file. Every task shares one
 * stratified split (on the first task), so the adapter, the stored examples and every head see the
 * same validation rows and no validation text leaks into what the model stores.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { JobProgress, TaskTrainSummary, TrainParams, TrainResult } from '../../shared/api';
import { TicketLensError } from '../../shared/api';
import { Prng } from '../vectors/prng';
import { checkOutputFile, CLASSIFIER_OUTPUT } from '../data/outputs';
import type { Embedder } from '../embed/types';
import type { Logger } from '../log';
import { adapterTask, agreementTask } from './adapter';
import { TrainedClassifier } from './classifier';
import { readLabelled, type LabelledTask, type TaskColumn } from './dataset';
import { embeddingFingerprint } from '../embed/identity';
import { ModelHeader, saveModel, type ModelData, type ModelTask } from './modelFile';
import { DEFAULT_REJECT_QUANTILE, quantile } from './reject';
import { fitOodRule, oodFeatures } from './oodScore';
import { shuffleInPlace, stratifiedSplit } from './split';
import { trainHeadTask, type Targets, type TrainedHead } from './train';
import { runTask } from '../workers/pool';
import { toShared } from '../workers/task';

export interface TrainInput {
  csvPath: string;
  textColumn: string;
  columns: TaskColumn[];
  outPath: string;
  params: TrainParams;
  name?: string;
}

export interface TrainContext {
  embedder: Embedder;
  log: Logger;
  signal?: AbortSignal;
  progress?: (p: JobProgress) => void;
}

const targetsOf = (t: LabelledTask): Targets => (t.y ? { kind: 'single', y: t.y } : { kind: 'multi', y: t.multiHot! });

/** The ONNX hashes of the same model (q8 and fp32) from its manifest, so either dtype can use the classifier. */
function siblingHashes(modelDir: string, inUse: string): string[] {
  const out = [inUse];
  const mf = join(modelDir, 'manifest.json');
  if (existsSync(mf)) {
    try {
      const files = (JSON.parse(readFileSync(mf, 'utf8')) as { files?: Record<string, string> }).files ?? {};
      for (const [f, h] of Object.entries(files)) if (f.endsWith('.onnx') && !out.includes(h)) out.push(h);
    } catch {
      /* the embedder already validated the manifest; an unreadable one only loses the siblings */
    }
  }
  return out;
}

function singleLabelAccuracy(p: Float32Array, C: number, truth: ArrayLike<number>): number {
  let ok = 0;
  for (let r = 0; r < truth.length; r++) {
    let b = 0;
    for (let c = 1; c < C; c++) if (p[r * C + c] > p[r * C + b]) b = c;
    if (b === truth[r]) ok++;
  }
  return truth.length ? ok / truth.length : 0;
}

export async function trainModel(input: TrainInput, ctx: TrainContext): Promise<TrainResult> {
  const { params } = input;
  await checkOutputFile(input.outPath, [{ path: input.csvPath, what: 'the training CSV' }], { replaces: CLASSIFIER_OUTPUT });
  const timings: Record<string, number> = {};
  let t = performance.now();
  const lap = (k: string) => {
    const now = performance.now();
    timings[k] = (now - t) / 1000;
    t = now;
  };
  ctx.progress?.({ stage: 'reading CSV' });
  const data = await readLabelled(input.csvPath, input.textColumn, input.columns, { signal: ctx.signal });
  const n = data.texts.length;
  if (n < 4) throw new TicketLensError('bad_input', `${input.csvPath}: only ${n} labelled rows; training needs more examples per class.`);
  lap('read');

  ctx.progress?.({ stage: 'embedding', done: 0, total: n });
  const e = ctx.embedder;
  const dim = e.info.dim;
  // The one copy of the n × dim matrix: in shared memory, every worker task below reads it as it is.
  const raw = toShared(await e.embed(data.texts, { signal: ctx.signal, priority: 'background', onProgress: (done, total) => ctx.progress?.({ stage: 'embedding', done, total }) }));
  lap('embed');

  // one split for every task, stratified on the first task
  const first = data.tasks[0];
  const strata = first.y ? Array.from(first.y) : Array.from({ length: n }, (_, i) => first.multiHot!.subarray(i * first.labels.length, (i + 1) * first.labels.length).indexOf(1));
  const split = stratifiedSplit(strata, params.valFraction, params.seed);

  let x = raw;
  let adapterWeights: Float32Array | null = null;
  let adapterReport: TrainResult['adapter'] = null;
  // The number crunching runs in worker threads (workers/pool.ts): the server answers meanwhile and a cancel stops it at once.
  const headFor = (task: LabelledTask, vectors: Float32Array): Promise<TrainedHead> =>
    runTask(
      trainHeadTask,
      { x: vectors, dim, targets: targetsOf(task), params, classes: task.labels, split },
      { signal: ctx.signal, onProgress: (p) => ctx.progress?.({ stage: `training ${task.name}`, done: p.epoch, total: p.total }) },
    );

  const heads: (TrainedHead | null)[] = data.tasks.map(() => null);
  if (params.adapter) {
    const anchorTask = data.tasks.find((tk) => tk.y) ?? null;
    if (!anchorTask) throw new TicketLensError('bad_input', 'The contrastive adapter needs a single-label column (--label-column) to form same-label pairs.');
    ctx.progress?.({ stage: 'training adapter' });
    const ad = await runTask(adapterTask, { x: raw, dim, y: anchorTask.y!, rows: split.train, seed: params.seed }, { signal: ctx.signal });
    adapterWeights = ad.A;
    x = ad.adapted;
    lap('adapter');
    // with vs without, on the validation rows: head accuracy and k-means agreement with the labels
    const ti = data.tasks.indexOf(anchorTask);
    const without = await headFor(anchorTask, raw);
    heads[ti] = await headFor(anchorTask, x);
    const valX = (v: Float32Array) => {
      const o = new Float32Array(split.val.length * dim);
      split.val.forEach((r, i) => o.set(v.subarray(r * dim, r * dim + dim), i * dim));
      return o;
    };
    const valLabels = split.val.map((r) => anchorTask.raw[r]);
    const cw = await runTask(agreementTask, { x: valX(raw), dim, labels: valLabels, seed: params.seed }, { signal: ctx.signal });
    const ca = await runTask(agreementTask, { x: valX(x), dim, labels: valLabels, seed: params.seed }, { signal: ctx.signal });
    adapterReport = { valAccuracyWithout: without.valAccuracy, valAccuracyWith: heads[ti].valAccuracy, ariWithout: cw.ari, ariWith: ca.ari, nmiWithout: cw.nmi, nmiWith: ca.nmi };
    ctx.log.info(
      `adapter: validation accuracy ${without.valAccuracy.toFixed(4)} → ${heads[ti].valAccuracy.toFixed(4)}; k-means ARI ${cw.ari.toFixed(3)} → ${ca.ari.toFixed(3)}, NMI ${cw.nmi.toFixed(3)} → ${ca.nmi.toFixed(3)}`,
    );
  }
  for (let i = 0; i < data.tasks.length; i++) heads[i] ??= await headFor(data.tasks[i], x);
  lap('heads');

  // stored examples: up to examplesPerClass training rows per class of the first task
  const rng = new Prng(params.seed ^ 0x1b873593);
  const perClass = new Map<number, number[]>();
  for (const r of split.train) {
    const l = perClass.get(strata[r]);
    if (l) l.push(r);
    else perClass.set(strata[r], [r]);
  }
  const stored: number[] = [];
  for (const k of [...perClass.keys()].sort((a, b) => a - b)) {
    const rows = perClass.get(k)!;
    shuffleInPlace(rows, rng);
    stored.push(...rows.slice(0, params.examplesPerClass).sort((a, b) => a - b));
  }
  const exampleVectors = new Float32Array(stored.length * dim);
  stored.forEach((r, i) => exampleVectors.set(x.subarray(r * dim, r * dim + dim), i * dim));

  const tasks: Omit<ModelTask, 'weights'>[] = data.tasks.map((task, i) => {
    const h = heads[i]!;
    const summary: TaskTrainSummary = {
      task: task.name,
      multiLabel: task.multiLabel,
      classes: task.labels.length,
      trainRows: split.train.length,
      valRows: split.val.length,
      epochs: h.epochs,
      bestEpoch: h.bestEpoch,
      valAccuracy: h.valAccuracy,
      valMacroF1: h.valMacroF1,
      temperature: h.temperature,
      ...(h.thresholds ? { thresholds: Array.from(h.thresholds) } : {}),
    };
    return {
      name: task.name,
      column: task.column,
      multiLabel: task.multiLabel,
      ...(task.sep ? { sep: task.sep } : {}),
      labels: task.labels,
      hidden: params.hidden,
      temperature: h.temperature,
      thresholds: h.thresholds ? Array.from(h.thresholds) : null,
      knnBlend: 0,
      knnK: params.knnK,
      summary,
    };
  });

  const header = {
    format: 'ticket-lens-classifier' as const,
    version: 1 as const,
    name: input.name ?? basename(input.outPath).replace(/\.tlc$/, ''),
    createdAt: new Date().toISOString(),
    embedding: { modelId: e.info.modelId, hashes: siblingHashes(e.info.modelPath, e.info.modelHash), dim, dtype: e.info.dtype },
    fingerprint: await embeddingFingerprint(e),
    params,
    tasks: tasks.map((tk) => ({ ...tk, weights: { offset: 0, length: 0, dtype: 'f32' as const } })),
    adapter: null,
    examples: {
      texts: stored.map((r) => data.texts[r]),
      labels: Object.fromEntries(data.tasks.map((tk) => [tk.name, stored.map((r) => tk.raw[r])])),
      vectors: { offset: 0, length: 0, dtype: 'i8' as const },
      scales: { offset: 0, length: 0, dtype: 'f32' as const },
    },
    reject: { minSimilarity: -1, quantile: DEFAULT_REJECT_QUANTILE },
    metrics: {},
  };
  const model: ModelData = { header: ModelHeader.parse(header), weights: heads.map((h) => h!.params), adapter: adapterWeights, exampleVectors };
  const clf = new TrainedClassifier(input.outPath, model);

  // kNN-blend weight per single-label task and the reject threshold, both chosen on validation
  if (split.val.length > 0) {
    ctx.progress?.({ stage: 'calibrating' });
    const xVal = new Float32Array(split.val.length * dim);
    split.val.forEach((r, i) => xVal.set(x.subarray(r * dim, r * dim + dim), i * dim));
    const grid = params.knnBlend === 'auto' ? [0, 0.15, 0.3, 0.45, 0.6] : [params.knnBlend];
    const nb = await clf.neighbours(xVal);
    data.tasks.forEach((task, ti) => {
      if (!task.y) return;
      const truth = split.val.map((r) => task.y![r]);
      const head = clf.headProbabilities(xVal, ti);
      let best = { alpha: 0, acc: -1 };
      for (const alpha of grid) {
        const acc = singleLabelAccuracy(clf.blend(head, nb, ti, alpha), task.labels.length, truth);
        if (acc > best.acc + 1e-9) best = { alpha, acc };
      }
      model.header.tasks[ti].knnBlend = best.alpha;
      model.header.tasks[ti].summary.valAccuracy = best.acc;
    });
    model.header.reject.minSimilarity = quantile(nb.similarity.map((s) => s[0] ?? 1), DEFAULT_REJECT_QUANTILE);
    // the out-of-scope rule reads the task the stored examples were drawn per class of
    if (first.y) {
      const probs = clf.blend(clf.headProbabilities(xVal, 0), nb, 0, model.header.tasks[0].knnBlend);
      const f = oodFeatures(xVal, dim, nb.similarity, probs, first.labels.length, exampleVectors, Int32Array.from(stored, (r) => first.y![r]));
      const rule = fitOodRule(first.name, f);
      if (rule) model.header.reject.ood = rule;
    }
  }
  lap('calibrate');
  // What the model was measured at, carried in the file so that a model can be judged without its data.
  model.header.metrics = {
    validation: Object.fromEntries(model.header.tasks.map((tk) => [tk.name, { rows: tk.summary.valRows, accuracy: tk.summary.valAccuracy, macroF1: tk.summary.valMacroF1 }])),
    adapter: adapterReport,
  };

  // A job cancelled while calibrating writes no model file.
  if (ctx.signal?.aborted) throw new TicketLensError('job_cancelled', 'Training was cancelled; no model file was written.');
  await saveModel(input.outPath, {
    header: { ...model.header, tasks: model.header.tasks.map(({ weights: _w, ...rest }) => rest), examples: { texts: model.header.examples.texts, labels: model.header.examples.labels } },
    weights: model.weights,
    adapter: adapterWeights,
    exampleVectors,
  });
  lap('save');
  return { modelPath: input.outPath, rows: n, tasks: model.header.tasks.map((tk) => tk.summary), adapter: adapterReport, timings };
}

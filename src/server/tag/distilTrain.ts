/**
 * The two steps of distillation that touch a model: training on tags with the existing trainer
 * (trainModel, unchanged, from a CSV of the tags written beside the output under a temporary name:
 * one trainer, one model format, one set of defaults), and measuring a model's agreement with tags it
 * was not trained on.
 */
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { TrainParams, type JobProgress, type LabelSet, type TrainResult } from '../../shared/api';
import { TAG_LABEL_SEPARATOR } from '../../shared/tag';
import { tempSuffix } from '../data/atomic';
import type { Embedder } from '../embed/types';
import type { Logger } from '../log';
import type { TrainedClassifier } from '../classify/classifier';
import { trainModel } from '../classify/trainModel';
import { judge, type UnsureRule } from './distilPredict';
import type { DistilTag } from './distilTags';

export interface TrainOnTagsContext {
  embedder: Embedder;
  log: Logger;
  signal?: AbortSignal;
  progress?: (p: JobProgress) => void;
}

/** A classifier of `set` trained on `tags`, saved at `outPath`; the training CSV lives in `workDir` only while it trains. */
export async function trainOnTags(
  tags: readonly DistilTag[],
  set: LabelSet,
  o: { outPath: string; workDir: string; params: Partial<TrainParams>; seed: number },
  ctx: TrainOnTagsContext,
): Promise<TrainResult> {
  const textColumn = set.name === 'text' ? '_text' : 'text';
  const csvPath = join(o.workDir, `.distil-training.csv.${tempSuffix('tmp')}`);
  try {
    await writeFile(csvPath, stringify([[textColumn, set.name], ...tags.map((t) => [t.text, t.labels.join(TAG_LABEL_SEPARATOR)])]));
    return await trainModel(
      {
        csvPath,
        textColumn,
        columns: [{ column: set.name, multiLabel: set.multiLabel, ...(set.multiLabel ? { sep: TAG_LABEL_SEPARATOR } : {}) }],
        outPath: o.outPath,
        params: TrainParams.parse({ ...o.params, seed: o.seed }),
        name: `${set.name}-distilled`,
      },
      ctx,
    );
  } finally {
    await rm(csvPath, { force: true });
  }
}

export interface Agreement {
  /** Held-out tags whose label(s) the classifier gives too (exact match for multi-label). */
  agree: number;
  /** Of them, the rows it is not unsure of, and how many of those agree. */
  sure: number;
  agreeSure: number;
}

const sameLabels = (a: readonly string[], b: readonly string[]) => a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');

/** How often `clf` gives the held-out tags' labels, judged with the same rule as every row. */
export async function agreementWith(clf: TrainedClassifier, heldOut: readonly DistilTag[], rule: UnsureRule, embedder: Embedder, signal?: AbortSignal): Promise<Agreement> {
  const out: Agreement = { agree: 0, sure: 0, agreeSure: 0 };
  if (heldOut.length === 0) return out;
  const task = clf.tasks[0];
  const preds = await clf.predict(await embedder.embed(heldOut.map((t) => t.text), { signal, priority: 'background' }), { topK: task.labels.length, reject: true });
  heldOut.forEach((t, i) => {
    const j = judge(preds[i][0], task, rule);
    const same = sameLabels(j.labels, t.labels);
    if (same) out.agree++;
    if (!j.why) {
      out.sure++;
      if (same) out.agreeSure++;
    }
  });
  return out;
}

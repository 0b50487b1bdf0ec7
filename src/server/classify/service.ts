/**
 * The engine behind POST /classify and `ticket-lens classify`: resolves which trained models and
 * zero-shot label sets to run, keeps them loaded (models by path and modification time, label-set
 * prototypes by content), embeds the texts once, and returns per text one prediction per task —
 * with explanations when asked.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { ClassifyRequestParsed, ClassifyResponse, LabelSet, TaskPrediction } from '../../shared/api';
import { TicketLensError } from '../../shared/api';
import type { Embedder } from '../embed/types';
import { TrainedClassifier } from './classifier';
import { margins, occlusion } from './explain';
import { resolveLabelSets } from './labelSets';
import { assertSameEmbedding } from './embeddingCheck';
import { loadModelFile } from './modelFile';
import { buildPrototypes, zeroShotPredict, zeroShotScores, type Prototypes } from './zeroShot';

/** Where the shipped default classifiers live: $TICKET_LENS_CLASSIFIERS_DIR, else models/classifiers of the package. */
export function defaultClassifiersDir(): string {
  if (process.env.TICKET_LENS_CLASSIFIERS_DIR) return resolve(process.env.TICKET_LENS_CLASSIFIERS_DIR);
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    const cand = join(dir, 'models', 'classifiers');
    if (existsSync(cand)) return cand;
    dir = dirname(dir);
  }
  return join(__dirname, '..', 'models', 'classifiers');
}

/** A model argument: a path to a .tlc file, or the name of a shipped default. */
export function resolveModelPath(ref: string): string {
  if (/[\\/]/.test(ref) || ref.endsWith('.tlc')) return resolve(ref);
  const p = join(defaultClassifiersDir(), `${ref}.tlc`);
  if (!existsSync(p)) throw new TicketLensError('bad_input', `There is no shipped classifier "${ref}" (looked for ${p}); give a path to a .tlc file.`);
  return p;
}

export class ClassifyService {
  private readonly models = new Map<string, { mtimeMs: number; clf: TrainedClassifier }>();
  private readonly prototypes = new Map<string, Prototypes>();

  constructor(private readonly getEmbedder: () => Promise<Embedder>) {}

  async model(ref: string): Promise<TrainedClassifier> {
    const path = resolveModelPath(ref);
    let mtimeMs: number;
    try {
      mtimeMs = statSync(path).mtimeMs;
    } catch {
      throw new TicketLensError('bad_input', `${path}: classifier file not found.`, { path });
    }
    const hit = this.models.get(path);
    const e = await this.getEmbedder();
    if (hit && hit.mtimeMs === mtimeMs) return hit.clf;
    const data = await loadModelFile(path);
    await assertSameEmbedding(data.header, path, e);
    const clf = new TrainedClassifier(path, data);
    this.models.set(path, { mtimeMs, clf });
    return clf;
  }

  async labelSetPrototypes(sets: readonly LabelSet[]): Promise<Prototypes[]> {
    const e = await this.getEmbedder();
    const missing = sets.filter((s) => !this.prototypes.has(`${e.info.modelHash}:${JSON.stringify(s)}`));
    if (missing.length) {
      const built = await buildPrototypes(missing, e);
      built.forEach((p) => this.prototypes.set(`${e.info.modelHash}:${JSON.stringify(p.set)}`, p));
    }
    return sets.map((s) => this.prototypes.get(`${e.info.modelHash}:${JSON.stringify(s)}`)!);
  }

  async classify(req: ClassifyRequestParsed, signal?: AbortSignal): Promise<ClassifyResponse> {
    const e = await this.getEmbedder();
    const dim = e.info.dim;
    const models = await Promise.all(req.models.map((m) => this.model(m)));
    const setNames = req.labelSets ?? (req.models.length ? [] : undefined);
    const sets = setNames && setNames.length === 0 ? [] : await resolveLabelSets(setNames, req.workspace);
    const protos = await this.labelSetPrototypes(sets);
    // Texts typed into a request: kept in the embedder's memory, not written to its disk cache.
    const vectors = await e.embed(req.texts, { signal, persist: false, priority: 'interactive' });
    const opts = { topK: req.topK, reject: req.reject };
    const results: { tasks: TaskPrediction[] }[] = req.texts.map(() => ({ tasks: [] }));
    for (const clf of models) {
      const preds = await clf.predict(vectors, opts);
      preds.forEach((row, i) => results[i].tasks.push(...row));
    }
    for (const p of protos) zeroShotPredict(p, vectors, dim, opts).forEach((pred, i) => results[i].tasks.push(pred));
    if (req.explain) {
      for (let i = 0; i < req.texts.length; i++) await this.explain(req.texts[i], vectors.subarray(i * dim, (i + 1) * dim), results[i].tasks, models, protos, e, signal);
    }
    return { model: e.info.modelId, results };
  }

  private async explain(text: string, v: Float32Array, preds: TaskPrediction[], models: TrainedClassifier[], protos: Prototypes[], e: Embedder, signal?: AbortSignal): Promise<void> {
    const dim = e.info.dim;
    let k = 0;
    for (const clf of models) {
      const x = clf.toModelSpace(v);
      const nb = await clf.neighbours(x);
      for (let ti = 0; ti < clf.tasks.length; ti++, k++) {
        const pred = preds[k];
        const t = clf.tasks[ti];
        const labelIdx = t.labels.indexOf(pred.unknown ? pred.topK[0].label : pred.label);
        const nearest = nb.index[0].slice(0, 3).map((ei, j) => ({ text: clf.data.header.examples.texts[ei], label: clf.data.header.examples.labels[t.name]?.[ei] ?? '', similarity: nb.similarity[0][j] }));
        const words = await occlusion(text, e, (vs) => {
          return margins(clf.headLogits(clf.toModelSpace(vs), ti), t.labels.length, labelIdx);
        }, signal);
        pred.explanation = { nearest, words };
      }
    }
    for (const p of protos) {
      const pred = preds[k++];
      const labelIdx = p.set.labels.findIndex((l) => l.name === (pred.unknown ? pred.topK[0].label : pred.label));
      const sims = new Float32Array(p.texts.length);
      for (let j = 0; j < p.texts.length; j++) {
        let s = 0;
        for (let d = 0; d < dim; d++) s += v[d] * p.vectors[j * dim + d];
        sims[j] = s;
      }
      const order = Array.from(sims.keys()).sort((a, b) => sims[b] - sims[a]).slice(0, 3);
      const nearest = order.map((j) => ({ text: p.texts[j], label: p.set.labels[p.label[j]].name, similarity: sims[j] }));
      const C = p.set.labels.length;
      const words = await occlusion(text, e, (vs) => {
        return margins(zeroShotScores(p, vs, dim).sims, C, labelIdx);
      }, signal);
      pred.explanation = { nearest, words };
    }
  }
}

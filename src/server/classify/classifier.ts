/**
 * A loaded trained classifier: maps sentence vectors to per-task predictions. The pipeline per text:
 * adapter (if trained) → head probabilities at the fitted temperature → blended with a kNN vote over
 * the stored training examples (single-label tasks; weight chosen on validation) → top-k, and the
 * reject option on the nearest example's similarity.
 */
import type { TaskPrediction } from '../../shared/classify';
import { adaptVectors } from './adapter';
import { forward, probabilities, type HeadShape } from './heads';
import type { ModelData, ModelTask } from './modelFile';
import { isRejected, rejectReason } from './reject';
import { isOutOfScope, oodFeatures, oodReason, oodScores } from './oodScore';
import { topK } from '../vectors/similarity';
import { topKSimilar, transpose } from '../vectors/matmulTopK';

/** Temperature of the kNN vote: exp(cosine / KNN_TEMPERATURE). */
export const KNN_TEMPERATURE = 0.05;

export interface PredictOptions {
  topK: number;
  reject: boolean;
}

export interface Neighbours {
  /** Per row, indices of the nearest stored examples, most similar first. */
  index: number[][];
  similarity: Float32Array[];
}

export interface Rejecter {
  /** Row r is "unknown"; `confidence` is the task's top probability (read by the older rule only). */
  rejected(r: number, confidence: number): boolean;
  reason(r: number, confidence: number, task: string): string;
}

export class TrainedClassifier {
  readonly dim: number;
  private readonly labelIndex: Int32Array[];
  private examplesT: Float32Array | null = null;

  constructor(
    readonly path: string,
    readonly data: ModelData,
  ) {
    this.dim = data.header.embedding.dim;
    this.labelIndex = data.header.tasks.map((t) => {
      const idx = new Map(t.labels.map((l, i) => [l, i]));
      return Int32Array.from(data.header.examples.labels[t.name] ?? [], (l) => idx.get(l) ?? -1);
    });
  }

  get name(): string {
    return this.data.header.name;
  }

  get tasks(): ModelTask[] {
    return this.data.header.tasks;
  }

  /** The vectors in the space the heads were trained in (adapted when the model has an adapter). */
  toModelSpace(vectors: Float32Array): Float32Array {
    return this.data.adapter ? adaptVectors({ dim: this.dim, A: this.data.adapter }, vectors) : vectors;
  }

  /**
   * The stored examples nearest to each row of x (model space), most similar first. Always through
   * onnxruntime on the interactive inference thread, even for one text: a JS loop was a little faster
   * for one ticket (p50 5.7 vs 7.7 ms) but ran on the HTTP thread, ~2.5 ms per text over 5,000
   * examples, in front of every other request; from 8 texts on onnxruntime was faster anyway
   * (bench:classify, 100 tickets a request: 239 → 487 tickets/s).
   */
  async neighbours(x: Float32Array): Promise<Neighbours> {
    const n = x.length / this.dim;
    const ex = this.data.exampleVectors;
    const stored = ex.length / this.dim;
    const k = Math.min(stored, Math.max(1, ...this.tasks.map((t) => t.knnK)));
    const index: number[][] = [];
    const similarity: Float32Array[] = [];
    this.examplesT ??= transpose(ex, stored, this.dim);
    const top = await topKSimilar(x, n, this.examplesT, stored, this.dim, k);
    for (let r = 0; r < n; r++) {
      index.push(Array.from(top.indices.subarray(r * top.k, (r + 1) * top.k)));
      similarity.push(top.values.slice(r * top.k, (r + 1) * top.k));
    }
    return { index, similarity };
  }

  /** The head's probabilities (n × classes) of task ti for x in model space. */
  headProbabilities(x: Float32Array, ti: number): Float32Array {
    const t = this.tasks[ti];
    const shape: HeadShape = { dim: this.dim, hidden: t.hidden, classes: t.labels.length, multiLabel: t.multiLabel };
    return probabilities(shape, this.data.weights[ti], x, x.length / this.dim, t.temperature);
  }

  /** The head's logits / temperature (n × classes) of task ti for x in model space: unsaturated scores for explanations. */
  headLogits(x: Float32Array, ti: number): Float32Array {
    const t = this.tasks[ti];
    const shape: HeadShape = { dim: this.dim, hidden: t.hidden, classes: t.labels.length, multiLabel: t.multiLabel };
    const z = forward(shape, this.data.weights[ti], x, x.length / this.dim).logits;
    for (let i = 0; i < z.length; i++) z[i] /= t.temperature;
    return z;
  }

  /** (1 − alpha) · head + alpha · kNN vote, in place on a copy of the head's probabilities. */
  blend(head: Float32Array, nb: Neighbours, ti: number, alpha: number): Float32Array {
    const t = this.tasks[ti];
    const p = head.slice();
    if (t.multiLabel || alpha === 0) return p;
    const C = t.labels.length;
    const lab = this.labelIndex[ti];
    const vote = new Float64Array(C);
    for (let r = 0; r < nb.index.length; r++) {
      vote.fill(0);
      let total = 0;
      const top = nb.index[r];
      const sims = nb.similarity[r];
      for (let j = 0; j < Math.min(t.knnK, top.length); j++) {
        const c = lab[top[j]];
        if (c < 0) continue;
        const w = Math.exp((sims[j] - sims[0]) / KNN_TEMPERATURE);
        vote[c] += w;
        total += w;
      }
      if (total === 0) continue;
      for (let c = 0; c < C; c++) p[r * C + c] = (1 - alpha) * p[r * C + c] + (alpha * vote[c]) / total;
    }
    return p;
  }

  /** Per task, n × classes final probabilities of vectors already in model space, and the neighbours. */
  async scores(x: Float32Array): Promise<{ perTask: Float32Array[]; neighbours: Neighbours }> {
    const neighbours = await this.neighbours(x);
    const perTask = this.tasks.map((t, ti) => this.blend(this.headProbabilities(x, ti), neighbours, ti, t.knnBlend));
    return { perTask, neighbours };
  }

  /**
   * The reject decision for rows of x (model space) given their scores: by the model's out-of-scope
   * rule, the same for every task of a row; in older files without one, by the nearest example's
   * similarity and each task's own top probability.
   */
  rejecter(x: Float32Array, perTask: Float32Array[], nb: Neighbours): Rejecter {
    const { reject, examples } = this.data.header;
    const nearest = (r: number) => (nb.index[r].length ? { index: nb.index[r][0], similarity: nb.similarity[r][0] } : { index: -1, similarity: 1 });
    const rule = reject.ood;
    const ti = rule ? this.tasks.findIndex((t) => t.name === rule.task && !t.multiLabel) : -1;
    if (rule && ti >= 0) {
      const f = oodFeatures(x, this.dim, nb.similarity, perTask[ti], this.tasks[ti].labels.length, this.data.exampleVectors, this.labelIndex[ti]);
      const scores = oodScores(f, rule);
      return {
        rejected: (r) => isOutOfScope(scores[r], f, r, rule, reject.minSimilarity - reject.slack),
        reason: (r, _c, task) => {
          const near = nearest(r);
          return oodReason(scores[r], rule, f, r, near.index >= 0 ? examples.texts[near.index] : '', near.index >= 0 ? (examples.labels[task]?.[near.index] ?? '') : '');
        },
      };
    }
    return {
      rejected: (r, confidence) => {
        const near = nearest(r);
        return near.index >= 0 && isRejected(near.similarity, confidence, reject);
      },
      reason: (r, confidence, task) => {
        const near = nearest(r);
        return rejectReason(near.similarity, examples.texts[near.index], examples.labels[task]?.[near.index] ?? '', reject.minSimilarity, reject.quantile, confidence);
      },
    };
  }

  /** Predictions for raw (unadapted) sentence vectors. */
  async predict(vectors: Float32Array, opts: PredictOptions): Promise<TaskPrediction[][]> {
    const x = this.toModelSpace(vectors);
    const n = x.length / this.dim;
    const { perTask, neighbours } = await this.scores(x);
    const rejecter = this.rejecter(x, perTask, neighbours);
    const out: TaskPrediction[][] = [];
    for (let r = 0; r < n; r++) {
      const row: TaskPrediction[] = [];
      this.tasks.forEach((t, ti) => {
        const C = t.labels.length;
        const p = perTask[ti].subarray(r * C, r * C + C);
        const order = topK(p, Math.min(opts.topK, C));
        const top = order.map((c) => ({ label: t.labels[c], score: p[c] }));
        const pred: TaskPrediction = { task: t.name, source: this.name, multiLabel: t.multiLabel, label: t.labels[order[0]], confidence: p[order[0]], topK: top, unknown: false };
        if (t.multiLabel) pred.labels = t.labels.filter((_, c) => p[c] >= (t.thresholds?.[c] ?? 0.5));
        if (opts.reject && rejecter.rejected(r, pred.confidence)) {
          pred.unknown = true;
          pred.label = 'unknown';
          pred.reason = rejecter.reason(r, pred.confidence, t.name);
          if (pred.labels) pred.labels = [];
        }
        row.push(pred);
      });
      out.push(row);
    }
    return out;
  }
}

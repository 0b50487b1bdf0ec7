/**
 * A loaded trained classifier: maps sentence vectors to per-task predictions. The pipeline per text:
 * adapter (if trained) → head probabilities at the fitted temperature → blended with a kNN vote over
 * the stored training examples (single-label tasks; weight chosen on validation) → top-k, and the
 * reject option on the nearest example's similarity.
 */
import type { TaskPrediction } from '../../shared/classify';
import { adaptVectors } from './adapter';
import { probabilities, type HeadShape } from './heads';
import type { ModelData, ModelTask } from './modelFile';
import { rejectReason } from './reject';
import { similarities, topK } from './similarity';

/** Temperature of the kNN vote: exp(cosine / KNN_TEMPERATURE). */
export const KNN_TEMPERATURE = 0.05;

export interface PredictOptions {
  topK: number;
  reject: boolean;
}

export interface TaskScores {
  /** n × classes: final (blended) probabilities. */
  probs: Float32Array;
}

export class TrainedClassifier {
  readonly dim: number;
  private readonly labelIndex: Int32Array[];

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

  /** Per task, n × classes probabilities of vectors already in model space; also the nearest-example similarities. */
  scores(x: Float32Array, opts: { knnBlend?: number[] } = {}): { perTask: Float32Array[]; nearest: { index: number; similarity: number }[]; neighbours: number[][] } {
    const n = x.length / this.dim;
    const ex = this.data.exampleVectors;
    const sims = new Float32Array(ex.length / this.dim);
    const neighbours: number[][] = [];
    const nearest: { index: number; similarity: number }[] = [];
    const maxK = Math.max(1, ...this.tasks.map((t) => t.knnK));
    const simRows: Float32Array[] = [];
    for (let r = 0; r < n; r++) {
      similarities(x, r, ex, this.dim, sims);
      const top = sims.length ? topK(sims, Math.min(maxK, sims.length)) : [];
      neighbours.push(top);
      simRows.push(Float32Array.from(top, (i) => sims[i]));
      nearest.push(top.length ? { index: top[0], similarity: sims[top[0]] } : { index: -1, similarity: 1 });
    }
    const perTask = this.tasks.map((t, ti) => {
      const shape: HeadShape = { dim: this.dim, hidden: t.hidden, classes: t.labels.length, multiLabel: t.multiLabel };
      const p = probabilities(shape, this.data.weights[ti], x, n, t.temperature);
      const alpha = opts.knnBlend?.[ti] ?? t.knnBlend;
      if (t.multiLabel || alpha === 0) return p;
      const C = t.labels.length;
      const lab = this.labelIndex[ti];
      const vote = new Float64Array(C);
      for (let r = 0; r < n; r++) {
        vote.fill(0);
        let total = 0;
        const top = neighbours[r].slice(0, t.knnK);
        top.forEach((e, j) => {
          const c = lab[e];
          if (c < 0) return;
          const w = Math.exp((simRows[r][j] - simRows[r][0]) / KNN_TEMPERATURE);
          vote[c] += w;
          total += w;
        });
        if (total === 0) continue;
        for (let c = 0; c < C; c++) p[r * C + c] = (1 - alpha) * p[r * C + c] + (alpha * vote[c]) / total;
      }
      return p;
    });
    return { perTask, nearest, neighbours };
  }

  /** Predictions for raw (unadapted) sentence vectors. */
  predict(vectors: Float32Array, opts: PredictOptions): TaskPrediction[][] {
    const x = this.toModelSpace(vectors);
    const n = x.length / this.dim;
    const { perTask, nearest } = this.scores(x);
    const { reject, examples } = this.data.header;
    const out: TaskPrediction[][] = [];
    for (let r = 0; r < n; r++) {
      const row: TaskPrediction[] = [];
      this.tasks.forEach((t, ti) => {
        const C = t.labels.length;
        const p = perTask[ti].subarray(r * C, r * C + C);
        const order = topK(p, Math.min(opts.topK, C));
        const top = order.map((c) => ({ label: t.labels[c], score: p[c] }));
        const near = nearest[r];
        const pred: TaskPrediction = { task: t.name, source: this.name, multiLabel: t.multiLabel, label: t.labels[order[0]], confidence: p[order[0]], topK: top, unknown: false };
        if (t.multiLabel) pred.labels = t.labels.filter((_, c) => p[c] >= (t.thresholds?.[c] ?? 0.5));
        if (opts.reject && near.index >= 0 && near.similarity < reject.minSimilarity) {
          pred.unknown = true;
          pred.label = 'unknown';
          pred.reason = rejectReason(near.similarity, examples.texts[near.index], examples.labels[t.name]?.[near.index] ?? '', reject.minSimilarity, reject.quantile);
          if (pred.labels) pred.labels = [];
        }
        row.push(pred);
      });
      out.push(row);
    }
    return out;
  }
}

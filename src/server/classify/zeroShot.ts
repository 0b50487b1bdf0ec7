/**
 * Zero-shot classification against label sets given as names + descriptions (+ example phrases):
 * every label gets prototypes — "name: description" and each example phrase — embedded once.
 *
 * A text's similarity to a label pools its cosines to the label's prototypes with a soft maximum
 * (log-mean-exp at POOL_SHARPNESS): near the closest prototype, but a label that several prototypes
 * agree on edges out one that a single stray example happens to match. Confidences are a softmax over
 * those similarities at the set's temperature — fitted on labelled texts (bench:classify) and stored
 * with the set — because the cosines of one embedding model sit in a narrow band and the old fixed
 * 0.03 turned a coin flip between two labels into "50% / 50%, 0% for the rest" while being right
 * less than half the time. A single-label prediction whose top two confidences are within
 * UNCERTAIN_MARGIN is flagged `uncertain`: on the labelled sets of bench:classify those are right
 * 35–48% of the time, against 58–90% for the rest.
 *
 * Multi-label sets report every label whose confidence is at least MULTI_LABEL_MIN (the top one
 * always); a text whose best cosine to any prototype is below REJECT_SIMILARITY is "unknown".
 * LEGACY_ZERO_SHOT keeps the previous method callable (closest prototype, temperature 0.03) so
 * bench:classify prints before and after in one run.
 */
import type { LabelSet, TaskPrediction } from '../../shared/api';
import type { Embedder } from '../embed/types';
import { similarities, topK } from '../vectors/similarity';

/** Softmax temperature of a set that carries none (a workspace set): between the fitted built-ins'. */
export const DEFAULT_ZERO_SHOT_TEMPERATURE = 0.05;
/** Width of the soft maximum over a label's prototypes; 0 = the closest prototype alone. */
export const POOL_SHARPNESS = 0.05;
export const MULTI_LABEL_MIN = 0.3;
/** Top-two confidence gap below which a single-label prediction is "uncertain". */
export const UNCERTAIN_MARGIN = 0.1;
/** Below this cosine to every prototype of a set, a text is unlike all its labels. */
export const REJECT_SIMILARITY = 0.2;

export interface ZeroShotMethod {
  /** Softmax temperature; absent: the set's own, else DEFAULT_ZERO_SHOT_TEMPERATURE. */
  temperature?: number;
  /** Soft-maximum width over prototypes; 0 = closest prototype. */
  pool: number;
}
export const ZERO_SHOT: ZeroShotMethod = { pool: POOL_SHARPNESS };
export const LEGACY_ZERO_SHOT: ZeroShotMethod = { temperature: 0.03, pool: 0 };

export interface Prototypes {
  set: LabelSet;
  /** Prototype texts and the label index of each. */
  texts: string[];
  label: Int32Array;
  vectors: Float32Array;
}

export function prototypeTexts(set: LabelSet): { texts: string[]; label: number[] } {
  const texts: string[] = [];
  const label: number[] = [];
  set.labels.forEach((l, i) => {
    texts.push(`${l.name}: ${l.description}`);
    label.push(i);
    for (const e of l.examples) {
      texts.push(e);
      label.push(i);
    }
  });
  return { texts, label };
}

export async function buildPrototypes(sets: readonly LabelSet[], embedder: Embedder): Promise<Prototypes[]> {
  const all = sets.map(prototypeTexts);
  const vectors = await embedder.embed(all.flatMap((p) => p.texts));
  const dim = embedder.info.dim;
  let o = 0;
  return sets.map((set, i) => {
    const { texts, label } = all[i];
    const v = vectors.slice(o * dim, (o + texts.length) * dim);
    o += texts.length;
    return { set, texts, label: Int32Array.from(label), vectors: v };
  });
}

export interface ZeroShotScores {
  /** n × labels softmax confidences. */
  probs: Float32Array;
  /** n × labels pooled similarity per label. */
  sims: Float32Array;
  /** Per row, the index of the closest prototype. */
  nearest: Int32Array;
  /** Per row, the cosine to the closest prototype. */
  best: Float32Array;
}

export function temperatureOf(set: LabelSet, method: ZeroShotMethod = ZERO_SHOT): number {
  return method.temperature ?? set.temperature ?? DEFAULT_ZERO_SHOT_TEMPERATURE;
}

export function zeroShotScores(p: Prototypes, x: Float32Array, dim: number, method: ZeroShotMethod = ZERO_SHOT): ZeroShotScores {
  const n = x.length / dim;
  const C = p.set.labels.length;
  const T = temperatureOf(p.set, method);
  const sims = new Float32Array(n * C);
  const probs = new Float32Array(n * C);
  const nearest = new Int32Array(n);
  const best = new Float32Array(n);
  const buf = new Float32Array(p.texts.length);
  const top = new Float64Array(C);
  const acc = new Float64Array(C);
  const count = new Int32Array(C);
  for (let r = 0; r < n; r++) {
    similarities(x, r, p.vectors, dim, buf);
    top.fill(-Infinity);
    let b = 0;
    for (let k = 0; k < buf.length; k++) {
      const c = p.label[k];
      if (buf[k] > top[c]) top[c] = buf[k];
      if (buf[k] > buf[b]) b = k;
    }
    nearest[r] = b;
    best[r] = buf[b];
    if (method.pool > 0) {
      // log-mean-exp around each label's maximum, so exp never overflows
      acc.fill(0);
      count.fill(0);
      for (let k = 0; k < buf.length; k++) {
        const c = p.label[k];
        acc[c] += Math.exp((buf[k] - top[c]) / method.pool);
        count[c]++;
      }
      for (let c = 0; c < C; c++) sims[r * C + c] = top[c] + method.pool * Math.log(acc[c] / count[c]);
    } else for (let c = 0; c < C; c++) sims[r * C + c] = top[c];
    let max = -Infinity;
    for (let c = 0; c < C; c++) max = Math.max(max, sims[r * C + c]);
    let z = 0;
    for (let c = 0; c < C; c++) z += probs[r * C + c] = Math.exp((sims[r * C + c] - max) / T);
    for (let c = 0; c < C; c++) probs[r * C + c] /= z;
  }
  return { probs, sims, nearest, best };
}

export function zeroShotPredict(p: Prototypes, x: Float32Array, dim: number, opts: { topK: number; reject: boolean }): TaskPrediction[] {
  const s = zeroShotScores(p, x, dim);
  const C = p.set.labels.length;
  const names = p.set.labels.map((l) => l.name);
  const out: TaskPrediction[] = [];
  for (let r = 0; r < x.length / dim; r++) {
    const probs = s.probs.subarray(r * C, r * C + C);
    const order = topK(probs, Math.min(Math.max(opts.topK, 2), C));
    const best = order[0];
    const bestSim = s.best[r];
    const pred: TaskPrediction = {
      task: p.set.name,
      source: 'zero-shot',
      multiLabel: p.set.multiLabel,
      label: names[best],
      confidence: probs[best],
      topK: order.slice(0, opts.topK).map((c) => ({ label: names[c], score: probs[c] })),
      unknown: false,
    };
    if (p.set.multiLabel) pred.labels = names.filter((_, c) => c === best || probs[c] >= MULTI_LABEL_MIN);
    else pred.uncertain = probs[best] - probs[order[1]] < UNCERTAIN_MARGIN;
    if (opts.reject && bestSim < REJECT_SIMILARITY) {
      pred.unknown = true;
      pred.label = 'unknown';
      pred.reason = `unlike every label of "${p.set.name}": the closest description or example ("${p.texts[s.nearest[r]]}") has similarity ${bestSim.toFixed(2)}, below ${REJECT_SIMILARITY}`;
      if (pred.labels) pred.labels = [];
      delete pred.uncertain;
    }
    out.push(pred);
  }
  return out;
}

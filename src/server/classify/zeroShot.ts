/**
 * Zero-shot classification against label sets given as names + descriptions (+ example phrases):
 * every label gets prototypes — "name: description" and each example phrase — embedded once; a
 * text's similarity to a label is its cosine to the closest prototype, and confidences are a
 * temperature-scaled softmax over those similarities (cosines of one embedding model sit in a narrow
 * band, so the raw values are not probabilities; the temperature spreads them — see
 * ZERO_SHOT_TEMPERATURE).
 *
 * Multi-label sets report every label whose confidence is at least MULTI_LABEL_MIN (so at most three
 * labels, the top one always); a text whose best similarity is below REJECT_SIMILARITY is "unknown".
 */
import type { LabelSet, TaskPrediction } from '../../shared/api';
import type { Embedder } from '../embed/types';
import { similarities, topK } from '../vectors/similarity';

/** Softmax temperature over cosine similarities. */
export const ZERO_SHOT_TEMPERATURE = 0.03;
export const MULTI_LABEL_MIN = 0.3;
/** Below this cosine to every prototype of a set, a text is unlike all its labels. */
export const REJECT_SIMILARITY = 0.2;

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
  /** n × labels best cosine per label. */
  sims: Float32Array;
  /** Per row, the index of the closest prototype. */
  nearest: Int32Array;
}

export function zeroShotScores(p: Prototypes, x: Float32Array, dim: number, temperature = ZERO_SHOT_TEMPERATURE): ZeroShotScores {
  const n = x.length / dim;
  const C = p.set.labels.length;
  const sims = new Float32Array(n * C).fill(-Infinity);
  const probs = new Float32Array(n * C);
  const nearest = new Int32Array(n);
  const buf = new Float32Array(p.texts.length);
  for (let r = 0; r < n; r++) {
    similarities(x, r, p.vectors, dim, buf);
    let best = 0;
    for (let k = 0; k < buf.length; k++) {
      const c = p.label[k];
      if (buf[k] > sims[r * C + c]) sims[r * C + c] = buf[k];
      if (buf[k] > buf[best]) best = k;
    }
    nearest[r] = best;
    let max = -Infinity;
    for (let c = 0; c < C; c++) max = Math.max(max, sims[r * C + c]);
    let z = 0;
    for (let c = 0; c < C; c++) z += probs[r * C + c] = Math.exp((sims[r * C + c] - max) / temperature);
    for (let c = 0; c < C; c++) probs[r * C + c] /= z;
  }
  return { probs, sims, nearest };
}

export function zeroShotPredict(p: Prototypes, x: Float32Array, dim: number, opts: { topK: number; reject: boolean }): TaskPrediction[] {
  const s = zeroShotScores(p, x, dim);
  const C = p.set.labels.length;
  const names = p.set.labels.map((l) => l.name);
  const out: TaskPrediction[] = [];
  for (let r = 0; r < x.length / dim; r++) {
    const probs = s.probs.subarray(r * C, r * C + C);
    const order = topK(probs, Math.min(opts.topK, C));
    const best = order[0];
    const bestSim = s.sims[r * C + best];
    const pred: TaskPrediction = {
      task: p.set.name,
      source: 'zero-shot',
      multiLabel: p.set.multiLabel,
      label: names[best],
      confidence: probs[best],
      topK: order.map((c) => ({ label: names[c], score: probs[c] })),
      unknown: false,
    };
    if (p.set.multiLabel) pred.labels = names.filter((_, c) => c === best || probs[c] >= MULTI_LABEL_MIN);
    if (opts.reject && bestSim < REJECT_SIMILARITY) {
      pred.unknown = true;
      pred.label = 'unknown';
      pred.reason = `unlike every label of "${p.set.name}": the closest description or example ("${p.texts[s.nearest[r]]}") has similarity ${bestSim.toFixed(2)}, below ${REJECT_SIMILARITY}`;
      if (pred.labels) pred.labels = [];
    }
    out.push(pred);
  }
  return out;
}

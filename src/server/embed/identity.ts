/**
 * Are vectors recorded with a run or a classifier comparable with this embedder's? Vectors of different
 * models are not, so a mismatch must be refused — but the same model reaches users as different ONNX files:
 * q8 or fp32, built offline here or fetched from the hub (Xenova/all-MiniLM-L6-v2), or rebuilt by newer
 * exporter and quantizer releases. A byte hash alone told those apart from a different model no better
 * than "not equal": a classifier shipped with the extension stopped loading after an onnxruntime update.
 *
 * So a classifier or a run records, besides the ONNX hashes, a behavioural fingerprint: a few fixed texts
 * and their vectors. A hash match is accepted at once; otherwise the probe texts are embedded and every
 * one must come back within FINGERPRINT_MIN_COSINE of its recorded vector. Builds of one model measured ≥ 0.99
 * apart (q8 vs PyTorch on 200 texts); unrelated models' spaces share no axes (cosine near 0).
 *
 * A fine-tune is the exception: a light one's probe vectors stay above 0.95 to its base model's (0.977–0.996
 * after 240 training pairs), so by behaviour it would pass for the base. Its manifest records a lineage, the
 * fingerprint carries it, and differing lineages are refused before any cosine is measured.
 */
import type { EmbeddingFingerprint } from '../../shared/api';
import type { Embedder } from './types';

export const FINGERPRINT_MIN_COSINE = 0.95;

/** Short, varied support texts: different lengths, vocabularies and intents. */
const PROBE_TEXTS = [
  'I want to cancel my order',
  'my card was charged twice for the same purchase, please refund one of the payments',
  'how do I reset my password?',
  'The package arrived damaged and the box was open.',
  'thanks, that solved it!',
  'can I change the delivery address after checkout',
  'Your app keeps crashing when I upload a photo on Android 14',
  'where is my invoice',
];

/** Probe vectors per embedder and probe set: a run's /runs/predict checks them on every request. */
const probeMemo = new WeakMap<Embedder, Map<string, Promise<Float32Array>>>();

function probeVectors(e: Embedder, texts: readonly string[]): Promise<Float32Array> {
  let byTexts = probeMemo.get(e);
  if (!byTexts) probeMemo.set(e, (byTexts = new Map<string, Promise<Float32Array>>()));
  const key = JSON.stringify(texts);
  let v = byTexts.get(key);
  if (!v) {
    v = e.embed(texts);
    v.catch(() => byTexts.delete(key));
    byTexts.set(key, v);
  }
  return v;
}

export async function embeddingFingerprint(e: Embedder): Promise<EmbeddingFingerprint> {
  const v = await probeVectors(e, PROBE_TEXTS);
  const d = e.info.dim;
  // Five decimals keep the header small; the check's tolerance is four orders of magnitude wider.
  const vectors = PROBE_TEXTS.map((_, i) => Array.from(v.subarray(i * d, (i + 1) * d), (x) => Math.round(x * 1e5) / 1e5));
  return { texts: [...PROBE_TEXTS], vectors, ...(e.info.lineage ? { lineage: e.info.lineage } : {}) };
}

/** A lineage as the evidence names it: the full hash is noise in a message, its first 12 digits identify it. */
function describeLineage(lineage: string | null): string {
  if (lineage === null) return 'the base model (not fine-tuned)';
  const colon = lineage.indexOf(':');
  const short = colon >= 0 && lineage.length - colon > 13 ? `${lineage.slice(0, colon + 13)}…` : lineage;
  return lineage.startsWith('finetuned:') ? `a fine-tuned model (${short})` : `a model of lineage ${short}`;
}

/** The smallest cosine between the recorded probe vectors and this embedder's. */
async function fingerprintAgreement(fp: EmbeddingFingerprint, e: Embedder): Promise<number> {
  const d = e.info.dim;
  const now = await probeVectors(e, fp.texts);
  let min = 1;
  fp.vectors.forEach((rec, i) => {
    let dot = 0;
    let nr = 0;
    for (let k = 0; k < d; k++) {
      dot += rec[k] * now[i * d + k];
      nr += rec[k] * rec[k];
    }
    min = Math.min(min, dot / Math.sqrt(nr || 1));
  });
  return min;
}

/** What a classifier or a run recorded about the embedding model it was made with. */
export interface RecordedEmbedding {
  hashes: readonly string[];
  dim: number;
  fingerprint?: EmbeddingFingerprint;
}

export type EmbeddingMatch = { same: true; by: 'hash' } | { same: true; by: 'fingerprint'; minCosine: number } | { same: false; evidence: string };

/** Whether vectors of this embedder are comparable with the recorded ones, and on what evidence. */
export async function compareEmbedding(rec: RecordedEmbedding, e: Embedder): Promise<EmbeddingMatch> {
  if (rec.dim !== e.info.dim) return { same: false, evidence: `${rec.dim}-d vectors, the server's are ${e.info.dim}-d` };
  if (rec.hashes.includes(e.info.modelHash)) return { same: true, by: 'hash' };
  // No lineage recorded means the base model: fingerprints older than lineages were all made with it.
  const recorded = rec.fingerprint?.lineage ?? null;
  if (recorded !== e.info.lineage) {
    return { same: false, evidence: `it was made with ${describeLineage(recorded)}, the server's model is ${describeLineage(e.info.lineage)}` };
  }
  if (!rec.fingerprint) return { same: false, evidence: 'no embedding fingerprint was recorded, so only an identical ONNX file is accepted' };
  const minCosine = await fingerprintAgreement(rec.fingerprint, e);
  if (minCosine >= FINGERPRINT_MIN_COSINE) return { same: true, by: 'fingerprint', minCosine };
  return { same: false, evidence: `its probe texts embed to vectors with cosine ${minCosine.toFixed(3)} to those recorded, below ${FINGERPRINT_MIN_COSINE}` };
}

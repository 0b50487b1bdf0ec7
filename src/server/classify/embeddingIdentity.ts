/**
 * Is this classifier usable with the embedder the server runs? Vectors of different models are not
 * comparable, so a mismatch must be refused — but the same model reaches users as different ONNX files:
 * q8 or fp32, built offline here or fetched from the hub (Xenova/all-MiniLM-L6-v2), or rebuilt by newer
 * exporter and quantizer releases. A byte hash alone told those apart from a different model no better
 * than "not equal": a classifier shipped with the extension stopped loading after an onnxruntime update.
 *
 * So a classifier records, besides the ONNX hashes, a behavioural fingerprint: a few fixed texts and their
 * vectors. A hash match is accepted at once; otherwise the probe texts are embedded and every one must
 * come back within FINGERPRINT_MIN_COSINE of its recorded vector. Builds of one model measured ≥ 0.99
 * apart (q8 vs PyTorch on 200 texts); unrelated models' spaces share no axes (cosine near 0).
 */
import type { ModelHeader } from './modelFile';
import { TicketLensError } from '../../shared/api';
import type { Embedder } from '../embed/types';
import type { EmbeddingFingerprint } from '../../shared/run';

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


export async function embeddingFingerprint(e: Embedder): Promise<EmbeddingFingerprint> {
  const v = await e.embed(PROBE_TEXTS);
  const d = e.info.dim;
  // Five decimals keep the header small; the check's tolerance is four orders of magnitude wider.
  const vectors = PROBE_TEXTS.map((_, i) => Array.from(v.subarray(i * d, (i + 1) * d), (x) => Math.round(x * 1e5) / 1e5));
  return { texts: [...PROBE_TEXTS], vectors };
}

/** The smallest cosine between the recorded probe vectors and this embedder's, or null when dims differ. */
export async function fingerprintAgreement(fp: EmbeddingFingerprint, e: Embedder): Promise<number | null> {
  const d = e.info.dim;
  if (fp.vectors.some((v) => v.length !== d)) return null;
  const now = await e.embed(fp.texts);
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

export type EmbeddingMatch = { by: 'hash' } | { by: 'fingerprint'; minCosine: number };

/** Resolves how the match was established; throws a specific error naming both models when there is none. */
export async function assertSameEmbedding(model: ModelHeader, path: string, e: Embedder): Promise<EmbeddingMatch> {
  const info = e.info;
  const want = model.embedding;
  if (want.dim === info.dim && want.hashes.includes(info.modelHash)) return { by: 'hash' };
  const agreement = want.dim === info.dim && model.fingerprint ? await fingerprintAgreement(model.fingerprint, e) : null;
  if (agreement !== null && agreement >= FINGERPRINT_MIN_COSINE) return { by: 'fingerprint', minCosine: agreement };
  const evidence =
    agreement === null
      ? model.fingerprint || want.dim !== info.dim
        ? ''
        : ' (the file has no embedding fingerprint, so only an identical ONNX file is accepted)'
      : ` (its probe texts embed to vectors with cosine ${agreement.toFixed(3)} to those recorded, below ${FINGERPRINT_MIN_COSINE})`;
  throw new TicketLensError(
    'bad_input',
    `${path} was trained on embeddings of ${want.modelId} (ONNX sha256 ${want.hashes[0].slice(0, 12)}…, ${want.dim}-d), but the server uses ${info.modelId} (sha256 ${info.modelHash.slice(0, 12)}…, ${info.dim}-d)${evidence}. Vectors of different models are not comparable: retrain the classifier with this model, or point --model / ticketLens.modelPath at the model it was trained with.`,
    { path, expected: want.modelId, actual: info.modelId },
  );
}

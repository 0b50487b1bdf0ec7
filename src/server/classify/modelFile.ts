/**
 * The trained-classifier file (`*.tlc`): small, versioned, self-describing, and never pickled code.
 *
 *   "TLCM" | u32 format version | u32 header length | header (UTF-8 JSON, zod-validated) | pad to 4 | blobs
 *
 * The header holds label names, the embedding model's id and hashes, parameters, thresholds, the
 * reject threshold and the training metrics; the blobs hold the head weights (float32), the adapter
 * (float32) and the stored training examples' vectors (int8, one scale per vector) used for the kNN
 * blend, explanations and the reject option. A file made with another embedding model is refused on
 * load (embeddingCheck.ts) with a message saying which model it needs.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { DEFAULT_REJECT_MAX_CONFIDENCE, DEFAULT_REJECT_SLACK } from './reject';
import { OodRule } from './oodScore';
import { EmbeddingFingerprint, TaskTrainSummary, TicketLensError, TrainParams } from '../../shared/api';
import { writeFileAtomic } from '../data/atomic';

export const MODEL_FORMAT_VERSION = 1;
/** The first four bytes of every classifier file: data/outputs.ts tells Ticket Lens's own .tlc files by them. */
export const CLASSIFIER_MAGIC = 'TLCM';

const Blob = z.object({ offset: z.number().int().min(0), length: z.number().int().min(0), dtype: z.enum(['f32', 'i8']) });
type Blob = z.infer<typeof Blob>;

export const ModelTask = z.object({
  name: z.string(),
  /** The CSV column it was trained from. */
  column: z.string(),
  multiLabel: z.boolean(),
  /** Multi-label: separator of labels inside a cell. */
  sep: z.string().optional(),
  labels: z.array(z.string()).min(2),
  hidden: z.number().int().min(0),
  weights: Blob,
  temperature: z.number().positive(),
  thresholds: z.array(z.number()).nullable(),
  /** Weight of the kNN vote blended into the head's probabilities (single-label tasks). */
  knnBlend: z.number().min(0).max(1),
  knnK: z.number().int().min(1),
  summary: TaskTrainSummary,
});
export type ModelTask = z.infer<typeof ModelTask>;

export const ModelHeader = z.object({
  format: z.literal('ticket-lens-classifier'),
  version: z.literal(MODEL_FORMAT_VERSION),
  name: z.string(),
  createdAt: z.string(),
  embedding: z.object({
    modelId: z.string(),
    /** The ONNX hash in use when trained, and its siblings (q8/fp32 of the same model) from the manifest. */
    hashes: z.array(z.string()).min(1),
    dim: z.number().int(),
    dtype: z.string(),
  }),
  /** Probe texts and their vectors when trained (embed/identity.ts); absent in older files. */
  fingerprint: EmbeddingFingerprint.optional(),
  params: TrainParams,
  tasks: z.array(ModelTask).min(1),
  adapter: Blob.nullable(),
  examples: z.object({
    texts: z.array(z.string()),
    /** Per task, each example's label (multi-label: labels joined by the task's separator). */
    labels: z.record(z.string(), z.array(z.string())),
    vectors: Blob,
    scales: Blob,
  }),
  reject: z.object({
    /** Below this similarity to the nearest stored example a text is "unknown". */
    minSimilarity: z.number(),
    /** Share of in-scope validation texts above the threshold (how it was chosen). */
    quantile: z.number(),
    /** A head at least this confident lowers the threshold by `slack` (see reject.ts); slack 0 = similarity alone. */
    maxConfidence: z.number().default(DEFAULT_REJECT_MAX_CONFIDENCE),
    slack: z.number().min(0).default(DEFAULT_REJECT_SLACK),
    /** The out-of-scope rule (oodScore.ts) that replaces the similarity rule above; absent in older files. */
    ood: OodRule.optional(),
  }),
  metrics: z.record(z.string(), z.unknown()).default({}),
});
export type ModelHeader = z.infer<typeof ModelHeader>;

export interface ModelData {
  header: ModelHeader;
  /** Per task, the flat head parameters. */
  weights: Float32Array[];
  adapter: Float32Array | null;
  /** Stored examples' vectors, dequantised, n × dim. */
  exampleVectors: Float32Array;
}

/** int8 with one scale per row (max-abs), for unit vectors a cosine error well under 1e-3. */
export function quantizeRows(x: Float32Array, dim: number): { q: Int8Array; scales: Float32Array } {
  const n = x.length / dim;
  const q = new Int8Array(x.length);
  const scales = new Float32Array(n);
  for (let r = 0; r < n; r++) {
    let m = 0;
    for (let d = 0; d < dim; d++) m = Math.max(m, Math.abs(x[r * dim + d]));
    const s = m > 0 ? m / 127 : 1;
    scales[r] = s;
    for (let d = 0; d < dim; d++) q[r * dim + d] = Math.round(x[r * dim + d] / s);
  }
  return { q, scales };
}

function dequantize(q: Int8Array, scales: Float32Array, dim: number): Float32Array {
  const out = new Float32Array(q.length);
  for (let r = 0; r < scales.length; r++) {
    let norm = 0;
    for (let d = 0; d < dim; d++) norm += (out[r * dim + d] = q[r * dim + d] * scales[r]) ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let d = 0; d < dim; d++) out[r * dim + d] /= norm;
  }
  return out;
}

export interface ModelToWrite {
  header: Omit<ModelHeader, 'format' | 'version' | 'adapter' | 'tasks' | 'examples'> & {
    tasks: Omit<ModelTask, 'weights'>[];
    examples: Omit<ModelHeader['examples'], 'vectors' | 'scales'>;
  };
  weights: Float32Array[];
  adapter: Float32Array | null;
  exampleVectors: Float32Array;
}

export function encodeModel(m: ModelToWrite): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  const add = (a: Float32Array | Int8Array): Blob => {
    const b = Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    const blob: Blob = { offset, length: a.length, dtype: a instanceof Float32Array ? 'f32' : 'i8' };
    parts.push(b);
    offset += b.length;
    const pad = (4 - (offset % 4)) % 4;
    if (pad) {
      parts.push(Buffer.alloc(pad));
      offset += pad;
    }
    return blob;
  };
  const dim = m.header.embedding.dim;
  const tasks = m.header.tasks.map((t, i) => ({ ...t, weights: add(m.weights[i]) }));
  const adapter = m.adapter ? add(m.adapter) : null;
  const { q, scales } = quantizeRows(m.exampleVectors, dim);
  const vectors = add(q);
  const sc = add(scales);
  const header: ModelHeader = ModelHeader.parse({ ...m.header, format: 'ticket-lens-classifier', version: MODEL_FORMAT_VERSION, tasks, adapter, examples: { ...m.header.examples, vectors, scales: sc } });
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const pre = Buffer.alloc(12);
  pre.write(CLASSIFIER_MAGIC, 0, 'ascii');
  pre.writeUInt32LE(MODEL_FORMAT_VERSION, 4);
  pre.writeUInt32LE(json.length, 8);
  const pad = Buffer.alloc((4 - ((12 + json.length) % 4)) % 4);
  return Buffer.concat([pre, json, pad, ...parts]);
}

export async function saveModel(path: string, m: ModelToWrite): Promise<void> {
  await writeFileAtomic(path, encodeModel(m));
}

const badModel = (path: string, why: string) =>
  new TicketLensError('bad_input', `${path} is not a usable Ticket Lens classifier: ${why}. Train one with \`ticket-lens train\`.`, { path });

export function decodeModel(buf: Buffer, path: string): ModelData {
  if (buf.length < 12 || buf.toString('ascii', 0, 4) !== CLASSIFIER_MAGIC) throw badModel(path, `it does not start with the ${CLASSIFIER_MAGIC} signature`);
  const version = buf.readUInt32LE(4);
  if (version !== MODEL_FORMAT_VERSION) throw badModel(path, `it has format version ${version}; this Ticket Lens reads version ${MODEL_FORMAT_VERSION} (retrain it)`);
  const len = buf.readUInt32LE(8);
  if (12 + len > buf.length) throw badModel(path, 'it is truncated');
  let raw: unknown;
  try {
    raw = JSON.parse(buf.toString('utf8', 12, 12 + len));
  } catch {
    throw badModel(path, 'its header is not valid JSON');
  }
  const parsed = ModelHeader.safeParse(raw);
  if (!parsed.success) throw badModel(path, `its header does not match the format (${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message})`);
  const header = parsed.data;
  const base = 12 + len + ((4 - ((12 + len) % 4)) % 4);
  const f32 = (b: Blob): Float32Array => {
    if (b.dtype !== 'f32' || base + b.offset + b.length * 4 > buf.length) throw badModel(path, 'a weight block lies outside the file');
    const copy = new Uint8Array(b.length * 4);
    copy.set(buf.subarray(base + b.offset, base + b.offset + b.length * 4));
    return new Float32Array(copy.buffer);
  };
  const i8 = (b: Blob): Int8Array => {
    if (b.dtype !== 'i8' || base + b.offset + b.length > buf.length) throw badModel(path, 'an example block lies outside the file');
    return Int8Array.from(buf.subarray(base + b.offset, base + b.offset + b.length), (v) => (v << 24) >> 24);
  };
  const dim = header.embedding.dim;
  return {
    header,
    weights: header.tasks.map((t) => f32(t.weights)),
    adapter: header.adapter ? f32(header.adapter) : null,
    exampleVectors: dequantize(i8(header.examples.vectors), f32(header.examples.scales), dim),
  };
}

export async function loadModelFile(path: string): Promise<ModelData> {
  let buf: Buffer;
  try {
    buf = await readFile(path);
  } catch {
    throw new TicketLensError('bad_input', `${path}: classifier file not found.`, { path });
  }
  return decodeModel(buf, path);
}

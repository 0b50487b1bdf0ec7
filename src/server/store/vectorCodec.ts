/**
 * Vectors to and from SQL the same way on both engines. Written as pgvector's text form with 8
 * significant digits (a float32 holds 7–9; the difference is below 1e-7 of a unit vector's cosine).
 * Read as base64 of `vector_send(v)` — a 4-byte header (dim, unused) and big-endian float32s — which
 * both drivers return as plain text and Node decodes natively; parsing pgvector's text form instead
 * costs a parseFloat per component.
 */
import { endianness } from 'node:os';

/** One vector (row `row` of a row-major matrix) as pgvector text: `[0.1234567,-0.01234567,…]`. */
export function vectorText(m: Float32Array, row: number, dim: number): string {
  const parts = new Array<string>(dim);
  const base = row * dim;
  for (let d = 0; d < dim; d++) parts[d] = m[base + d].toPrecision(8);
  return `[${parts.join(',')}]`;
}

/** SQL selecting column `col` (a vector) so that decodeVector can read it. */
export const vectorSelect = (col: string) => `encode(vector_send(${col}), 'base64')`;

const littleEndian = endianness() === 'LE';

/** Writes one base64 `vector_send` value into `out` at row `row`. */
export function decodeVector(b64: string, out: Float32Array, row: number, dim: number): void {
  const buf = Buffer.from(b64, 'base64');
  const n = buf.readUInt16BE(0);
  if (n !== dim) throw new Error(`a stored vector has ${n} dimensions, expected ${dim}`);
  if (buf.length < 4 + dim * 4) throw new Error(`a stored vector has ${buf.length} bytes, expected ${4 + dim * 4}`);
  const base = row * dim;
  // Reading a 100,000-vector dataset is 38 M floats: byte-swapped in place natively (swap32) and copied as
  // one typed array rather than a readFloatBE call each; a copy first when the bytes are not 4-aligned.
  let body = buf.subarray(4, 4 + dim * 4);
  if (!littleEndian) {
    for (let d = 0; d < dim; d++) out[base + d] = body.readFloatBE(d * 4);
    return;
  }
  if (body.byteOffset % 4 !== 0) body = Buffer.from(body);
  body.swap32();
  out.set(new Float32Array(body.buffer, body.byteOffset, dim), base);
}

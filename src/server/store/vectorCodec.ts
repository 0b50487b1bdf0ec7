/**
 * Vectors to and from SQL. Written, where the engine takes a binary COPY (PGlite), as vector_recv's
 * binary form (vectorCopyFile); otherwise as pgvector's text form with 8 significant digits (a float32
 * holds 7–9; the difference is below 1e-7 of a unit vector's cosine), which a PostgreSQL server parses
 * natively. Read as base64 of `vector_send(v)` — a 4-byte header (dim, unused) and big-endian float32s
 * — which both drivers return as plain text and Node decodes natively; parsing pgvector's text form
 * instead costs a parseFloat per component.
 */
import { endianness } from 'node:os';

const littleEndian = endianness() === 'LE';

/** One vector (row `row` of a row-major matrix) as pgvector text: `[0.1234567,-0.01234567,…]`. */
export function vectorText(m: Float32Array, row: number, dim: number): string {
  const parts = new Array<string>(dim);
  const base = row * dim;
  for (let d = 0; d < dim; d++) parts[d] = m[base + d].toPrecision(8);
  return `[${parts.join(',')}]`;
}

/** A binary COPY file's header: its signature, flags (none) and header extension length (none). */
const COPY_HEADER = Buffer.concat([Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8)]);

/**
 * Rows (key text, vector) as a binary COPY file, each vector as pgvector's vector_recv reads it — dim,
 * an unused int16, big-endian float32s — so the database copies bytes. Parsing the text form costs a
 * strtof per number: in PGlite (single-threaded WebAssembly) ~0.5 ms a 384-number vector, most of what
 * writing an ingest's rows cost. The float32s go in exactly, as the embedder made them.
 */
export function vectorCopyFile(keys: readonly string[], m: Float32Array, rows: readonly number[], dim: number): Buffer {
  const keyBytes = keys.map((k) => Buffer.byteLength(k));
  const vectorBytes = 4 + dim * 4;
  const size = COPY_HEADER.length + keyBytes.reduce((sum, k) => sum + 2 + 4 + k + 4 + vectorBytes, 0) + 2;
  const buf = Buffer.allocUnsafe(size);
  let at = COPY_HEADER.copy(buf, 0);
  keys.forEach((key, i) => {
    at = buf.writeInt16BE(2, at); // fields in the tuple
    at = buf.writeInt32BE(keyBytes[i], at);
    at += buf.write(key, at, 'utf8');
    at = buf.writeInt32BE(vectorBytes, at);
    at = buf.writeInt16BE(dim, at);
    at = buf.writeInt16BE(0, at);
    const body = buf.subarray(at, at + dim * 4);
    body.set(new Uint8Array(m.buffer, m.byteOffset + rows[i] * dim * 4, dim * 4));
    if (littleEndian) body.swap32();
    at += dim * 4;
  });
  buf.writeInt16BE(-1, at); // the file's end
  return buf;
}

/** SQL selecting column `col` (a vector) so that decodeVector can read it. */
export const vectorSelect = (col: string) => `encode(vector_send(${col}), 'base64')`;

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

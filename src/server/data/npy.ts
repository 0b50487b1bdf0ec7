/** NumPy .npy (format 1.0) for float32 matrices, so vectors load with numpy.load in one line. */
import { writeFileAtomic } from './atomic';

export function npyHeader(shape: readonly number[]): Buffer {
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const preamble = 10; // magic (6) + version (2) + header length (2)
  const total = Math.ceil((preamble + dict.length + 1) / 64) * 64;
  const header = dict.padEnd(total - preamble - 1, ' ') + '\n';
  const buf = Buffer.alloc(preamble);
  buf.write('\x93NUMPY', 0, 'latin1');
  buf[6] = 1;
  buf[7] = 0;
  buf.writeUInt16LE(header.length, 8);
  return Buffer.concat([buf, Buffer.from(header, 'latin1')]);
}

export async function writeNpyAtomic(path: string, data: Float32Array, shape: readonly number[]): Promise<void> {
  const body = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  await writeFileAtomic(path, [npyHeader(shape), body]);
}

export function readNpy(buf: Buffer): { shape: number[]; data: Float32Array } {
  if (buf.toString('latin1', 0, 6) !== '\x93NUMPY') throw new Error('not a .npy file');
  const len = buf.readUInt16LE(8);
  const header = buf.toString('latin1', 10, 10 + len);
  if (!header.includes("'<f4'")) throw new Error('only float32 .npy files are supported');
  const shape = (/\(([^)]*)\)/.exec(header)?.[1] ?? '').split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  const start = 10 + len;
  const data = new Float32Array(buf.buffer.slice(buf.byteOffset + start, buf.byteOffset + buf.length));
  return { shape, data };
}

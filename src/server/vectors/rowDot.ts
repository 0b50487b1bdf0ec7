/**
 * Dot products between rows of a matrix held in WebAssembly memory, with 128-bit SIMD: the inner
 * loop of NN-descent and of its random-projection trees. V8's scalar loop over Float32Array ran at
 * ~1/3 the speed of this kernel on 384-d rows (docs/measurements/knn.md), and NN-descent is nothing
 * but dot products. The matrix lives in a shared WebAssembly.Memory, so the one copy made for the
 * kernel is also what the worker thread receives (posted, not cloned).
 *
 * The module is 150 bytes written out below rather than a build step; its text:
 *
 *   (module
 *     (import "env" "mem" (memory 1 65536 shared))
 *     (func (export "dot") (param $a i32) (param $b i32) (param $end i32) (result f32)
 *       (local $s0 v128) (local $s1 v128)
 *       (loop
 *         (local.set $s0 (f32x4.add (local.get $s0) (f32x4.mul (v128.load (local.get $a)) (v128.load (local.get $b)))))
 *         (local.set $s1 (f32x4.add (local.get $s1) (f32x4.mul (v128.load offset=16 (local.get $a)) (v128.load offset=16 (local.get $b)))))
 *         (local.set $a (i32.add (local.get $a) (i32.const 32)))
 *         (local.set $b (i32.add (local.get $b) (i32.const 32)))
 *         (br_if 0 (i32.lt_u (local.get $a) (local.get $end))))
 *       (local.tee $s0 (f32x4.add (local.get $s0) (local.get $s1)))
 *       lanes 0 + 1 + 2 + 3, in that order))
 *
 * It reads 8 floats a step, so it serves dims that are a multiple of 8 (384, 768); others use the
 * scalar loop. Both are deterministic; they differ from each other in the last bits.
 */

const BODY = [
  0x01, 0x02, 0x7b, // locals: 2 × v128
  0x03, 0x40, // loop
  0x20, 0x03, 0x20, 0x00, 0xfd, 0x00, 0x02, 0x00, 0x20, 0x01, 0xfd, 0x00, 0x02, 0x00, 0xfd, 0xe6, 0x01, 0xfd, 0xe4, 0x01, 0x21, 0x03,
  0x20, 0x04, 0x20, 0x00, 0xfd, 0x00, 0x02, 0x10, 0x20, 0x01, 0xfd, 0x00, 0x02, 0x10, 0xfd, 0xe6, 0x01, 0xfd, 0xe4, 0x01, 0x21, 0x04,
  0x20, 0x00, 0x41, 0x20, 0x6a, 0x21, 0x00, // a += 32
  0x20, 0x01, 0x41, 0x20, 0x6a, 0x21, 0x01, // b += 32
  0x20, 0x00, 0x20, 0x02, 0x49, 0x0d, 0x00, // br_if a < end
  0x0b, // end loop
  0x20, 0x03, 0x20, 0x04, 0xfd, 0xe4, 0x01, 0x22, 0x03,
  0xfd, 0x1f, 0x00,
  0x20, 0x03, 0xfd, 0x1f, 0x01, 0x92,
  0x20, 0x03, 0xfd, 0x1f, 0x02, 0x92,
  0x20, 0x03, 0xfd, 0x1f, 0x03, 0x92,
  0x0b, // end func
];
const section = (id: number, bytes: number[]) => [id, bytes.length, ...bytes];
const MODULE = Uint8Array.from([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  ...section(1, [0x01, 0x60, 0x03, 0x7f, 0x7f, 0x7f, 0x01, 0x7d]), // type (i32, i32, i32) → f32
  ...section(2, [0x01, 0x03, 0x65, 0x6e, 0x76, 0x03, 0x6d, 0x65, 0x6d, 0x02, 0x03, 0x01, 0x80, 0x80, 0x04]), // import env.mem, shared, 1..65536 pages
  ...section(3, [0x01, 0x00]),
  ...section(7, [0x01, 0x03, 0x64, 0x6f, 0x74, 0x00, 0x00]), // export "dot"
  ...section(10, [0x01, BODY.length, ...BODY]),
]);

const PAGE = 65536;
/** 4 GiB of WebAssembly memory: 2.8M rows of 384 floats. */
const MAX_PAGES = 65536;

let compiled: WebAssembly.Module | null | undefined;
function simdModule(): WebAssembly.Module | null {
  if (compiled === undefined) compiled = WebAssembly.validate(MODULE) ? new WebAssembly.Module(MODULE) : null;
  return compiled;
}

/** Rows after the n of the matrix, free for each thread's scratch vector (a tree node's hyperplane): n, n + 1, … */
export const SPARE_ROWS = 16;

/** Rows 0..n−1 of a matrix, SPARE_ROWS spare rows (index n and up) for scratch vectors, and dot(a, b) between any two. */
export interface RowSpace {
  /** (n + SPARE_ROWS) × dim, row-major: a view of `memory` when there is one. */
  v: Float32Array;
  n: number;
  dim: number;
  dot(a: number, b: number): number;
}

/** The matrix as a worker receives it: the shared memory (posted without a copy), or a plain copy where the kernel does not apply. */
export interface RowMatrix {
  memory: WebAssembly.Memory | null;
  v: Float32Array | null;
  n: number;
  dim: number;
}

/** Copies the n × dim rows once, into shared WebAssembly memory when the kernel serves this dim and size. */
export function rowMatrix(vectors: Float32Array, n: number, dim: number): RowMatrix {
  const bytes = (n + SPARE_ROWS) * dim * 4;
  const pages = Math.ceil(bytes / PAGE);
  if (dim % 8 !== 0 || pages > MAX_PAGES || !simdModule()) {
    const v = new Float32Array((n + SPARE_ROWS) * dim);
    v.set(vectors.subarray(0, n * dim));
    return { memory: null, v, n, dim };
  }
  const memory = new WebAssembly.Memory({ initial: pages, maximum: MAX_PAGES, shared: true });
  new Float32Array(memory.buffer, 0, n * dim).set(vectors.subarray(0, n * dim));
  return { memory, v: null, n, dim };
}

function scalarDot(v: Float32Array, dim: number) {
  return (a: number, b: number): number => {
    const oa = a * dim;
    const ob = b * dim;
    let s = 0;
    for (let d = 0; d < dim; d++) s += v[oa + d] * v[ob + d];
    return s;
  };
}

/** The matrix's rows with their dot product: the SIMD kernel over shared memory, else the scalar loop. */
export function rowSpace(m: RowMatrix): RowSpace {
  const { n, dim } = m;
  if (m.memory) {
    const instance = new WebAssembly.Instance(simdModule()!, { env: { mem: m.memory } });
    const kernel = instance.exports.dot as (a: number, b: number, end: number) => number;
    const stride = dim * 4;
    const v = new Float32Array(m.memory.buffer, 0, (n + SPARE_ROWS) * dim);
    return { v, n, dim, dot: (a, b) => kernel(a * stride, b * stride, (a + 1) * stride) };
  }
  const v = m.v!;
  return { v, n, dim, dot: scalarDot(v, dim) };
}

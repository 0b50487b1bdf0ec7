/**
 * Tiny ONNX graphs built in memory, for the few dense operations where onnxruntime's multithreaded
 * MLAS kernels beat anything we can write in JavaScript (the exact kNN: a blocked MatMul + TopK measured
 * 27k × 384 in ~7 s with recall 1.0, docs/measurements/knn.md). The protobuf is written by hand:
 * the handful of ModelProto fields we need do not justify a protobuf dependency.
 */

type Field = Uint8Array;

function varint(n: number | bigint): number[] {
  let v = BigInt(n);
  const out: number[] = [];
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) b |= 0x80;
    out.push(b);
  } while (v > 0n);
  return out;
}

const enc = new TextEncoder();
const key = (field: number, wire: number) => varint((field << 3) | wire);
const int = (field: number, n: number | bigint): Field => Uint8Array.from([...key(field, 0), ...varint(n)]);
const bytes = (field: number, payload: Uint8Array): Field => Uint8Array.from([...key(field, 2), ...varint(payload.length), ...payload]);
const str = (field: number, s: string): Field => bytes(field, enc.encode(s));
const msg = (field: number, ...parts: Field[]): Field => bytes(field, concat(parts));

function concat(parts: Field[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export const FLOAT = 1;
export const INT64 = 7;

export interface NodeSpec {
  op: string;
  inputs: string[];
  outputs: string[];
  intAttrs?: Record<string, number>;
}

export interface ValueSpec {
  name: string;
  elemType: number;
  /** A number for a fixed size, a string for a symbolic (dynamic) one. */
  dims: (number | string)[];
}

function valueInfo(field: number, v: ValueSpec): Field {
  const dims = v.dims.map((d) => msg(1, typeof d === 'number' ? int(1, d) : str(2, d)));
  return msg(field, str(1, v.name), msg(2, msg(1, int(1, v.elemType), msg(2, ...dims))));
}

function node(n: NodeSpec, i: number): Field {
  const attrs = Object.entries(n.intAttrs ?? {}).map(([name, value]) => msg(5, str(1, name), int(3, BigInt.asUintN(64, BigInt(value))), int(20, 2)));
  return msg(1, ...n.inputs.map((x) => str(1, x)), ...n.outputs.map((x) => str(2, x)), str(3, `n${i}`), str(4, n.op), ...attrs);
}

/** Serialises a single-graph model (opset 14) to ONNX protobuf bytes. */
export function buildModel(nodes: NodeSpec[], inputs: ValueSpec[], outputs: ValueSpec[]): Uint8Array {
  const graph = msg(7, ...nodes.map(node), str(2, 'g'), ...inputs.map((v) => valueInfo(11, v)), ...outputs.map((v) => valueInfo(12, v)));
  return concat([int(1, 8), str(2, 'ticket-lens'), graph, msg(8, str(1, ''), int(2, 14))]);
}

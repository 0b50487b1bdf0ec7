/**
 * On-disk embedding cache, so that re-clustering a file never re-embeds it. One directory per model
 * hash; vectors are stored in immutable segment files keyed by the sha256 of each text:
 *
 *   "TLEC" | u32 version | u32 dim | u32 count | 32-byte sha256 of the body | body
 *   body = count × 32-byte key, then count × dim float32 (little-endian)
 *
 * A segment is written to a temp file and renamed, so a crash leaves either the whole segment or none.
 * A segment whose header or checksum does not verify is deleted and its texts are embedded again:
 * a corrupt cache is rebuilt, never trusted. Many small segments are merged into one when loaded.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../log';

const MAGIC = 0x4345_4c54; // "TLEC" little-endian
const VERSION = 1;
const HEADER = 16 + 32;
const MERGE_ABOVE = 16;

export function textKey(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

export interface CacheStats {
  hits: number;
  misses: number;
  entries: number;
  rebuiltSegments: number;
}

export class EmbeddingCache {
  private readonly dir: string;
  private readonly index = new Map<string, { vectors: Float32Array; offset: number }>();
  private segments = 0;
  readonly stats: CacheStats = { hits: 0, misses: 0, entries: 0, rebuiltSegments: 0 };

  constructor(
    root: string,
    modelHash: string,
    private readonly dim: number,
    private readonly log?: Logger,
  ) {
    this.dir = join(root, 'embeddings', modelHash.slice(0, 32));
    mkdirSync(this.dir, { recursive: true });
    this.load();
  }

  private load(): void {
    const files = readdirSync(this.dir).filter((f) => f.endsWith('.seg'));
    for (const f of files) {
      const path = join(this.dir, f);
      const seg = this.readSegment(path);
      if (!seg) {
        this.log?.warn(`embedding cache: ${path} is corrupt; deleting it (its texts will be embedded again)`);
        rmSync(path, { force: true });
        this.stats.rebuiltSegments++;
        continue;
      }
      this.segments++;
      const { keys, vectors, count } = seg;
      for (let i = 0; i < count; i++) this.index.set(keys.toString('hex', i * 32, i * 32 + 32), { vectors, offset: i * this.dim });
    }
    this.stats.entries = this.index.size;
    if (this.segments > MERGE_ABOVE) this.compact();
  }

  private readSegment(path: string): { keys: Buffer; vectors: Float32Array; count: number } | null {
    let buf: Buffer;
    try {
      buf = readFileSync(path);
    } catch {
      return null;
    }
    if (buf.length < HEADER || buf.readUInt32LE(0) !== MAGIC || buf.readUInt32LE(4) !== VERSION || buf.readUInt32LE(8) !== this.dim) return null;
    const count = buf.readUInt32LE(12);
    if (buf.length !== HEADER + count * 32 + count * this.dim * 4) return null;
    const body = buf.subarray(HEADER);
    if (!createHash('sha256').update(body).digest().equals(buf.subarray(16, 48))) return null;
    const keys = Buffer.from(body.subarray(0, count * 32));
    // Copy into an aligned Float32Array (the body offset is not guaranteed to be 4-aligned).
    const vectors = new Float32Array(count * this.dim);
    Buffer.from(vectors.buffer).set(body.subarray(count * 32));
    return { keys, vectors, count };
  }

  private writeSegment(keys: Buffer[], vectors: Float32Array): void {
    const count = keys.length;
    const body = Buffer.alloc(count * 32 + count * this.dim * 4);
    keys.forEach((k, i) => k.copy(body, i * 32));
    Buffer.from(vectors.buffer, vectors.byteOffset, count * this.dim * 4).copy(body, count * 32);
    const header = Buffer.alloc(HEADER);
    header.writeUInt32LE(MAGIC, 0);
    header.writeUInt32LE(VERSION, 4);
    header.writeUInt32LE(this.dim, 8);
    header.writeUInt32LE(count, 12);
    createHash('sha256').update(body).digest().copy(header, 16);
    const name = `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}.seg`;
    const tmp = join(this.dir, `.${name}.tmp`);
    writeFileSync(tmp, Buffer.concat([header, body]));
    renameSync(tmp, join(this.dir, name));
    this.segments++;
  }

  private compact(): void {
    const keys: Buffer[] = [];
    const all = new Float32Array(this.index.size * this.dim);
    let i = 0;
    for (const [hex, { vectors, offset }] of this.index) {
      keys.push(Buffer.from(hex, 'hex'));
      all.set(vectors.subarray(offset, offset + this.dim), i * this.dim);
      i++;
    }
    const old = readdirSync(this.dir).filter((f) => f.endsWith('.seg'));
    this.writeSegment(keys, all);
    const newest = readdirSync(this.dir).filter((f) => f.endsWith('.seg') && !old.includes(f));
    for (const f of old) rmSync(join(this.dir, f), { force: true });
    this.segments = newest.length;
  }

  /** Copies cached vectors into `out` (row-major) and returns the indices of the texts not cached. */
  lookup(keys: readonly Buffer[], out: Float32Array): number[] {
    const missing: number[] = [];
    for (let i = 0; i < keys.length; i++) {
      const hit = this.index.get(keys[i].toString('hex'));
      if (hit) out.set(hit.vectors.subarray(hit.offset, hit.offset + this.dim), i * this.dim);
      else missing.push(i);
    }
    this.stats.hits += keys.length - missing.length;
    this.stats.misses += missing.length;
    return missing;
  }

  /** Stores new vectors (row-major, keys.length × dim) as one segment. */
  store(keys: readonly Buffer[], vectors: Float32Array): void {
    const fresh: Buffer[] = [];
    const rows: number[] = [];
    keys.forEach((k, i) => {
      if (!this.index.has(k.toString('hex'))) {
        fresh.push(k);
        rows.push(i);
      }
    });
    if (fresh.length === 0) return;
    const packed = new Float32Array(fresh.length * this.dim);
    rows.forEach((r, j) => packed.set(vectors.subarray(r * this.dim, (r + 1) * this.dim), j * this.dim));
    this.writeSegment(fresh, packed);
    fresh.forEach((k, j) => this.index.set(k.toString('hex'), { vectors: packed, offset: j * this.dim }));
    this.stats.entries = this.index.size;
  }
}

/**
 * Embedding cache, so that re-clustering a file never re-embeds it. One directory per model hash;
 * vectors are stored in immutable segment files keyed by the sha256 of each text:
 *
 *   "TLEC" | u32 version | u32 dim | u32 count | 32-byte sha256 of the body | body
 *   body = count × 32-byte key, then count × dim float32 (little-endian)
 *
 * A segment is written to a temp file and renamed, so a crash leaves either the whole segment or none.
 * A segment whose header or checksum does not verify is deleted and its texts are embedded again:
 * a corrupt cache is rebuilt, never trusted.
 *
 * Bounded, because every text the server embeds passes through here — ad-hoc /classify and
 * /runs/predict texts, and an explanation's one variant per word, as well as CSVs. In memory, at most
 * `maxBytes` of vectors (default 256 MiB: 174,762 vectors of 384 floats) in one slab, the least
 * recently used evicted first. On disk, when the segments pass twice that, or MAX_SEGMENTS files, they
 * are rewritten: the small ones merged, or all of them replaced by one segment of what memory holds.
 * After a restart, recency is the order the segments were written in. A file with more distinct texts
 * than the bound is embedded again on every run (its first texts are evicted by its last).
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../log';

const MAGIC = 0x4345_4c54; // "TLEC" little-endian
const VERSION = 1;
const HEADER = 16 + 32;
const KEY = 32;
/** More segment files than this are merged (one per /classify call would otherwise pile up). */
export const MAX_SEGMENTS = 32;
/** Segments of fewer vectors than this are the ones merged together first. */
const SMALL_SEGMENT = 4096;
export const DEFAULT_CACHE_MAX_BYTES = 256 * 1024 * 1024;

export function textKey(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

export interface CacheStats {
  hits: number;
  misses: number;
  entries: number;
  rebuiltSegments: number;
  /** Vectors dropped from memory to stay within the bound. */
  evicted: number;
}

export interface CacheOptions {
  /** Bytes of vectors held in memory (default DEFAULT_CACHE_MAX_BYTES); the disk holds at most about twice this. */
  maxBytes?: number;
}

interface Segment {
  bytes: number;
  keys: string[];
}

export class EmbeddingCache {
  private readonly dir: string;
  readonly maxEntries: number;
  private readonly maxDiskBytes: number;
  /** key (hex) → slot in `slab`; Map order is recency, least recent first. */
  private readonly index = new Map<string, number>();
  private slab: Float32Array;
  private readonly free: number[] = [];
  private slots = 0;
  private readonly segments = new Map<string, Segment>();
  private diskBytes = 0;
  readonly stats: CacheStats = { hits: 0, misses: 0, entries: 0, rebuiltSegments: 0, evicted: 0 };

  constructor(
    root: string,
    modelHash: string,
    private readonly dim: number,
    private readonly log?: Logger,
    opts: CacheOptions = {},
  ) {
    this.dir = join(root, 'embeddings', modelHash.slice(0, 32));
    this.maxEntries = Math.max(1, Math.floor((opts.maxBytes ?? DEFAULT_CACHE_MAX_BYTES) / (dim * 4)));
    this.maxDiskBytes = 2 * this.maxEntries * (KEY + dim * 4);
    this.slab = new Float32Array(Math.min(this.maxEntries, 1024) * dim);
    mkdirSync(this.dir, { recursive: true });
    this.load();
  }

  /** Bytes of segment files on disk, as this process knows them. */
  get bytesOnDisk(): number {
    return this.diskBytes;
  }

  private load(): void {
    // Names start with the write time in base 36: oldest first, so the newest end up most recent.
    const files = readdirSync(this.dir)
      .filter((f) => f.endsWith('.seg'))
      .sort();
    for (const f of files) {
      const path = join(this.dir, f);
      const seg = this.readSegment(path);
      if (!seg) {
        this.log?.warn(`embedding cache: ${path} is corrupt; deleting it (its texts will be embedded again)`);
        rmSync(path, { force: true });
        this.stats.rebuiltSegments++;
        continue;
      }
      const keys: string[] = [];
      for (let i = 0; i < seg.count; i++) {
        const hex = seg.keys.toString('hex', i * KEY, (i + 1) * KEY);
        keys.push(hex);
        this.put(hex, seg.vectors.subarray(i * this.dim, (i + 1) * this.dim));
      }
      this.segments.set(f, { bytes: seg.bytes, keys });
      this.diskBytes += seg.bytes;
    }
    this.stats.entries = this.index.size;
    this.tidyDisk();
  }

  private readSegment(path: string): { keys: Buffer; vectors: Float32Array; count: number; bytes: number } | null {
    let buf: Buffer;
    try {
      buf = readFileSync(path);
    } catch {
      return null;
    }
    if (buf.length < HEADER || buf.readUInt32LE(0) !== MAGIC || buf.readUInt32LE(4) !== VERSION || buf.readUInt32LE(8) !== this.dim) return null;
    const count = buf.readUInt32LE(12);
    if (buf.length !== HEADER + count * KEY + count * this.dim * 4) return null;
    const body = buf.subarray(HEADER);
    if (!createHash('sha256').update(body).digest().equals(buf.subarray(16, 48))) return null;
    const keys = Buffer.from(body.subarray(0, count * KEY));
    // Copy into an aligned Float32Array (the body offset is not guaranteed to be 4-aligned).
    const vectors = new Float32Array(count * this.dim);
    Buffer.from(vectors.buffer).set(body.subarray(count * KEY));
    return { keys, vectors, count, bytes: buf.length };
  }

  private writeSegment(keys: readonly string[], vectors: Float32Array): void {
    const count = keys.length;
    const body = Buffer.alloc(count * KEY + count * this.dim * 4);
    keys.forEach((k, i) => body.write(k, i * KEY, 'hex'));
    Buffer.from(vectors.buffer, vectors.byteOffset, count * this.dim * 4).copy(body, count * KEY);
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
    this.segments.set(name, { bytes: HEADER + body.length, keys: [...keys] });
    this.diskBytes += HEADER + body.length;
  }

  private dropSegment(name: string): void {
    const seg = this.segments.get(name);
    if (!seg) return;
    rmSync(join(this.dir, name), { force: true });
    this.segments.delete(name);
    this.diskBytes -= seg.bytes;
  }

  /** Rewrites the given segments (all of them when absent) as one holding their keys still in memory. */
  private rewrite(names: readonly string[] = [...this.segments.keys()]): void {
    const live = [...new Set(names.flatMap((n) => this.segments.get(n)?.keys ?? []))].filter((k) => this.index.has(k));
    const vectors = new Float32Array(live.length * this.dim);
    live.forEach((k, i) => vectors.set(this.vector(this.index.get(k)!), i * this.dim));
    if (live.length > 0) this.writeSegment(live, vectors);
    for (const n of names) this.dropSegment(n);
  }

  private tidyDisk(): void {
    if (this.diskBytes > this.maxDiskBytes) {
      this.rewrite();
      return;
    }
    if (this.segments.size <= MAX_SEGMENTS) return;
    const small = [...this.segments].filter(([, s]) => s.keys.length < SMALL_SEGMENT).map(([n]) => n);
    this.rewrite(small.length >= 2 ? small : undefined);
  }

  private vector(slot: number): Float32Array {
    return this.slab.subarray(slot * this.dim, (slot + 1) * this.dim);
  }

  /** Adds or refreshes a vector as the most recent, evicting the least recent when full. */
  private put(hex: string, v: Float32Array): void {
    let slot = this.index.get(hex);
    if (slot !== undefined) this.index.delete(hex);
    else if (this.free.length > 0) slot = this.free.pop()!;
    else if (this.slots < this.maxEntries) slot = this.grow();
    else {
      const [oldest, freed] = this.index.entries().next().value as [string, number];
      this.index.delete(oldest);
      this.stats.evicted++;
      slot = freed;
    }
    this.vector(slot).set(v);
    this.index.set(hex, slot);
  }

  private grow(): number {
    if ((this.slots + 1) * this.dim > this.slab.length) {
      const bigger = new Float32Array(Math.min(this.maxEntries, Math.max(1, this.slots) * 2) * this.dim);
      bigger.set(this.slab);
      this.slab = bigger;
    }
    return this.slots++;
  }

  /** Copies cached vectors into `out` (row-major) and returns the indices of the texts not cached. */
  lookup(keys: readonly Buffer[], out: Float32Array): number[] {
    const missing: number[] = [];
    for (let i = 0; i < keys.length; i++) {
      const hex = keys[i].toString('hex');
      const slot = this.index.get(hex);
      if (slot === undefined) {
        missing.push(i);
        continue;
      }
      out.set(this.vector(slot), i * this.dim);
      this.index.delete(hex);
      this.index.set(hex, slot);
    }
    this.stats.hits += keys.length - missing.length;
    this.stats.misses += missing.length;
    return missing;
  }

  /** Stores new vectors (row-major, keys.length × dim) as one segment. */
  store(keys: readonly Buffer[], vectors: Float32Array): void {
    const fresh: string[] = [];
    const rows: number[] = [];
    const seen = new Set<string>();
    keys.forEach((k, i) => {
      const hex = k.toString('hex');
      if (!this.index.has(hex) && !seen.has(hex)) {
        seen.add(hex);
        fresh.push(hex);
        rows.push(i);
      }
    });
    if (fresh.length === 0) return;
    const packed = new Float32Array(fresh.length * this.dim);
    rows.forEach((r, j) => packed.set(vectors.subarray(r * this.dim, (r + 1) * this.dim), j * this.dim));
    this.writeSegment(fresh, packed);
    fresh.forEach((hex, j) => this.put(hex, packed.subarray(j * this.dim, (j + 1) * this.dim)));
    this.stats.entries = this.index.size;
    this.tidyDisk();
  }
}

/**
 * assign-members.bin (layout in shared/trends.ts, AssignMembersHeader): a run's members and their
 * vectors in the run's space, kept so that assigning to a run of stored tickets reads one file instead
 * of parsing assignments.csv and fetching every member's vector from the store
 * (src/server/assign/runMembers.ts decides when it still holds). Its vectors are checked against the
 * header's sha256: a damaged file is refused, never used. Written under the run's lock.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { endianness } from 'node:os';
import { join } from 'node:path';
import { ASSIGN_MEMBERS_BIN, AssignMembersHeader, TicketLensError } from '../../shared/api';
import { writeFileAtomic } from '../data/atomic';
import { describeIssues } from './jsonFile';
import { withRunLock } from './lock';

const MAGIC = Buffer.from('TLMEMBER', 'latin1');

export interface AssignMembers {
  header: AssignMembersHeader;
  /** texts.length × dim, row-major. */
  vectors: Float32Array;
}

const LITTLE_ENDIAN = endianness() === 'LE';

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** The vectors' bytes, little-endian float32 whatever the host. */
function vectorBytes(v: Float32Array): Uint8Array {
  const bytes = Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  return LITTLE_ENDIAN ? bytes : Buffer.from(bytes).swap32();
}

/** null when the run has none; a file that is not one, or whose vectors do not match its header, is a bad_input error. */
export async function readAssignMembers(dir: string): Promise<AssignMembers | null> {
  const path = join(dir, ASSIGN_MEMBERS_BIN);
  if (!existsSync(path)) return null;
  const buf = await readFile(path);
  const bad = (why: string) => new TicketLensError('bad_input', `${path} is not a valid members file: ${why}`);
  if (buf.length < 12 || !buf.subarray(0, 8).equals(MAGIC)) throw bad('it does not start as one');
  const headerLength = buf.readUInt32LE(8);
  if (12 + headerLength > buf.length) throw bad('it is cut short');
  let raw: unknown;
  try {
    raw = JSON.parse(buf.toString('utf8', 12, 12 + headerLength));
  } catch (err) {
    throw bad(`its header is not JSON (${(err as Error).message})`);
  }
  const parsed = AssignMembersHeader.safeParse(raw);
  if (!parsed.success) throw bad(describeIssues(parsed.error));
  const header = parsed.data;
  const start = Math.ceil((12 + headerLength) / 4) * 4;
  const body = buf.subarray(start);
  if (header.paths.length !== header.texts.length || body.length !== header.texts.length * header.dim * 4) throw bad('its vectors do not match its header');
  if (sha256(body) !== header.vectors) throw bad('its vectors do not match their checksum');
  // Viewed in place when aligned (a 141 MB file for 92,000 members is not copied), else copied first.
  let floats: Uint8Array = body;
  if (body.byteOffset % 4 !== 0 || !LITTLE_ENDIAN) floats = new Uint8Array(body);
  if (!LITTLE_ENDIAN) Buffer.from(floats.buffer, floats.byteOffset, floats.length).swap32();
  return { header, vectors: new Float32Array(floats.buffer, floats.byteOffset, floats.length / 4) };
}

/** Takes the run's lock: not for code that already holds it. */
export function writeAssignMembers(dir: string, header: Omit<AssignMembersHeader, 'vectors'>, vectors: Float32Array): Promise<void> {
  const bytes = vectorBytes(vectors);
  const json = Buffer.from(JSON.stringify({ ...header, vectors: sha256(bytes) }), 'utf8');
  const lead = Buffer.alloc(12);
  MAGIC.copy(lead);
  lead.writeUInt32LE(json.length, 8);
  const pad = Buffer.alloc((4 - ((12 + json.length) % 4)) % 4);
  return withRunLock(dir, () => writeFileAtomic(join(dir, ASSIGN_MEMBERS_BIN), [lead, json, pad, bytes]));
}

/**
 * Whether an output may be written where it is asked to go. Ticket Lens never overwrites a file it
 * did not create; the rule is decided from the file itself, so there is no record to get out of step:
 *
 *  - a path that does not exist yet is fine;
 *  - an existing path may be replaced only when it is a regular file that is Ticket Lens's own earlier
 *    output of the same kind, as its writer recognises it (OwnOutput): a trained classifier starts with
 *    the .tlc signature (training again to the same model file is the normal loop); an export sits
 *    directly inside a run folder (a folder holding run.json, which only Ticket Lens writes) and is not
 *    one of the run's own files; a predictions CSV, an evaluation report or an embedding matrix has the
 *    layout its command writes. Without a kind (the routes), either of the first two;
 *    anything else — a user's CSV, a folder, a device — is refused: choose a new name or delete it;
 *  - never a file in use (the input, a run's own files): compared by device and inode, not by name,
 *    so a hard link, a symlink, or another spelling on a case-insensitive disk is the same file.
 */
import { open, readFile, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { z } from 'zod';
import { TicketLensError } from '../../shared/api';
import { CLASSIFIER_MAGIC } from '../classify/modelFile';
import { RUN_FILES } from '../run/folder';
import { MAP_DEPTH_PNG, MAP_LABELS_PNG, MAP_PNG } from '../run/mapPng';
import { SIZES_SVG } from '../run/sizeChart';
import { RUN_JSON } from '../run/runJson';

async function statOrNull(path: string): Promise<Stats | null> {
  try {
    return await stat(path);
  } catch {
    return null;
  }
}

/** Whether two paths name the same file (device and inode); false when either does not exist. */
export async function sameFile(a: string, b: string): Promise<boolean> {
  const [x, y] = await Promise.all([statOrNull(a), statOrNull(b)]);
  return !!x && !!y && x.dev === y.dev && x.ino === y.ino;
}

/** Up to `bytes` bytes from the start of a file (fewer when it is shorter). */
export async function readHead(path: string, bytes: number): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const head = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(head, 0, bytes, 0);
    return head.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** A kind of output its writer may replace, told from the existing file itself. */
export interface OwnOutput {
  /** For the refusal: "a predictions CSV". */
  what: string;
  /** Whether the regular file at `path` is an earlier output of this kind. */
  test: (path: string) => Promise<boolean>;
}

/** An earlier output that is a JSON file of `schema` (and at most `maxBytes`: a bigger one is not ours, and is not read). */
export function jsonOutput(what: string, schema: z.ZodType, maxBytes: number): OwnOutput {
  return { what, test: async (path) => (await stat(path)).size <= maxBytes && schema.safeParse(JSON.parse(await readFile(path, 'utf8'))).success };
}

/** An earlier output that is a text file beginning with `head` (a report's title line). */
export function headedOutput(what: string, head: string): OwnOutput {
  return { what, test: async (path) => (await readHead(path, Buffer.byteLength(head))).toString('utf8') === head };
}

const runOwnFiles = new Set<string>([...RUN_FILES, MAP_PNG, MAP_LABELS_PNG, SIZES_SVG]);
const isRunOwnFile = (name: string) => runOwnFiles.has(name) || MAP_DEPTH_PNG.test(name);

export const CLASSIFIER_OUTPUT: OwnOutput = {
  what: 'a classifier (.tlc)',
  test: async (path) => (await readHead(path, CLASSIFIER_MAGIC.length)).toString('latin1') === CLASSIFIER_MAGIC,
};

/** A file directly inside a run folder, other than the run's own files (and dot files: temporaries, journal). */
export const RUN_FOLDER_OUTPUT: OwnOutput = {
  what: 'an export inside a run folder',
  test: async (path) => {
    const name = basename(path);
    if (name.startsWith('.') || isRunOwnFile(name)) return false;
    return !!(await statOrNull(join(dirname(path), RUN_JSON)))?.isFile();
  },
};

const ANY_OWN: OwnOutput = {
  what: 'a file',
  test: async (path) => (await RUN_FOLDER_OUTPUT.test(path)) || CLASSIFIER_OUTPUT.test(path),
};

export interface InUse {
  path: string;
  /** How the message names it, e.g. "the run's input CSV". */
  what: string;
}

export interface OutputRule {
  /** The argument, as the message names it (default "outPath"). */
  option?: string;
  /** What an existing file must be to be replaced (default: a classifier or an export in a run folder). */
  replaces?: OwnOutput;
}

/** Throws bad_input unless `out` may be written (see the module comment). */
export async function checkOutputFile(out: string, inUse: readonly InUse[], rule: OutputRule = {}): Promise<void> {
  const option = rule.option ?? 'outPath';
  const st = await statOrNull(out);
  if (!st) return;
  for (const u of inUse) {
    if (await sameFile(out, u.path)) throw new TicketLensError('bad_input', `${option} ${out} is ${u.what}; choose another file (inputs are never modified).`, { path: out });
  }
  if (!st.isFile()) throw new TicketLensError('bad_input', `${option} ${out} exists and is not a regular file; choose a new file name.`, { path: out });
  if (!(await (rule.replaces ?? ANY_OWN).test(out).catch(() => false))) {
    const why = rule.replaces ? `is not ${rule.replaces.what} written by Ticket Lens` : 'Ticket Lens did not create it';
    throw new TicketLensError('bad_input', `${option} ${out} already exists and ${why}; choose a new file name, or delete the file first (Ticket Lens never overwrites a file it did not write).`, { path: out });
  }
}

/**
 * The tag folder: the journal of answers (appended as they come in, the resume point), tags.csv
 * (rewritten from the journal, atomically) and tags.json (the summary). The folder goes beside the
 * run, or under the workspace's .ticket-lens/tags/, and never holds or replaces the input: an
 * existing tags.csv or tags.json is replaced only when it is Ticket Lens's own.
 */
import { createHash } from 'node:crypto';
import { appendFile, mkdir, open, readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import * as z from 'zod';
import { TicketLensError } from '../../shared/api';
import { TAG_LABEL_SEPARATOR, TAGS_CSV, TAGS_CSV_COLUMNS, TAGS_JOURNAL, TAGS_JSON, TagRecord, TagsJson } from '../../shared/tag';
import { writeFileAtomic } from '../data/atomic';
import { checkOutputFile, headedOutput, jsonOutput } from '../data/outputs';

/** The default folder: `tags-<set>/` in the run folder, else `.ticket-lens/tags/<csv-stem>-<set>/` in the workspace. */
export function defaultTagDir(o: { csvPath: string; labelSet: string; runDir: string | null; workspace: string }): string {
  if (o.runDir) return join(resolve(o.runDir), `tags-${o.labelSet}`);
  const stem = basename(o.csvPath).replace(/\.[^.]+$/, '');
  return join(resolve(o.workspace), '.ticket-lens', 'tags', `${stem}-${o.labelSet}`);
}

/** Refuses an output folder that is the input's own folder or the input itself. */
export function checkTagDir(outDir: string, csvPath: string): void {
  const out = resolve(outDir);
  const input = resolve(csvPath);
  if (out === input || out === dirname(input)) {
    throw new TicketLensError('bad_input', `The tag folder ${out} would be the input file or its folder; choose another folder (tags are never written beside or over the input).`);
  }
}

export const TAGS_CSV_HEAD = `${TAGS_CSV_COLUMNS.join(',')}\n`;
const TAGS_CSV_OUTPUT = headedOutput('a tags.csv', TAGS_CSV_HEAD);
const TAGS_JSON_OUTPUT = jsonOutput('a tags.json', TagsJson, 1 << 20);

/** A journal line: the tag and the hash of the text it was given for. */
const JournalLine = TagRecord.extend({ textHash: z.string() });
export type JournalLine = z.infer<typeof JournalLine>;

export const textHash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 32);

/**
 * The journal's tags still valid for the CSV as it is now: a row whose text changed, or whose labels
 * are no longer in the set, is dropped (asked again). A line a kill cut short is skipped.
 */
export async function readJournal(outDir: string, current: { textOf: (row: number) => string | undefined; labels: ReadonlySet<string> }): Promise<{ tags: Map<number, TagRecord>; dropped: number }> {
  let text: string;
  try {
    text = await readFile(join(outDir, TAGS_JOURNAL), 'utf8');
  } catch {
    return { tags: new Map(), dropped: 0 };
  }
  const tags = new Map<number, TagRecord>();
  let dropped = 0;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let parsed: ReturnType<typeof JournalLine.safeParse>;
    try {
      parsed = JournalLine.safeParse(JSON.parse(line));
    } catch {
      continue;
    }
    if (!parsed.success) continue;
    const { textHash: hash, ...tag } = parsed.data;
    const now = current.textOf(tag.row);
    if (now === undefined || textHash(now) !== hash || tag.labels.some((l) => !current.labels.has(l))) {
      dropped++;
      tags.delete(tag.row);
      continue;
    }
    tags.set(tag.row, tag);
  }
  return { tags, dropped };
}

/** Whether the file ends in the middle of a line (a kill cut an append short); false when it does not exist. */
async function endsMidLine(path: string): Promise<boolean> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch {
    return false;
  }
  try {
    const { size } = await fh.stat();
    if (size === 0) return false;
    const last = Buffer.alloc(1);
    await fh.read(last, 0, 1, size - 1);
    return last[0] !== 0x0a;
  } finally {
    await fh.close();
  }
}

/** Appends answers to the journal in one write (a kill can only cut its last line short; the next append starts a new line). */
export async function appendJournal(outDir: string, lines: readonly JournalLine[]): Promise<void> {
  if (lines.length === 0) return;
  await mkdir(outDir, { recursive: true });
  const path = join(outDir, TAGS_JOURNAL);
  const text = lines.map((l) => JSON.stringify(l)).join('\n') + '\n';
  await appendFile(path, (await endsMidLine(path)) ? `\n${text}` : text);
}

export function tagsCsvText(tags: readonly TagRecord[]): string {
  const rows = [...tags].sort((a, b) => a.row - b.row).map((t) => [t.row, t.id ?? '', t.labels.join(TAG_LABEL_SEPARATOR), t.reason]);
  return TAGS_CSV_HEAD + stringify(rows);
}

/** Throws unless tags.csv and tags.json may be written in `outDir`: checked before anything is sent, and again before writing. */
export async function checkTagOutputs(outDir: string, csvPath: string): Promise<void> {
  const inUse = [{ path: csvPath, what: 'the input CSV' }];
  await checkOutputFile(join(outDir, TAGS_CSV), inUse, { option: 'tags.csv', replaces: TAGS_CSV_OUTPUT });
  await checkOutputFile(join(outDir, TAGS_JSON), inUse, { option: 'tags.json', replaces: TAGS_JSON_OUTPUT });
}

/** Writes tags.csv and tags.json atomically, each only over Ticket Lens's own earlier file. */
export async function writeTagOutputs(outDir: string, tags: readonly TagRecord[], summary: TagsJson, csvPath: string): Promise<void> {
  const csv = join(outDir, TAGS_CSV);
  const json = join(outDir, TAGS_JSON);
  await checkTagOutputs(outDir, csvPath);
  await writeFileAtomic(csv, tagsCsvText(tags));
  await writeFileAtomic(json, `${JSON.stringify(summary, null, 2)}\n`);
}

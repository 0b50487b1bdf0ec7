/**
 * Writes profile.json and profile.md into a folder, each atomically (data/atomic.ts). An existing file
 * there is replaced only when it is an earlier profile (data/outputs.ts: Ticket Lens never overwrites
 * a file it did not write), and never when it is the input itself.
 */
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { TicketLensError } from '../../shared/api';
import { Profile, PROFILE_JSON, PROFILE_MD } from '../../shared/profile';
import { writeFileAtomic } from '../data/atomic';
import { checkOutputFile, headedOutput, jsonOutput } from '../data/outputs';
import { PROFILE_MD_TITLE, profileMarkdown } from './markdown';

/** Larger than any profile: a bigger .json is not one. */
const MAX_PROFILE_BYTES = 64 * 1024 * 1024;

const PROFILE_JSON_OUTPUT = jsonOutput('a data profile', Profile, MAX_PROFILE_BYTES);
const PROFILE_MD_OUTPUT = headedOutput('a data profile', PROFILE_MD_TITLE);

export interface ProfileFiles {
  json: string;
  markdown: string;
}

/** Throws bad_input before any work when the folder's files may not be written (see the module comment). */
export async function checkProfileOutputs(outDir: string, inputCsv: string): Promise<ProfileFiles> {
  const dir = resolve(outDir);
  const st = await stat(dir).catch(() => null);
  if (st && !st.isDirectory()) throw new TicketLensError('bad_input', `--out ${outDir} exists and is not a folder; give a folder for profile.json and profile.md.`, { path: outDir });
  const files = { json: join(dir, PROFILE_JSON), markdown: join(dir, PROFILE_MD) };
  const inUse = [{ path: inputCsv, what: 'the input CSV' }];
  await checkOutputFile(files.json, inUse, { option: '--out', replaces: PROFILE_JSON_OUTPUT });
  await checkOutputFile(files.markdown, inUse, { option: '--out', replaces: PROFILE_MD_OUTPUT });
  return files;
}

export async function writeProfile(outDir: string, profile: Profile): Promise<ProfileFiles> {
  const files = await checkProfileOutputs(outDir, profile.input.path);
  await writeFileAtomic(files.json, `${JSON.stringify(Profile.parse(profile), null, 2)}\n`);
  await writeFileAtomic(files.markdown, profileMarkdown(profile));
  return files;
}

/**
 * Zero-shot label sets: the built-in defaults (category — the seven ticket categories, multi-label;
 * priority; sentiment, angry to positive; department — the team that handles a ticket) shipped as
 * JSON beside this file, plus the workspace's own file `.ticket-lens/labels.json` ({ "version": 1,
 * "sets": [ { name, multiLabel?, labels: [ { name, description, examples? } ] } ] }), validated with
 * zod. A workspace set with a built-in's name replaces it. Errors name the file, the JSON path and
 * what was expected.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { LabelSet, LabelsFile, TicketLensError } from '../../shared/api';
import category from './labelSets/category.json';
import department from './labelSets/department.json';
import priority from './labelSets/priority.json';
import sentiment from './labelSets/sentiment.json';

export const BUILTIN_LABEL_SETS: LabelSet[] = [category, priority, sentiment, department].map((s) => LabelSet.parse(s));

export const WORKSPACE_LABELS_FILE = join('.ticket-lens', 'labels.json');

function describeIssue(issue: z.core.$ZodIssue): string {
  const where = issue.path.length ? issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') : '(top level)';
  return `${where}: ${issue.message}`;
}

/** Parses a labels file's text; `path` is only used in messages. */
export function parseLabelsFile(text: string, path: string): LabelSet[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new TicketLensError('bad_input', `${path} is not valid JSON (${err instanceof Error ? err.message : String(err)}).`, { path });
  }
  const parsed = LabelsFile.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 5).map(describeIssue);
    throw new TicketLensError('bad_input', `${path} is not a valid label-set file: ${issues.join('; ')}. Expected { "version": 1, "sets": [ { "name", "multiLabel"?, "labels": [ { "name", "description", "examples"? } ] } ] }.`, {
      path,
      issues,
    });
  }
  const names = parsed.data.sets.map((s) => s.name);
  const dup = names.find((nm, i) => names.indexOf(nm) !== i);
  if (dup) throw new TicketLensError('bad_input', `${path}: the label set "${dup}" is defined twice.`, { path });
  return parsed.data.sets;
}

/** The workspace's label sets, or [] when it has no file. */
export async function loadWorkspaceLabelSets(workspace: string): Promise<LabelSet[]> {
  const path = join(workspace, WORKSPACE_LABELS_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return [];
  }
  return parseLabelsFile(text, path);
}

/** Built-ins overlaid with the workspace's sets, then filtered to `names` (all when absent). */
export async function resolveLabelSets(names: readonly string[] | undefined, workspace?: string): Promise<LabelSet[]> {
  const all = new Map(BUILTIN_LABEL_SETS.map((s) => [s.name, s]));
  if (workspace) for (const s of await loadWorkspaceLabelSets(workspace)) all.set(s.name, s);
  if (!names) return [...all.values()];
  return names.map((nm) => {
    const s = all.get(nm);
    if (!s) throw new TicketLensError('bad_input', `There is no label set "${nm}"; available: ${[...all.keys()].map((k) => `"${k}"`).join(', ')}.`);
    return s;
  });
}

/**
 * "Use reviewed clusters as labels": the end of the review loop. Every row whose cluster path has a
 * counting ancestor — reviewed (unless asked otherwise), labelled, not noise; the deepest one wins, so
 * a reviewed sub-cluster refines its reviewed parent — becomes `text,label`. Clusters that share a label
 * form one class. The CSV is what `train` reads; the run folder's own files are left as they are. The
 * run is read and the CSV written under the run's lock, so clusters.json and assignments.csv are read
 * as one state of the run, never half-way through a merge.
 */
import { join, resolve } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { ancestorPaths, autoNameOf, keywordName, labelOf, TicketLensError, type ClusterRecord, type ExportLabelsRequestParsed, type ExportLabelsResult, type LoadedRun } from '../../shared/api';
import { writeFileAtomic } from '../data/atomic';
import { checkOutputFile, RUN_FOLDER_OUTPUT } from '../data/outputs';
import { readAssignments } from '../run/assignmentsCsv';
import { RUN_FILES, withRunRead } from '../run/folder';
import { pauseAt } from '../run/pausePoint';

/** Unlabelled clusters, when they count, are named by this many keywords. */
const KEYWORD_TERMS = 3;

/** The class a cluster's rows get: its label; when unreviewed clusters count too, else its keywords. */
function classOf(c: ClusterRecord, reviewedOnly: boolean): string | null {
  if (c.isNoise || (reviewedOnly && !c.reviewed)) return null;
  return labelOf(c) ?? (reviewedOnly ? null : (autoNameOf(c) ?? (keywordName(c, KEYWORD_TERMS) || null)));
}

export function exportReviewedLabels(input: ExportLabelsRequestParsed): Promise<ExportLabelsResult> {
  return withRunRead(input.runDir, (run) => exportRun(run, input));
}

async function exportRun(run: LoadedRun, input: ExportLabelsRequestParsed): Promise<ExportLabelsResult> {
  const outPath = resolve(input.outPath ?? join(run.runDir, 'reviewed-labels.csv'));
  // Never the user's CSV, nor a run file (text,label rows would break the run the extension is showing);
  // compared by device and inode, so no link or other spelling of either gets through. An existing file
  // is replaced only when it is an earlier export inside a run folder, such as the default path.
  await checkOutputFile(outPath, [{ path: run.manifest.input.path, what: "the run's input CSV" }, ...RUN_FILES.map((f) => ({ path: join(run.runDir, f), what: `the run's own ${f}` }))], {
    replaces: RUN_FOLDER_OUTPUT,
  });

  const counting = new Map<string, string>();
  for (const c of run.clusters) {
    const l = classOf(c, input.reviewedOnly);
    if (l !== null) counting.set(c.id, l);
  }
  if (counting.size === 0) {
    throw new TicketLensError(
      'bad_input',
      input.reviewedOnly
        ? `${run.runDir}: no cluster is both labelled and marked reviewed. Mark clusters as reviewed first (rename them if they have no label).`
        : `${run.runDir}: no cluster has a label or keywords.`,
    );
  }
  // One class per label, whatever its case or spacing; the first spelling met is kept.
  const canonical = new Map<string, string>();
  const classes = new Map<string, { label: string; clusters: Set<string>; rows: number }>();
  for (const [id, l] of counting) {
    const key = l.toLowerCase().replace(/\s+/g, ' ');
    if (!canonical.has(key)) canonical.set(key, l);
    const name = canonical.get(key)!;
    const k = classes.get(name) ?? { label: name, clusters: new Set<string>(), rows: 0 };
    k.clusters.add(id);
    classes.set(name, k);
  }
  const labelFor = (id: string) => canonical.get(counting.get(id)!.toLowerCase().replace(/\s+/g, ' '))!;

  const rows = await readAssignments(run.runDir);
  const out: { text: string; label: string }[] = [];
  let skipped = 0;
  for (const r of rows) {
    const hit = ancestorPaths(r.cluster).find((a) => counting.has(a));
    if (!hit) {
      skipped++;
      continue;
    }
    const label = labelFor(hit);
    classes.get(label)!.rows++;
    out.push({ text: r.text, label });
  }
  const used = [...classes.values()].filter((c) => c.rows > 0);
  if (used.length < 2) {
    throw new TicketLensError(
      'bad_input',
      `A classifier needs at least two labels; the reviewed clusters of ${run.runDir} give ${used.length === 1 ? `only "${used[0].label}"` : 'none'}. Review clusters with different labels.`,
    );
  }
  await writeFileAtomic(outPath, stringify(out, { header: true, columns: ['text', 'label'] }), { beforeRename: () => pauseAt('export') });
  return { csvPath: outPath, rows: out.length, skippedRows: skipped, labels: used.map((c) => ({ label: c.label, clusters: [...c.clusters].sort(), rows: c.rows })) };
}

/**
 * The folders the model server may read and write (`ticket-lens serve --allow-root DIR`, repeated):
 * every workspace folder (the CSVs, runs under .ticket-lens/runs, trained classifiers under
 * .ticket-lens/models, label sets in .ticket-lens/labels.json) and the folder of a classifier file the
 * user's own settings name outside them. Shipped classifiers go by name and need no root (the server
 * finds them in its own folder). Nothing a workspace sets can widen the roots. Without the editor, so
 * it can be tested.
 */
import * as path from 'node:path';

export interface RootInputs {
  /** fsPath of every workspace folder on disk. */
  workspaceFolders: readonly string[];
  /** The user's (global) ticketLens.classifierModel: a shipped name, a path, or undefined. */
  userClassifier: string | undefined;
  /** Whether a folder exists: the server refuses to start with a root that does not. */
  isFolder: (dir: string) => boolean;
  /**
   * A folder that always exists and holds nothing of the user's (the extension's shipped classifiers):
   * the one root when no workspace folder exists any more, so that the server stays confined.
   */
  fallback: string;
}

/**
 * The roots, each once, workspace folders first. A window without a folder gives none: the server
 * then accepts any path, as the user picks every file themselves and no workspace can send one.
 */
export function allowedRoots(inputs: RootInputs): string[] {
  if (inputs.workspaceFolders.length === 0) return [];
  const roots = [...inputs.workspaceFolders];
  // Only an absolute path counts: a relative one is resolved in a workspace folder (classifySelection.ts).
  const own = inputs.userClassifier?.trim();
  if (own && path.isAbsolute(own)) roots.push(path.dirname(own));
  const existing = [...new Set(roots.map((r) => path.resolve(r)))].filter((r) => inputs.isFolder(r));
  return existing.length > 0 ? existing : [path.resolve(inputs.fallback)];
}

/** `--allow-root DIR` for each root, as the server takes them. */
export function rootArgs(roots: readonly string[]): string[] {
  return roots.flatMap((r) => ['--allow-root', r]);
}

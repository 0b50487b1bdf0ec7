/**
 * Which files the HTTP routes may read and write. Every route that names a path asks this policy
 * first (its handler's first lines), through the context's `paths`.
 *
 *  - Allowed roots (`ticket-lens serve --allow-root DIR`, repeatable; the extension passes its
 *    workspace folders): each path is resolved to its real path — symlinks followed, so a link out of
 *    a root is out — and must lie inside a root. Inputs must be regular files (not a folder, a FIFO or
 *    a device such as /dev/zero); a run folder's own files are checked too, so a planted link such as
 *    `assignments.csv → ~/.ssh/id_rsa` cannot feed a secret to a route (or to the LLM). Outputs must
 *    land inside a root: the nearest existing folder on their way is resolved.
 *  - No roots (the CLI's own server and the tests): any path this user can reach, as before; serve.ts
 *    logs a warning at start.
 *  - A server bound to a non-loopback host (--allow-remote) has no TLS: file paths and their contents
 *    would cross the network in clear, and a client elsewhere has no business naming this machine's
 *    files. Every route that names a path answers 403 there; /embed, /classify with shipped models and
 *    label sets, /health and /jobs still work.
 *
 * The checks are made on real paths; the handler then uses the path as the client gave it (the names
 * the extension shows stay its own, e.g. under a symlinked workspace). A link swapped between the check
 * and the use would need someone who can already write inside the roots. What may be overwritten, and
 * the input/output comparison by device and inode, are data/outputs.ts's rules and apply with or
 * without roots.
 */
import { realpathSync, statSync } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { TicketLensError } from '../../shared/api';
import { WORKSPACE_LABELS_FILE } from '../classify/labelSets';
import { defaultClassifiersDir, resolveModelPath } from '../classify/service';
import { RUN_FILES } from '../run/folder';

const caseInsensitive = process.platform === 'win32' || process.platform === 'darwin';
const key = (p: string) => (caseInsensitive ? p.toLowerCase() : p);

function forbidden(message: string, path: string): TicketLensError {
  return new TicketLensError('forbidden', message, { path });
}

async function realOrNull(path: string): Promise<string | null> {
  try {
    return await realpath(path);
  } catch {
    return null;
  }
}

/** Real paths of the roots given at start; an error names one that is not an existing folder. */
export function resolveRoots(roots: readonly string[]): string[] {
  return roots.map((r) => {
    let real: string;
    try {
      real = realpathSync(resolve(r));
    } catch {
      throw new Error(`--allow-root ${r}: no such folder.`);
    }
    if (!statSync(real).isDirectory()) throw new Error(`--allow-root ${r}: not a folder.`);
    return real;
  });
}

export class PathPolicy {
  /**
   * @param roots real paths of the allowed roots; null: no confinement.
   * @param remote the server listens on a non-loopback interface (no TLS): no file routes at all.
   */
  constructor(
    readonly roots: readonly string[] | null,
    readonly remote: boolean,
  ) {}

  private refuseRemote(path: string): void {
    if (this.remote) {
      throw forbidden(`${path}: this server listens on the network without TLS, so its routes read and write no files. Run it on 127.0.0.1 (without --allow-remote) to work with files.`, path);
    }
  }

  private inside(real: string): boolean {
    return (this.roots ?? []).some((root) => {
      const rel = relative(key(root), key(real));
      return rel === '' || (!isAbsolute(rel) && rel.split(sep)[0] !== '..');
    });
  }

  private outsideError(path: string, real: string): TicketLensError {
    const link = resolve(path) === real ? '' : ` (it resolves to ${real})`;
    return forbidden(`${path}${link} is outside the folders this server may use (${(this.roots ?? []).join(', ')}); open the folder that holds it in the workspace.`, path);
  }

  /** The real path of an existing `path` inside the roots. */
  private async existingInside(path: string): Promise<string> {
    const real = await realOrNull(path);
    if (!real) throw new TicketLensError('bad_input', `${path}: file not found.`, { path });
    if (!this.inside(real)) throw this.outsideError(path, real);
    return real;
  }

  /** A file a route reads: a regular file inside the roots. */
  async inputFile(path: string): Promise<void> {
    this.refuseRemote(path);
    if (!this.roots) return;
    const real = await this.existingInside(path);
    const st = await stat(real);
    if (!st.isFile()) throw new TicketLensError('bad_input', `${path} is ${st.isDirectory() ? 'a folder' : 'not a regular file'}; choose a file.`, { path });
  }

  /** A folder a route reads from: a folder inside the roots. */
  async inputDir(path: string): Promise<void> {
    this.refuseRemote(path);
    if (!this.roots) return;
    const real = await this.existingInside(path);
    if (!(await stat(real)).isDirectory()) throw new TicketLensError('bad_input', `${path} is not a folder.`, { path });
  }

  /** A workspace whose label sets /classify reads: the folder, and its labels file when there is one. */
  async workspace(dir: string): Promise<void> {
    await this.inputDir(dir);
    if (this.roots && (await realOrNull(join(dir, WORKSPACE_LABELS_FILE)))) await this.inputFile(join(dir, WORKSPACE_LABELS_FILE));
  }

  /** A run folder a route reads and may update: the folder and each of its run files inside the roots. */
  async runFolder(runDir: string): Promise<void> {
    await this.inputDir(runDir);
    if (!this.roots) return;
    for (const f of RUN_FILES) {
      const p = join(runDir, f);
      const real = await realOrNull(p);
      if (!real) continue; // a missing file is the run reader's error to report
      if (!this.inside(real)) throw this.outsideError(p, real);
      if (!(await stat(real)).isFile()) throw new TicketLensError('bad_input', `${p} is not a regular file; ${runDir} is not a valid run folder.`, { path: p });
    }
  }

  /** A classifier argument: a shipped default by name anywhere, else a .tlc path like any input file. */
  async modelRef(ref: string): Promise<void> {
    const path = resolveModelPath(ref);
    if (dirname(path) === defaultClassifiersDir() && !/[\\/]/.test(ref)) return;
    await this.inputFile(path);
  }

  /** A file or folder a route creates or replaces: where it lands must be inside the roots. */
  async output(path: string): Promise<void> {
    this.refuseRemote(path);
    if (!this.roots) return;
    let probe = resolve(path);
    for (;;) {
      const real = await realOrNull(probe);
      if (real) {
        if (!this.inside(real)) throw this.outsideError(path, probe === resolve(path) ? real : join(real, relative(probe, resolve(path))));
        return;
      }
      const up = dirname(probe);
      if (up === probe) throw this.outsideError(path, resolve(path));
      probe = up;
    }
  }
}

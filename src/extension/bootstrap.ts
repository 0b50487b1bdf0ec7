/** Finds what the server needs: its bundled script, the model directory (setting → cache default) and the folders it may use. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as vscode from 'vscode';
import { TicketLensError } from '../shared/api';
import { rootArgs } from './allowedRoots';
import type { Config } from './settings';

export interface ServerLaunch {
  script: string;
  args: string[];
}

/** `roots`: the folders the server may read and write (allowedRoots.ts); none = any. */
export function serverLaunch(context: vscode.ExtensionContext, config: Config, roots: readonly string[]): ServerLaunch {
  const script = context.asAbsolutePath(path.join('dist', 'cli.js'));
  if (!fs.existsSync(script)) throw new TicketLensError('internal', `The Ticket Lens server is missing from the extension (${script}). Reinstall the extension.`);
  const args = ['serve', '--port', '0', '--device', config.device, '--dtype', config.dtype, ...rootArgs(roots)];
  const model = config.modelPath || process.env.TICKET_LENS_MODEL_DIR || '';
  if (model) {
    const dir = model.startsWith('~') ? path.join(os.homedir(), model.slice(1)) : model;
    if (!fs.existsSync(dir)) throw new TicketLensError('model_unavailable', `ticketLens.modelPath points to ${dir}, which does not exist.`);
    args.push('--model', dir);
  }
  return { script, args };
}

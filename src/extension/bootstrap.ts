/** Finds what the server needs: its bundled script and the model directory (setting → cache default). */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as vscode from 'vscode';
import { TicketLensError } from '../shared/api';
import type { Config } from './settings';

export interface ServerLaunch {
  script: string;
  args: string[];
}

export function serverLaunch(context: vscode.ExtensionContext, config: Config): ServerLaunch {
  const script = context.asAbsolutePath(path.join('dist', 'cli.js'));
  if (!fs.existsSync(script)) throw new TicketLensError('internal', `The Ticket Lens server is missing from the extension (${script}). Reinstall the extension.`);
  const args = ['serve', '--port', '0', '--device', config.device, '--dtype', config.dtype];
  const model = config.modelPath || process.env.TICKET_LENS_MODEL_DIR || '';
  if (model) {
    const dir = model.startsWith('~') ? path.join(os.homedir(), model.slice(1)) : model;
    if (!fs.existsSync(dir)) throw new TicketLensError('model_unavailable', `ticketLens.modelPath points to ${dir}, which does not exist.`);
    args.push('--model', dir);
  }
  return { script, args };
}

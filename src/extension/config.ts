/** The one typed view of the `ticketLens.*` settings. */
import * as vscode from 'vscode';

export interface Config {
  modelPath: string;
  device: 'auto' | 'cpu' | 'cuda';
  dtype: 'q8' | 'fp32';
  minClusterSize: number | 'auto';
  depth: number;
  claudeModel: string;
  concurrency: number;
  redactPii: boolean;
  /** A shipped classifier name ("bitext", "banking77") or a .tlc path; "" = zero-shot sets only. */
  classifierModel: string;
  zeroShotSets: string[];
}

export function readConfig(): Config {
  const c = vscode.workspace.getConfiguration('ticketLens');
  const mcs = c.get<string>('minClusterSize', 'auto');
  return {
    // A model path from an untrusted workspace is ignored (restrictedConfigurations in package.json).
    modelPath: vscode.workspace.isTrusted ? c.get<string>('modelPath', '') : (c.inspect<string>('modelPath')?.globalValue ?? ''),
    device: c.get('device', 'auto'),
    dtype: c.get('dtype', 'q8'),
    minClusterSize: mcs === 'auto' || !Number.isFinite(Number(mcs)) ? 'auto' : Number(mcs),
    depth: c.get<number>('depth', 2),
    claudeModel: c.get<string>('claudeModel', 'claude-haiku-5-5'),
    concurrency: c.get<number>('concurrency', 4),
    redactPii: c.get<boolean>('redactPii', true),
    // A classifier path from an untrusted workspace is ignored, as the model path is.
    classifierModel: vscode.workspace.isTrusted ? c.get<string>('classifierModel', 'bitext') : (c.inspect<string>('classifierModel')?.globalValue ?? 'bitext'),
    zeroShotSets: c.get<string[]>('zeroShotSets', ['category', 'priority', 'sentiment']),
  };
}

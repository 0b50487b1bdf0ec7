/**
 * Entry point the extension host loads through `extensionTestsPath` (scripts/test-e2e.mjs). Runs the
 * mocha suite inside the real extension host and writes every test's outcome to
 * `<workspace>/.ticket-lens-it.json`: the host can exit 0 even when a test failed, so the runner
 * judges by that file.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';
import * as vscode from 'vscode';

interface Outcome {
  title: string;
  state: 'passed' | 'failed';
  ms: number;
  error?: string;
}

export function run(): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (!folder) return Promise.reject(new Error('the integration tests need a workspace folder'));
  const mocha = new Mocha({ ui: 'bdd', timeout: 240_000, color: false });
  mocha.addFile(join(__dirname, 'integration.test.js'));
  const outcomes: Outcome[] = [];
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      writeFileSync(join(folder, '.ticket-lens-it.json'), JSON.stringify({ failures, outcomes }, null, 2));
      if (failures) reject(new Error(`${failures} integration test(s) failed`));
      else resolve();
    });
    runner.on('pass', (t) => outcomes.push({ title: t.fullTitle(), state: 'passed', ms: t.duration ?? 0 }));
    runner.on('fail', (t, err: Error) => outcomes.push({ title: t.fullTitle(), state: 'failed', ms: t.duration ?? 0, error: `${err.message}\n${err.stack ?? ''}`.slice(0, 2000) }));
  });
}

// The extension-host integration suite (test/integration) run the standard way, by @vscode/test-cli
// in a desktop VS Code that @vscode/test-electron downloads. That download needs a network, so
// `npm test` runs the same suite in code-server instead (scripts/test-e2e.mjs), and neither package
// is a dependency: see "The integration suite in desktop VS Code" in the README.
//
// No import of '@vscode/test-cli' here: the file must load for eslint and for machines without it.
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));

// The workspace the suite expects, as scripts/test-e2e.mjs makes it: the bundled sample, a ticket and
// a malformed CSV, with the model forced onto the CPU (the suite checks the requested device).
// Made fresh on every load, beside VS Code's own download in .vscode-test/.
const workspace = join(root, '.vscode-test', 'workspace');
rmSync(workspace, { recursive: true, force: true });
mkdirSync(join(workspace, '.vscode'), { recursive: true });
cpSync(join(root, 'media', 'samples', 'tickets.csv'), join(workspace, 'tickets.csv'));
writeFileSync(join(workspace, 'broken.csv'), 'text,label\nfine,a\nbroken, has, too many\n');
writeFileSync(join(workspace, 'ticket.txt'), 'I was charged twice for my order and I want my money back\n');
writeFileSync(join(workspace, '.vscode', 'settings.json'), JSON.stringify({ 'ticketLens.device': 'cpu' }, null, 2));

/** @type {import('@vscode/test-cli').TestConfiguration} */
export default {
  label: 'integration',
  // Bundled by `npm run build` (scripts/build.mjs) from test/integration/extension.test.ts.
  files: 'dist-test/integration.test.js',
  // engines.vscode is ^1.100.0: `--code-version 1.100.3` tests the oldest supported release.
  version: 'stable',
  extensionDevelopmentPath: root,
  workspaceFolder: workspace,
  launchArgs: ['--disable-extensions', '--disable-workspace-trust'],
  // test-cli's runner defaults to the tdd UI and 2 s; the suite uses describe/it and clusters and
  // trains with the real model (test/integration/index.ts gives the code-server run the same).
  mocha: { ui: 'bdd', timeout: 240_000 },
};

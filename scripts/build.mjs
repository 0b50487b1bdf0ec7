// Bundles the three runtimes separately: the model server + CLI (Node), the extension (VS Code host),
// and the webview (browser). Native and heavy ML packages stay external and ship in node_modules.
import * as esbuild from 'esbuild';
import { existsSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
const pkg = JSON.parse(await (await import('node:fs/promises')).readFile('package.json', 'utf8'));
const common = { define: { __TICKET_LENS_VERSION__: JSON.stringify(pkg.version) }, bundle: true, sourcemap: !production, minify: production, logLevel: 'warning', legalComments: 'none' };
// PGlite and its pgvector extension load their .wasm/.data/.tar.gz files from beside their own modules.
const nodeExternal = ['onnxruntime-node', '@huggingface/transformers', 'sharp', '@electric-sql/pglite', '@electric-sql/pglite-pgvector', 'vscode'];

const builds = [
  { ...common, entryPoints: { cli: 'src/server/cli.ts', bench: 'scripts/bench-entry.ts', 'umap-worker': 'src/server/cluster/umap/worker.ts', 'cpu-worker': 'src/server/workers/worker.ts', 'team-worker': 'src/server/workers/teamWorker.ts', 'inference-worker': 'src/server/workers/inferenceWorker.ts' }, outdir: 'dist', platform: 'node', format: 'cjs', target: 'node20', external: nodeExternal },
];
if (existsSync('src/extension/extension.ts')) {
  builds.push({ ...common, entryPoints: { extension: 'src/extension/extension.ts' }, outdir: 'dist', platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'] });
}
if (existsSync('webview/src/main.ts')) {
  builds.push({ ...common, entryPoints: { webview: 'webview/src/main.ts', 'profile-webview': 'webview/src/profile/main.ts', 'evaluation-webview': 'webview/src/evaluation/main.ts' }, outdir: 'dist', platform: 'browser', format: 'esm', target: 'es2022' });
}
// The extension-host integration tests (scripts/test-e2e.mjs loads them); never shipped.
if (existsSync('test/integration/index.ts') && !production) {
  builds.push({ ...common, entryPoints: { integration: 'test/integration/index.ts', 'integration.test': 'test/integration/extension.test.ts' }, outdir: 'dist-test', platform: 'node', format: 'cjs', target: 'node20', external: ['vscode', 'mocha'] });
}

if (watch) {
  for (const b of builds) (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}

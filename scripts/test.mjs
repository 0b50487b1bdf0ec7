// `npm test`: the whole test suite, as CI runs it. Provisions what the tests need first (the model,
// and for the VS Code tests code-server + Chromium), each a quick no-op when already there.
//   npm test              everything
//   npm test -- --unit    engine tests only (no VS Code)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const args = new Set(process.argv.slice(2));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function step(title, cmd, cmdArgs) {
  process.stdout.write(`\n=== ${title}\n`);
  const started = Date.now();
  const r = spawnSync(cmd, cmdArgs, { stdio: 'inherit', env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' } });
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  if (r.status !== 0) {
    process.stderr.write(`\n✗ ${title} failed (exit ${r.status ?? r.signal}) after ${secs}s\n`);
    process.exit(r.status || 1);
  }
  process.stdout.write(`✓ ${title} (${secs}s)\n`);
}

step('Provision the embedding model', npm, ['run', '--silent', 'models']);
step('Build', npm, ['run', '--silent', 'build']);
step('Engine tests (vitest, real model)', 'npx', ['vitest', 'run']);
// The VS Code tests: integration tests in the extension host, then the UI with the packaged VSIX.
if (!args.has('--unit') && existsSync('scripts/test-e2e.mjs')) step('VS Code tests (code-server + Chromium)', npm, ['run', '--silent', 'test:e2e']);

// `npm run sample`: the main job on the bundled sample, on a fresh machine. Installs dependencies if
// needed, provisions the model, builds, then clusters media/samples/tickets.csv (300 Bitext tickets,
// evaluated against their intents), labels the clusters (Claude when ANTHROPIC_API_KEY is set, keyword
// labels otherwise) and prints the report.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const env = { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' };
const run = (cmd, args, opts = {}) => {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, env, ...opts });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

if (!existsSync(join(root, 'node_modules', 'onnxruntime-node'))) run('npm', ['ci', '--no-audit', '--no-fund']);
run('npm', ['run', '--silent', 'models']);
run('npm', ['run', '--silent', 'build']);
const out = join(root, '.ticket-lens', 'runs', `sample-${new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)}`);
run(process.execPath, ['bin/ticket-lens.js', 'cluster', 'media/samples/tickets.csv', '--text-column', 'text', '--label-column', 'intent', '--out', out]);
if (existsSync(join(root, 'src', 'server', 'label'))) run(process.execPath, ['bin/ticket-lens.js', 'label', out]);
process.stdout.write(`\n${readFileSync(join(out, 'summary.md'), 'utf8').split('\n').slice(0, 30).join('\n')}\n…\nThe full report: ${join(out, 'summary.md')}\n`);

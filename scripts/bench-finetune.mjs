// `npm run bench:finetune`: fine-tunes the embedding model on Bitext's intents with 5 intents held out
// (`ticket-lens finetune`, the real CLI and the Python tools venv) and prints how the base model, today's
// adapter and the fine-tuned model separate the held-out intents and held-out rows of the others, with
// the training time on this machine's cores (a GPU is used when torch sees one). Sized for ~10 minutes
// on 2 cores: 4,000 pairs, 1 epoch. A benchmark that prints, not a timed test.
//   --max-pairs N  --epochs N  --holdout-labels N|a,b,c  --eval-per-label N  --keep (keep the model folder)
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const data = process.env.TICKET_LENS_DATA || resolve(root, '..', 'shared', 'data');
const bitext = join(data, 'bitext.csv');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};

if (!existsSync(bitext)) {
  process.stderr.write(`bench:finetune: ${bitext} is missing (set TICKET_LENS_DATA to the folder with bitext.csv)\n`);
  process.exit(1);
}
execFileSync(process.execPath, [join(root, 'scripts', 'models.mjs')], { stdio: 'inherit' });
execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { stdio: 'inherit' });
// The tools venv the fine-tune runs in (made once; a no-op when it is there).
const env = spawnSync('bash', [join(root, 'scripts', 'python-env.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
if (env.status !== 0) {
  process.stderr.write('bench:finetune: could not create the Python tools venv (scripts/python-env.sh)\n');
  process.exit(1);
}

const work = mkdtempSync(join(tmpdir(), 'tl-bench-finetune-'));
const out = join(work, 'bitext-intent');
const cli = [
  join(root, 'bin', 'ticket-lens.js'),
  'finetune',
  bitext,
  '--label-column', 'intent',
  '--out', out,
  '--max-pairs', opt('--max-pairs', '4000'),
  '--epochs', opt('--epochs', '1'),
  '--holdout-labels', opt('--holdout-labels', '5'),
  '--eval-per-label', opt('--eval-per-label', '100'),
];
process.stdout.write(`bench:finetune: ticket-lens ${cli.slice(1).join(' ')}\n`);
const started = Date.now();
const r = spawnSync(process.execPath, cli, { stdio: 'inherit', env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' } });
const secs = (Date.now() - started) / 1000;
if (r.status !== 0) {
  rmSync(work, { recursive: true, force: true });
  process.stderr.write(`bench:finetune: the fine-tune failed (exit ${r.status ?? r.signal})\n`);
  process.exit(1);
}
process.stdout.write(`bench:finetune: whole command ${secs.toFixed(1)} s (read, fine-tune, export, evaluate)\n`);
if (args.includes('--keep')) process.stdout.write(`bench:finetune: model kept at ${out}\n`);
else rmSync(work, { recursive: true, force: true });

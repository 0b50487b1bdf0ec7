// `node scripts/train-defaults.mjs`: trains the classifiers shipped in models/classifiers from the
// shared data sets (../shared/data, or $TICKET_LENS_DATA), with the real CLI:
//   bitext.tlc     Bitext customer-support tickets: intent (27) and category (11)
//   banking77.tlc  Banking77: intent (77), plus category and priority through the documented mapping
//                  models/classifiers/banking77-mapping.json
// Both use the contrastive adapter and seed 42, so a re-run reproduces the files. Then evaluates
// banking77.tlc on the Banking77 test set (reports under $TMPDIR, never in the repo).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const data = process.env.TICKET_LENS_DATA || resolve(root, '..', 'shared', 'data');
const outDir = join(root, 'models', 'classifiers');
const work = mkdtempSync(join(tmpdir(), 'tl-train-defaults-'));
const cli = (args) => execFileSync(process.execPath, [join(root, 'bin', 'ticket-lens.js'), ...args], { stdio: ['ignore', 'inherit', 'inherit'] });

execFileSync(process.execPath, [join(root, 'scripts', 'models.mjs')], { stdio: 'inherit' });
execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { stdio: 'inherit' });

// Banking77 with the mapped category and priority columns
const mapping = JSON.parse(readFileSync(join(outDir, 'banking77-mapping.json'), 'utf8')).intents;
function mapped(file) {
  const rows = parse(readFileSync(join(data, file)), { columns: true });
  const out = join(work, file);
  writeFileSync(
    out,
    stringify(
      rows.map((r) => {
        const m = mapping[r.label];
        if (!m) throw new Error(`${file}: intent "${r.label}" is missing from banking77-mapping.json`);
        return { text: r.text, intent: r.label, category: m.category, priority: m.priority };
      }),
      { header: true },
    ),
  );
  return out;
}
const bTrain = mapped('banking77_train.csv');
const bTest = mapped('banking77_test.csv');

const common = ['--text-column', 'text', '--adapter', '--seed', '42', '--quiet'];
console.log('== bitext.tlc');
cli(['train', join(data, 'bitext.csv'), '--label-column', 'intent', '--label-column', 'category', '--name', 'bitext', '--out', join(outDir, 'bitext.tlc'), ...common]);
console.log('== banking77.tlc');
cli(['train', bTrain, '--label-column', 'intent', '--label-column', 'category', '--label-column', 'priority', '--name', 'banking77', '--out', join(outDir, 'banking77.tlc'), ...common]);
console.log('== banking77.tlc on the Banking77 test set');
cli(['eval', bTest, '--model', join(outDir, 'banking77.tlc'), '--text-column', 'text', '--label-column', 'intent', '--label-column', 'category', '--label-column', 'priority', '--out', join(work, 'banking77-test.json'), '--quiet']);
for (const f of ['bitext.tlc', 'banking77.tlc']) console.log(`${f}: ${(statSync(join(outDir, f)).size / 1e6).toFixed(2)} MB`);
console.log(`reports: ${work}`);

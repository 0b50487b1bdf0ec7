#!/usr/bin/env node
// Checks a packed VSIX for real: `node scripts/check-vsix.mjs ticket-lens-X.vsix [--model DIR] [--keep]`.
//
//  1. its file list: the bundles, shipped classifiers and run-time modules are there; no sources, tests,
//     scripts, source maps, dev dependencies or other platforms' binaries;
//  2. extracted to a temp dir, every module the packaged package.json depends on (and their dependencies)
//     is packaged and resolves from extension/dist inside the extraction;
//  3. the packaged server (extension/dist/cli.js) starts from there, as the extension starts it, and
//     answers GET /health, POST /embed and POST /classify with the shipped "bitext" classifier.
//
// The model is not in the VSIX: it is the one in the model cache (--model, $TICKET_LENS_MODEL_DIR, or
// ~/.cache/ticket-lens/models/all-MiniLM-L6-v2; `npm run models` provisions it). The server gets a temp
// embedding cache, so the check leaves nothing behind. Exits non-zero with a message on any failure.
// Also a module: listVsix() and checkEntries() serve scripts/package.mjs.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir, tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);

/** yauzl (a dependency of @vscode/vsce) when installed; else Debian's unzip. */
function loadYauzl() {
  try {
    return require('yauzl');
  } catch {
    return null;
  }
}

function openZip(yauzl, file) {
  return new Promise((res, rej) => yauzl.open(file, { lazyEntries: true, autoClose: false }, (err, zip) => (err ? rej(err) : res(zip))));
}

async function eachEntry(file, onEntry) {
  const yauzl = loadYauzl();
  const zip = await openZip(yauzl, file);
  try {
    await new Promise((res, rej) => {
      zip.on('error', rej);
      zip.on('end', res);
      zip.on('entry', (entry) => {
        Promise.resolve(onEntry(zip, entry)).then(() => zip.readEntry(), rej);
      });
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
}

/** The VSIX's entries: [{ name, size }] (size uncompressed; directories end in "/"). */
export async function listVsix(file) {
  if (!existsSync(file)) throw new Error(`${file} does not exist`);
  if (!loadYauzl()) {
    const r = spawnSync('unzip', ['-Z', '-l', file], { encoding: 'utf8', maxBuffer: 64 << 20 });
    if (r.status !== 0) throw new Error(`unzip -Z ${file}: ${r.stderr || r.error?.message}`);
    // "-rw-r--r--  2.0 unx     1234 b- 567 defN 24-Nov-01 12:00 path"
    return r.stdout
      .split('\n')
      .map((l) => /^\S{10}\s+\S+\s+\S+\s+(\d+)\s+\S+\s+\S+\s+\S+\s+\S+\s+\S+\s+(.+)$/.exec(l))
      .filter(Boolean)
      .map((m) => ({ name: m[2], size: Number(m[1]) }));
  }
  const entries = [];
  await eachEntry(file, (_zip, e) => entries.push({ name: e.fileName, size: e.uncompressedSize }));
  return entries;
}

async function extractVsix(file, dir) {
  if (!loadYauzl()) {
    const r = spawnSync('unzip', ['-q', '-o', file, '-d', dir], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`unzip ${file}: ${r.stderr || r.error?.message}`);
    return;
  }
  const root = resolve(dir);
  await eachEntry(file, async (zip, e) => {
    const target = resolve(root, e.fileName);
    if (isAbsolute(e.fileName) || !(target + sep).startsWith(root + sep)) throw new Error(`unsafe path in the VSIX: ${e.fileName}`);
    if (e.fileName.endsWith('/')) {
      mkdirSync(target, { recursive: true });
      return;
    }
    mkdirSync(dirname(target), { recursive: true });
    const stream = await new Promise((res, rej) => zip.openReadStream(e, (err, s) => (err ? rej(err) : res(s))));
    await pipeline(stream, createWriteStream(target));
  });
}

const REQUIRED = [
  'extension.vsixmanifest',
  'extension/package.json',
  'extension/readme.md', // vsce lower-cases it
  'extension/dist/extension.js',
  'extension/dist/cli.js',
  'extension/dist/umap-worker.js',
  'extension/dist/webview.js',
  'extension/media/ticket-lens.svg',
  'extension/models/classifiers/bitext.tlc',
  'extension/models/classifiers/banking77.tlc',
  'extension/models/classifiers/banking77-mapping.json',
  'extension/node_modules/onnxruntime-node/package.json',
  'extension/node_modules/onnxruntime-common/package.json',
  'extension/node_modules/@huggingface/transformers/package.json',
];
const FORBIDDEN = [
  [/^extension\/(src|test|tests|scripts|webview|bin|out|dist-test|test-results|\.ticket-lens|\.git|\.vscode)\//, 'repo sources, tests or scripts'],
  [/^extension\/[^/]*\.(ts|mts|cts|tsbuildinfo)$|^extension\/(tsconfig|vitest|eslint)[^/]*$/, 'repo config'],
  [/\.(ts|mts|cts)$/, 'TypeScript sources or declarations'],
  [/\.map$/, 'source maps'],
  [/^extension\/dist\/(?!(extension|cli|umap-worker|webview)\.js$)/, 'dist files other than the four bundles'],
  [/^extension\/node_modules\/(esbuild|@esbuild|typescript|vitest|@vitest|eslint|@eslint|mocha|playwright-core|@vscode\/vsce|@types|typescript-eslint|onnxruntime-web)\//, 'dev dependencies or unused modules'],
  [/^extension\/package-lock\.json$|\.vsix$/, 'lock file or VSIX'],
];

/** Problems with a VSIX's file list (an empty array when it is right). */
export function checkEntries(entries, { platform = process.platform, arch = process.arch } = {}) {
  const names = new Set(entries.map((e) => (/^extension\/readme\.md$/i.test(e.name) ? 'extension/readme.md' : e.name)));
  const problems = REQUIRED.filter((n) => !names.has(n)).map((n) => `missing: ${n}`);
  const binDir = `extension/node_modules/onnxruntime-node/bin/napi-v6/${platform}/${arch}/`;
  if (!entries.some((e) => e.name.startsWith(binDir) && e.name.endsWith('onnxruntime_binding.node'))) problems.push(`missing: ${binDir}onnxruntime_binding.node`);
  for (const { name } of entries) {
    if (name.startsWith('extension/node_modules/onnxruntime-node/bin/') && !name.startsWith(binDir)) problems.push(`another platform's binary: ${name}`);
    for (const [re, why] of FORBIDDEN) if (re.test(name)) problems.push(`${why}: ${name}`);
  }
  return problems;
}

/** Every module the packaged package.json depends on, with their own dependencies, must resolve inside extDir. */
function checkModules(extDir) {
  const problems = [];
  const fromDist = createRequire(join(extDir, 'dist', 'cli.js'));
  const seen = new Set();
  const visit = (name, requireFrom, chain) => {
    let pj;
    try {
      pj = requireFrom.resolve(`${name}/package.json`);
    } catch {
      problems.push(`module ${name} (${chain.join(' → ')}) is not packaged`);
      return;
    }
    if (!pj.startsWith(extDir + sep)) problems.push(`module ${name} resolves outside the extension: ${pj}`);
    if (seen.has(pj)) return;
    seen.add(pj);
    const deps = JSON.parse(readFileSync(pj, 'utf8')).dependencies ?? {};
    for (const d of Object.keys(deps)) visit(d, createRequire(pj), [...chain, d]);
  };
  const root = JSON.parse(readFileSync(join(extDir, 'package.json'), 'utf8'));
  if (root.scripts?.['vscode:prepublish']) problems.push('the packaged package.json still has a vscode:prepublish script');
  if (root.devDependencies) problems.push('the packaged package.json still has devDependencies');
  for (const d of Object.keys(root.dependencies ?? {})) visit(d, fromDist, [d]);
  // What the bundles require at load time must resolve from dist (same as the extension host will).
  for (const m of ['onnxruntime-node', '@huggingface/transformers']) {
    try {
      const p = fromDist.resolve(m);
      if (!p.startsWith(extDir + sep)) problems.push(`${m} resolves outside the extension: ${p}`);
    } catch (e) {
      problems.push(`${m} does not resolve from dist/: ${e.message.split('\n')[0]}`);
    }
  }
  return { problems, modules: seen.size };
}

function startServer(cli, { token, modelDir, cacheDir, cwd }) {
  const env = { ...process.env, TICKET_LENS_TOKEN: token, TICKET_LENS_CACHE: cacheDir, TICKET_LENS_MODEL_DIR: modelDir };
  // Nothing from the repo or the caller's setup may stand in for what the VSIX should carry.
  for (const k of ['NODE_PATH', 'NODE_OPTIONS', 'TICKET_LENS_CLASSIFIERS_DIR']) delete env[k];
  const child = spawn(process.execPath, [cli, 'serve', '--port', '0', '--model', modelDir], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d) => {
    stderr = (stderr + d).slice(-8000);
  });
  const ready = new Promise((res, rej) => {
    let out = '';
    const timer = setTimeout(() => rej(new Error('the server printed no ready line within 60 s')), 60_000);
    child.stdout.setEncoding('utf8').on('data', (d) => {
      out += d;
      for (const line of out.split('\n').slice(0, -1)) {
        try {
          const m = JSON.parse(line);
          if (m.event === 'ready') {
            clearTimeout(timer);
            res(m);
          }
        } catch {
          /* not the ready line */
        }
      }
      out = out.slice(out.lastIndexOf('\n') + 1);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      rej(new Error(`the server exited before it was ready (${signal ?? `code ${code}`})`));
    });
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((res) => child.once('exit', res));
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(t);
  };
  return { child, ready, stop, stderr: () => stderr };
}

async function call(base, token, method, path, body) {
  const res = await fetch(base + path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(180_000),
  });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (res.status !== 200) throw new Error(`${method} ${path} answered ${res.status}: ${text.slice(0, 500)}`);
  if (json === undefined) throw new Error(`${method} ${path} answered no JSON: ${text.slice(0, 200)}`);
  return json;
}

function assert(cond, message) {
  if (!cond) throw new Error(message);
}

async function main() {
  const argv = process.argv.slice(2);
  const keep = argv.includes('--keep');
  const mi = argv.indexOf('--model');
  const vsix = argv.find((a, i) => !a.startsWith('--') && (mi < 0 || i !== mi + 1));
  if (!vsix) {
    console.error('usage: node scripts/check-vsix.mjs <file.vsix> [--model DIR] [--keep]');
    process.exit(2);
  }
  const cacheRoot = process.env.TICKET_LENS_CACHE || join(homedir(), '.cache', 'ticket-lens');
  const modelDir = resolve(mi >= 0 ? argv[mi + 1] : process.env.TICKET_LENS_MODEL_DIR || join(cacheRoot, 'models', 'all-MiniLM-L6-v2'));
  const file = resolve(vsix);
  const say = (m) => console.log(`check-vsix: ${m}`);

  // 1. The file list.
  const entries = await listVsix(file);
  const listProblems = checkEntries(entries);
  if (listProblems.length) throw new Error(`the VSIX's contents are wrong:\n  ${listProblems.join('\n  ')}`);
  say(`contents ok: ${entries.filter((e) => !e.name.endsWith('/')).length} files (${loadYauzl() ? 'yauzl' : 'unzip'})`);
  if (!existsSync(join(modelDir, 'config.json'))) throw new Error(`no model in ${modelDir} (it is not shipped in the VSIX: run \`npm run models\`, or pass --model DIR)`);

  const work = mkdtempSync(join(tmpdir(), 'ticket-lens-check-vsix-'));
  let server;
  try {
    // 2. Extract; the modules resolve inside the extraction.
    const dir = join(work, 'x');
    await extractVsix(file, dir);
    const extDir = join(dir, 'extension');
    const { problems, modules } = checkModules(extDir);
    if (problems.length) throw new Error(`the packaged modules are incomplete:\n  ${problems.join('\n  ')}`);
    say(`extracted to ${dir}; ${modules} packaged modules resolve inside it`);

    // 3. The packaged server, as the extension runs it (dist/cli.js serve --port 0 --model DIR).
    const token = randomBytes(16).toString('hex');
    const cacheDir = join(work, 'cache');
    mkdirSync(cacheDir);
    server = startServer(join(extDir, 'dist', 'cli.js'), { token, modelDir, cacheDir, cwd: work });
    let ready;
    try {
      ready = await server.ready;
    } catch (e) {
      throw new Error(`${e.message}\n--- server stderr ---\n${server.stderr()}`);
    }
    const base = `http://127.0.0.1:${ready.port}`;
    say(`server ready on port ${ready.port} (version ${ready.version})`);
    const version = JSON.parse(readFileSync(join(extDir, 'package.json'), 'utf8')).version;
    assert(ready.version === version, `the server reports version ${ready.version}, the package.json ${version}`);

    const health = await call(base, token, 'GET', '/health');
    assert(health.status === 'ok', `/health status is ${JSON.stringify(health.status)}`);
    say(`GET /health 200: status ${health.status}, version ${health.version}, model ${health.model?.path}`);

    const t0 = Date.now();
    const emb = await call(base, token, 'POST', '/embed', { texts: ['hello'] });
    const v = emb.vectors?.[0];
    assert(Array.isArray(emb.vectors) && emb.vectors.length === 1 && Array.isArray(v), '/embed returned no vector for one text');
    assert(v.length === emb.dim && emb.dim > 0, `/embed vector has ${v.length} numbers, dim says ${emb.dim}`);
    assert(v.every(Number.isFinite), '/embed vector has non-finite numbers');
    const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
    assert(Math.abs(norm - 1) < 1e-3, `/embed vector is not unit length (norm ${norm})`);
    say(`POST /embed 200: model ${emb.model}, dim ${emb.dim}, norm ${norm.toFixed(4)} (${Date.now() - t0} ms, model load included)`);

    const text = 'I want a refund for my order';
    const cls = await call(base, token, 'POST', '/classify', { texts: [text], models: ['bitext'] });
    const tasks = cls.results?.[0]?.tasks ?? [];
    assert(tasks.length > 0, '/classify returned no task predictions');
    // Judged on the top class, not the label: whether a text counts as "unknown" (reject) is the
    // classifier's calibration, not the package's business.
    const summary = tasks.map((t) => `${t.task}: top ${t.topK?.[0]?.label} (${t.topK?.[0]?.score.toFixed(2)}), label ${t.label}${t.unknown ? ' (rejected)' : ''}`).join('; ');
    assert(
      tasks.some((t) => /refund/i.test(t.topK?.[0]?.label ?? '')),
      `/classify with the shipped bitext model does not see a refund in "${text}": ${summary}`,
    );
    say(`POST /classify 200 (bitext): ${summary}`);

    const after = await call(base, token, 'GET', '/health');
    say(`device: ${after.device?.active} (${after.device?.reason})`);
    await server.stop();
    say('ok');
  } finally {
    await server?.stop().catch(() => {});
    if (keep) say(`kept ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((e) => {
    console.error(`check-vsix: FAILED: ${e.message}`);
    process.exit(1);
  });
}

#!/usr/bin/env node
// `npm run package`: builds the extension and packs a VSIX for this machine's platform.
//
// vsce runs in a clean staging directory (a temp dir), never in the repo: the staged package.json has
// no scripts (so no `vscode:prepublish`) and no devDependencies, and its dependencies are only the
// bundles' externals. What is staged:
//   dist/{extension,cli,umap-worker,webview}.js   the bundles (no source maps)
//   models/classifiers/*.tlc, *.json              the shipped classifiers (the server walks up to them)
//   media/, README.md, LICENSE (if any), .vscodeignore
//   node_modules/                                 the externals' run-time closure, pruned:
//     onnxruntime-node           dist/*.js + bin/napi-v6/<this platform>/<this arch>/ only (no install script)
//     onnxruntime-common         dist/cjs only
//     @huggingface/transformers  dist/transformers.node.cjs only (jinja, tokenizers and the onnxruntime-web
//                                code are bundled into it; it requires only onnxruntime-node/-common and sharp)
//     sharp                      a stub: transformers requires sharp when it loads (for images; we only
//                                tokenise text), and without it the server does not start. The stub saves the
//                                native libvips (~19 MB). `--sharp=none` packs without it, to re-measure that.
// vsce then runs with npm dependency detection (`npm ls --production` in the staging dir, which is why the
// staged modules' package.json list only what is staged); `--no-dependencies` would leave node_modules out.
//
// Flags: --no-build (use dist/ as it is), --keep (keep the staging dir), --check (then run check-vsix.mjs),
//        --out <file>, --sharp=stub|none.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkEntries, listVsix } from './check-vsix.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name) => {
  const i = args.findIndex((a) => a === name || a.startsWith(`${name}=`));
  if (i < 0) return undefined;
  return args[i].includes('=') ? args[i].slice(name.length + 1) : args[i + 1];
};
const sharpMode = option('--sharp') ?? 'stub';
if (!['stub', 'none'].includes(sharpMode)) fail(`--sharp must be stub or none, not ${sharpMode}`);

function fail(message) {
  console.error(`package: ${message}`);
  process.exit(1);
}

function run(cmd, argv, opts) {
  const r = spawnSync(cmd, argv, { stdio: 'inherit', ...opts });
  if (r.error) fail(`${cmd} ${argv.join(' ')}: ${r.error.message}`);
  if (r.status !== 0) fail(`${[cmd, ...argv].join(' ')} exited with ${r.status ?? r.signal}`);
}

const readJson = (p) => JSON.parse(readFileSync(p, 'utf8'));
const writeJson = (p, v) => writeFileSync(p, `${JSON.stringify(v, null, 2)}\n`);

const pkg = readJson(join(repo, 'package.json'));
const vsceTargets = { 'linux-x64': 'linux-x64', 'linux-arm64': 'linux-arm64', 'linux-arm': 'linux-armhf', 'darwin-x64': 'darwin-x64', 'darwin-arm64': 'darwin-arm64', 'win32-x64': 'win32-x64', 'win32-arm64': 'win32-arm64' };
const target = vsceTargets[`${process.platform}-${process.arch}`];
if (!target) fail(`no VS Code target platform for ${process.platform}-${process.arch}`);
const out = resolve(option('--out') ?? join(repo, `${pkg.name}-${pkg.version}.vsix`));

// ---- 1. Build (the same build as `npm run build`; the source maps stay behind).
if (!flag('--no-build')) {
  console.log('package: building');
  run(process.execPath, [join(repo, 'scripts', 'build.mjs')], { cwd: repo });
}

// ---- 2. Stage.
const stage = mkdtempSync(join(tmpdir(), 'ticket-lens-vsix-'));
const ext = stage; // vsce packs the staging dir's files under extension/ in the VSIX
process.on('exit', () => {
  if (!flag('--keep')) rmSync(stage, { recursive: true, force: true });
  else console.log(`package: staging dir kept: ${stage}`);
});

const bundles = ['extension.js', 'cli.js', 'umap-worker.js', 'webview.js'];
mkdirSync(join(ext, 'dist'));
for (const b of bundles) {
  const src = join(repo, 'dist', b);
  if (!existsSync(src)) fail(`dist/${b} is missing (run without --no-build)`);
  // Drop the sourceMappingURL comment: the maps are not shipped.
  const code = readFileSync(src, 'utf8').replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n');
  writeFileSync(join(ext, 'dist', b), code);
}

const classifiers = join(repo, 'models', 'classifiers');
const shippedClassifiers = readdirSync(classifiers).filter((f) => /\.(tlc|json)$/.test(f));
if (!shippedClassifiers.some((f) => f.endsWith('.tlc'))) fail('models/classifiers holds no .tlc file');
mkdirSync(join(ext, 'models', 'classifiers'), { recursive: true });
for (const f of shippedClassifiers) cpSync(join(classifiers, f), join(ext, 'models', 'classifiers', f));

cpSync(join(repo, 'media'), join(ext, 'media'), { recursive: true });
for (const f of ['README.md', 'LICENSE', 'LICENSE.md', 'LICENSE.txt', 'CHANGELOG.md', '.vscodeignore']) {
  if (existsSync(join(repo, f))) cpSync(join(repo, f), join(ext, f));
}

// The run-time modules: what to keep of each, and the dependencies its staged package.json declares.
const nm = join(repo, 'node_modules');
const versionOf = (name) => readJson(join(nm, name, 'package.json')).version;
const SHARP_STUB_VERSION = '0.0.0-ticket-lens-stub';
const modules = {
  'onnxruntime-node': {
    keep: (rel) => /^dist\/[^/]+\.js$/.test(rel) || rel.startsWith(`bin/napi-v6/${process.platform}/${process.arch}/`),
    dependencies: ['onnxruntime-common'],
  },
  'onnxruntime-common': {
    keep: (rel) => /^dist\/cjs\/[^/]+\.(js|json)$/.test(rel),
    exports: { '.': './dist/cjs/index.js', './package.json': './package.json' },
    dependencies: [],
  },
  '@huggingface/transformers': {
    keep: (rel) => rel === 'dist/transformers.node.cjs',
    main: './dist/transformers.node.cjs',
    exports: { '.': './dist/transformers.node.cjs', './package.json': './package.json' },
    dependencies: ['onnxruntime-node', 'onnxruntime-common', ...(sharpMode === 'stub' ? ['sharp'] : [])],
  },
};
const externals = ['@huggingface/transformers', 'onnxruntime-node']; // scripts/build.mjs's externals, less vscode (and sharp, below)
const staged = {};

for (const [name, spec] of Object.entries(modules)) {
  const from = join(nm, name);
  if (!existsSync(join(from, 'package.json'))) fail(`node_modules/${name} is missing (npm ci)`);
  const to = join(ext, 'node_modules', name);
  let files = 0;
  for (const rel of readdirSync(from, { recursive: true })) {
    const r = rel.split('\\').join('/');
    if (r.startsWith('node_modules/') || r.includes('/node_modules/')) continue;
    const keep = /^(LICEN[CS]E|NOTICE|ThirdPartyNotices)(\.\w+)?$/i.test(r) || spec.keep(r);
    if (!keep || !statSync(join(from, rel)).isFile()) continue;
    mkdirSync(dirname(join(to, r)), { recursive: true });
    cpSync(join(from, rel), join(to, r));
    files++;
  }
  if (files === 0) fail(`nothing of node_modules/${name} was kept`);
  // Each needed dependency must be the hoisted copy: a nested node_modules would not be staged.
  for (const dep of spec.dependencies) {
    if (dep !== 'sharp' && existsSync(join(from, 'node_modules', dep))) fail(`node_modules/${name} has a nested copy of ${dep}; this script only handles hoisted dependencies`);
  }
  const p = readJson(join(from, 'package.json'));
  for (const k of ['scripts', 'devDependencies', 'optionalDependencies', 'peerDependencies', 'peerDependenciesMeta', 'types', 'typings', 'files', 'browser', 'gypfile', 'binary']) delete p[k];
  if (spec.main) p.main = spec.main;
  if (spec.exports) p.exports = spec.exports;
  p.dependencies = Object.fromEntries(spec.dependencies.map((d) => [d, d === 'sharp' ? SHARP_STUB_VERSION : versionOf(d)]));
  writeJson(join(to, 'package.json'), p);
  staged[name] = p.version;
}

if (sharpMode === 'stub') {
  const to = join(ext, 'node_modules', 'sharp');
  mkdirSync(to, { recursive: true });
  writeJson(join(to, 'package.json'), {
    name: 'sharp',
    version: SHARP_STUB_VERSION,
    description: 'Ticket Lens stub for sharp: @huggingface/transformers requires sharp when it loads, but Ticket Lens only tokenises text and never decodes images.',
    license: 'MIT',
    main: 'index.js',
  });
  writeFileSync(
    join(to, 'index.js'),
    `'use strict';\n// See package.json: a stand-in so that @huggingface/transformers loads without the native image library.\nfunction sharp() {\n  throw new Error('Image processing is not available in Ticket Lens (sharp is not shipped).');\n}\nmodule.exports = sharp;\n`,
  );
  staged.sharp = SHARP_STUB_VERSION;
}

// The staged manifest: no scripts (vsce would run vscode:prepublish), no devDependencies, no bin.
const manifest = { ...pkg };
for (const k of ['scripts', 'devDependencies', 'bin']) delete manifest[k];
manifest.dependencies = Object.fromEntries([...externals, ...(sharpMode === 'stub' ? ['sharp'] : [])].map((d) => [d, staged[d]]));
writeJson(join(ext, 'package.json'), manifest);

// ---- 3. vsce.
const vsce = join(nm, '@vscode', 'vsce', 'vsce');
if (!existsSync(vsce)) fail('node_modules/@vscode/vsce is missing (npm ci)');
mkdirSync(dirname(out), { recursive: true });
rmSync(out, { force: true });
const hasLicense = ['LICENSE', 'LICENSE.md', 'LICENSE.txt'].some((f) => existsSync(join(ext, f)));
console.log(`package: vsce package (target ${target}) in ${stage}`);
run(process.execPath, [vsce, 'package', '--no-yarn', '--dependencies', '--target', target, '--allow-missing-repository', ...(hasLicense ? [] : ['--skip-license']), '--out', out], { cwd: stage });

// ---- 4. Report (and refuse a VSIX with sources, tests, scripts, maps or other platforms' binaries).
const entries = await listVsix(out);
const problems = checkEntries(entries, { platform: process.platform, arch: process.arch });
if (problems.length) fail(`the VSIX is not right:\n  ${problems.join('\n  ')}`);
const files = entries.filter((e) => !e.name.endsWith('/'));
const inExt = files.filter((e) => e.name.startsWith('extension/'));
const mb = (n) => (n / 1024 / 1024).toFixed(1);
const bySection = {};
for (const e of inExt) {
  const parts = e.name.split('/');
  const key = parts[1] === 'node_modules' ? parts.slice(1, parts[2].startsWith('@') ? 4 : 3).join('/') : parts.length > 2 ? parts[1] : '(top)';
  bySection[key] = (bySection[key] ?? 0) + e.size;
}
console.log(`package: ${out.startsWith(repo) ? relative(repo, out) : out}: ${mb(statSync(out).size)} MB, ${files.length} files (${inExt.length} under extension/, ${mb(inExt.reduce((s, e) => s + e.size, 0))} MB unpacked)`);
for (const [k, v] of Object.entries(bySection).sort((a, b) => b[1] - a[1])) console.log(`  ${mb(v).padStart(6)} MB  ${k}`);

if (flag('--check')) run(process.execPath, [join(repo, 'scripts', 'check-vsix.mjs'), out], { cwd: repo });

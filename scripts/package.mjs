#!/usr/bin/env node
// `npm run package`: builds the extension and packs platform-specific VSIXs (`vsce package --target`).
//   node scripts/package.mjs                  this machine's target (e.g. linux-x64)
//   node scripts/package.mjs --target <t>     one target: win32-x64, darwin-arm64, darwin-x64, linux-x64, linux-arm64
//                                             (or win32-arm64, which onnxruntime-node also ships)
//   node scripts/package.mjs --all            the five above (`npm run package:all`)
// Each VSIX is <name>-<target>-<version>.vsix (vsce's own naming for a target) and carries only that
// target's onnxruntime-node binaries; VS Code and the Marketplace pick the one for the user's platform.
//
// vsce runs in a clean staging directory (a temp dir), never in the repo: the staged package.json has
// no scripts (so no `vscode:prepublish`) and no devDependencies, and its dependencies are only the
// bundles' externals. What is staged (once; node_modules/ again for each target):
//   dist/{extension,cli,umap-worker,cpu-worker,inference-worker,team-worker,webview,profile-webview,evaluation-webview}.js   the bundles (no source maps)
//   models/classifiers/*.tlc, *.json              the shipped classifiers (the server walks up to them)
//   media/, README.md, LICENSE (if any), .vscodeignore
//   node_modules/                                 the externals' run-time closure, pruned:
//     onnxruntime-node           dist/*.js + bin/napi-v6/<target platform>/<target arch>/ only (no install
//                                script): the binding and the libraries beside it as the npm package ships
//                                them (on Windows onnxruntime.dll, DirectML.dll, dxcompiler.dll, dxil.dll),
//                                less a byte-identical copy the binding does not name (the npm tarball holds
//                                macOS's libonnxruntime.1.dylib symlink as a second 44 MB file). Taken from
//                                node_modules/onnxruntime-node, or, for a target that release no longer
//                                ships, from the npm alias check-vsix.mjs's TARGETS names: darwin-x64 gets
//                                onnxruntime-node 1.23.2 (node_modules/onnxruntime-node-darwin-x64), the last
//                                release with Intel-macOS binaries, whole: its JavaScript, its binaries and
//                                the onnxruntime-common it pins, staged under their published names.
//     onnxruntime-common         dist/cjs only: the copy the staged onnxruntime-node resolves (its own
//                                nested one, else the hoisted one); transformers requires the same copy
//                                (its tensors must be the instances onnxruntime-node's sessions take)
//     @huggingface/transformers  dist/transformers.node.cjs only (jinja, tokenizers and the onnxruntime-web
//                                code are bundled into it; it requires only onnxruntime-node/-common and sharp)
//     sharp                      a stub, on every target: transformers requires sharp when it loads (for
//                                images; we only tokenise text), and without it the server does not start.
//                                The stub saves the native libvips (~19 MB). `--sharp=none` packs without
//                                it, to re-measure that.
//     @electric-sql/pglite       dist/index.cjs and the files it loads from beside itself: pglite.wasm,
//                                pglite.data, initdb.wasm (PostgreSQL in WebAssembly: the ticket store's
//                                embedded engine; the same files on every target)
//     @electric-sql/pglite-pgvector  dist/index.cjs and vector.tar.gz (the pgvector extension PGlite loads)
// vsce then runs with npm dependency detection (`npm ls --production` in the staging dir, which is why the
// staged modules' package.json list only what is staged); `--no-dependencies` would leave node_modules out.
// Each VSIX's contents are checked for its target (scripts/check-vsix.mjs checkContents) before it counts
// as built.
//
// Flags: --no-build (use dist/ as it is), --keep (keep the staging dir), --check (then run check-vsix.mjs on
//        the VSIXs built: the contents and modules of each, and the packaged server of this machine's),
//        --out <file> (one target only), --out-dir <dir> (default: the repo), --sharp=stub|none.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkContents, hostTarget, onnxruntimePackageOf, TARGETS } from './check-vsix.mjs';

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
const nm = join(repo, 'node_modules');
// The five targets `--all` builds; TARGETS (check-vsix.mjs) says where each one's binaries are.
const RELEASE_TARGETS = ['win32-x64', 'darwin-arm64', 'darwin-x64', 'linux-x64', 'linux-arm64'];
if (flag('--all') && option('--target')) fail('--all and --target exclude each other');
const targets = flag('--all') ? RELEASE_TARGETS : [option('--target') ?? hostTarget()];
if (!targets[0]) fail(`onnxruntime-node ships no binaries for this machine (${process.platform}-${process.arch}): pass --target`);
for (const t of targets) if (!TARGETS[t]) fail(`--target must be one of ${Object.keys(TARGETS).join(', ')}, not ${t}`);
if (option('--out') && targets.length > 1) fail('--out names one file: with --all, use --out-dir');
const ortDir = (t) => join(nm, onnxruntimePackageOf(t));
const ortBin = (t) => join(ortDir(t), 'bin', 'napi-v6', TARGETS[t].platform, TARGETS[t].arch);
for (const t of targets) {
  if (!existsSync(join(ortDir(t), 'package.json'))) fail(`cannot build for ${t}: node_modules/${onnxruntimePackageOf(t)} is missing (npm ci)`);
  if (!existsSync(join(ortBin(t), 'onnxruntime_binding.node'))) {
    fail(
      `cannot build for ${t}: node_modules/${onnxruntimePackageOf(t)} (onnxruntime-node ${readJson(join(ortDir(t), 'package.json')).version}) ships no bin/napi-v6/${TARGETS[t].platform}/${TARGETS[t].arch}/onnxruntime_binding.node` +
        ' (for a target ONNX Runtime stopped publishing, add an npm alias devDependency of the last release that ships it and name it in check-vsix.mjs TARGETS)',
    );
  }
}
const outDir = resolve(option('--out-dir') ?? repo);
const outOf = (t) => (option('--out') ? resolve(option('--out')) : join(outDir, `${pkg.name}-${t}-${pkg.version}.vsix`));

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

const bundles = ['extension.js', 'cli.js', 'umap-worker.js', 'cpu-worker.js', 'inference-worker.js', 'team-worker.js', 'webview.js', 'profile-webview.js', 'evaluation-webview.js'];
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
// vsce refuses a README with relative links unless it knows the repository to point them at, and with
// none (package.json has no `repository`) they would be dead links on the extension's page: the linked
// files (docs/, sources) are not in the VSIX. So in the staged copy such a link becomes its text.
for (const f of ['README.md', 'CHANGELOG.md']) {
  if (pkg.repository || !existsSync(join(ext, f))) continue;
  const text = readFileSync(join(ext, f), 'utf8');
  const unlinked = text.replace(/(?<!!)\[([^\][]*)\]\((?!\w+:|#)[^)]+\)/g, '$1');
  if (unlinked !== text) writeFileSync(join(ext, f), unlinked);
}

// The run-time modules: what to keep of each, and the dependencies its staged package.json declares.
const SHARP_STUB_VERSION = '0.0.0-ticket-lens-stub';
const modules = {
  'onnxruntime-node': {
    keep: (rel) => /^dist\/[^/]+\.js$/.test(rel), // and, per target, its bin/napi-v6/<platform>/<arch>/ (step 3)
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
  // index.cjs loads these three by URL from its own folder (no other file of dist/ is required at run time).
  '@electric-sql/pglite': {
    keep: (rel) => ['dist/index.cjs', 'dist/pglite.wasm', 'dist/pglite.data', 'dist/initdb.wasm'].includes(rel),
    main: './dist/index.cjs',
    exports: { '.': './dist/index.cjs', './package.json': './package.json' },
    dependencies: [],
  },
  // index.cjs requires nothing: it hands PGlite (its peer, staged beside it) the URL of vector.tar.gz beside itself.
  '@electric-sql/pglite-pgvector': {
    keep: (rel) => rel === 'dist/index.cjs' || rel === 'dist/vector.tar.gz',
    main: './dist/index.cjs',
    exports: { '.': './dist/index.cjs', './package.json': './package.json' },
    dependencies: [],
  },
};
const externals = ['@huggingface/transformers', 'onnxruntime-node', '@electric-sql/pglite', '@electric-sql/pglite-pgvector']; // scripts/build.mjs's externals, less vscode (and sharp, below)

/** The folder Node resolves `dep` to from inside the installed package at `dir`: its nested copy, else the hoisted one. */
const resolvedFrom = (dir, dep) => [join(dir, 'node_modules', dep), join(nm, dep)].find((d) => existsSync(join(d, 'package.json')));

/** Where target t's modules come from: its onnxruntime-node (TARGETS[t].onnxruntime) and the onnxruntime-common that one resolves. */
function sourcesOf(t) {
  const from = {
    'onnxruntime-node': ortDir(t),
    '@huggingface/transformers': join(nm, '@huggingface', 'transformers'),
    '@electric-sql/pglite': join(nm, '@electric-sql', 'pglite'),
    '@electric-sql/pglite-pgvector': join(nm, '@electric-sql', 'pglite-pgvector'),
  };
  from['onnxruntime-common'] = resolvedFrom(from['onnxruntime-node'], 'onnxruntime-common');
  for (const [name, dir] of Object.entries(from)) if (!dir || !existsSync(join(dir, 'package.json'))) fail(`node_modules: ${name} for ${t} is missing (npm ci)`);
  const ort = readJson(join(from['onnxruntime-node'], 'package.json'));
  const common = readJson(join(from['onnxruntime-common'], 'package.json')).version;
  // The vector extension is built against one PGlite release (its peer dependency); another would not load it.
  const pglite = readJson(join(from['@electric-sql/pglite'], 'package.json')).version;
  const vectorPeer = readJson(join(from['@electric-sql/pglite-pgvector'], 'package.json')).peerDependencies?.['@electric-sql/pglite'];
  if (vectorPeer !== pglite) fail(`@electric-sql/pglite-pgvector is built for @electric-sql/pglite ${vectorPeer}, but ${pglite} is installed`);
  if (ort.dependencies?.['onnxruntime-common'] !== common) fail(`${relative(repo, from['onnxruntime-node'])} (onnxruntime-node ${ort.version}) pins onnxruntime-common ${ort.dependencies?.['onnxruntime-common']}, but ${common} is installed for it`);
  // transformers must not carry nested copies of what is staged beside it: they would not be staged.
  for (const dep of modules['@huggingface/transformers'].dependencies) {
    if (dep !== 'sharp' && existsSync(join(from['@huggingface/transformers'], 'node_modules', dep))) fail(`node_modules/@huggingface/transformers has a nested copy of ${dep}; this script only handles hoisted dependencies`);
  }
  return from;
}

/** Stages node_modules/ for target t (onnxruntime-node without binaries; step 3 adds them); returns name → staged version. */
function stageModules(t) {
  rmSync(join(ext, 'node_modules'), { recursive: true, force: true });
  const from = sourcesOf(t);
  const versions = Object.fromEntries(Object.entries(from).map(([name, dir]) => [name, readJson(join(dir, 'package.json')).version]));
  if (sharpMode === 'stub') versions.sharp = SHARP_STUB_VERSION;
  const wanted = readJson(join(from['@huggingface/transformers'], 'package.json')).dependencies?.['onnxruntime-node'];
  if (wanted !== versions['onnxruntime-node']) console.log(`package: ${t}: onnxruntime-node ${versions['onnxruntime-node']} and onnxruntime-common ${versions['onnxruntime-common']} from ${relative(repo, from['onnxruntime-node'])} (@huggingface/transformers asks for onnxruntime-node ${wanted})`);
  for (const [name, spec] of Object.entries(modules)) stageModule(name, from[name], spec, versions);
  if (sharpMode === 'stub') stageSharpStub();
  return versions;
}

function stageModule(name, from, spec, versions) {
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
  if (files === 0) fail(`nothing of ${relative(repo, from)} was kept`);
  // The package.json as published (so an alias stays onnxruntime-node at its own version), less what
  // would run or resolve anything else; its dependencies are what is staged beside it.
  const p = readJson(join(from, 'package.json'));
  for (const k of ['scripts', 'devDependencies', 'optionalDependencies', 'peerDependencies', 'peerDependenciesMeta', 'module', 'types', 'typings', 'files', 'browser', 'gypfile', 'binary']) delete p[k];
  if (spec.main) p.main = spec.main;
  if (spec.exports) p.exports = spec.exports;
  p.dependencies = Object.fromEntries(spec.dependencies.map((d) => [d, versions[d]]));
  writeJson(join(to, 'package.json'), p);
}

function stageSharpStub() {
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
}

/** The staged manifest: no scripts (vsce would run vscode:prepublish), no devDependencies, no bin. */
function writeManifest(versions) {
  const manifest = { ...pkg };
  for (const k of ['scripts', 'devDependencies', 'bin']) delete manifest[k];
  manifest.dependencies = Object.fromEntries([...externals, ...(sharpMode === 'stub' ? ['sharp'] : [])].map((d) => [d, versions[d]]));
  writeJson(join(ext, 'package.json'), manifest);
}

// ---- 3. Per target: its modules and binaries, vsce, and the contents check.
const vsce = join(nm, '@vscode', 'vsce', 'vsce');
if (!existsSync(vsce)) fail('node_modules/@vscode/vsce is missing (npm ci)');
const hasLicense = ['LICENSE', 'LICENSE.md', 'LICENSE.txt'].some((f) => existsSync(join(ext, f)));
const mb = (n) => (n / 1024 / 1024).toFixed(1);
const stagedBin = join(ext, 'node_modules', 'onnxruntime-node', 'bin');

/** The files of a target's binary folder to ship: all, less byte-identical copies the binding does not name. */
function binariesOf(dir) {
  const names = readdirSync(dir).filter((f) => statSync(join(dir, f)).isFile());
  const binding = readFileSync(join(dir, 'onnxruntime_binding.node'));
  const named = (f) => binding.includes(Buffer.from(f));
  const same = (a, b) => statSync(join(dir, a)).size === statSync(join(dir, b)).size && readFileSync(join(dir, a)).equals(readFileSync(join(dir, b)));
  return names.filter((f) => f === 'onnxruntime_binding.node' || named(f) || !names.some((g) => g !== f && named(g) && same(f, g)));
}

const built = [];
for (const t of targets) {
  const started = Date.now();
  const out = outOf(t);
  writeManifest(stageModules(t));
  const from = ortBin(t);
  const to = join(stagedBin, 'napi-v6', TARGETS[t].platform, TARGETS[t].arch);
  mkdirSync(to, { recursive: true });
  const shipped = binariesOf(from);
  for (const f of shipped) cpSync(join(from, f), join(to, f));
  const left = readdirSync(from).filter((f) => !shipped.includes(f));
  mkdirSync(dirname(out), { recursive: true });
  rmSync(out, { force: true });
  console.log(`package: ${t}: vsce package --target ${t} in ${stage} (binaries: ${shipped.join(', ')}${left.length ? `; left out as copies: ${left.join(', ')}` : ''})`);
  // vsce lists every file it packs; the report below says the same per module, so only its verdict is shown.
  const r = spawnSync(process.execPath, [vsce, 'package', '--no-yarn', '--dependencies', '--target', t, '--allow-missing-repository', ...(hasLicense ? [] : ['--skip-license']), '--out', out], { cwd: stage, encoding: 'utf8', maxBuffer: 64 << 20 });
  const said = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (r.error || r.status !== 0) {
    process.stderr.write(said);
    fail(`vsce package --target ${t} ${r.error ? `failed: ${r.error.message}` : `exited with ${r.status ?? r.signal}`}`);
  }
  for (const line of said.split('\n')) if (/\b(WARNING|DONE)\b/.test(line)) console.log(`  vsce: ${line.trim()}`);

  // ---- 4. Report (and refuse a VSIX with sources, tests, scripts, maps, another platform's binaries or the wrong TargetPlatform).
  const { entries, onnxruntime, problems } = await checkContents(out, t);
  if (problems.length) fail(`the ${t} VSIX is not right:\n  ${problems.join('\n  ')}`);
  const files = entries.filter((e) => !e.name.endsWith('/'));
  const inExt = files.filter((e) => e.name.startsWith('extension/'));
  const bySection = {};
  for (const e of inExt) {
    const parts = e.name.split('/');
    const key = parts[1] === 'node_modules' ? parts.slice(1, parts[2].startsWith('@') ? 4 : 3).join('/') : parts.length > 2 ? parts[1] : '(top)';
    bySection[key] = (bySection[key] ?? 0) + e.size;
  }
  const size = statSync(out).size;
  const secs = (Date.now() - started) / 1000;
  console.log(`package: ${out.startsWith(repo) ? relative(repo, out) : out}: ${mb(size)} MB, ${files.length} files (${inExt.length} under extension/, ${mb(inExt.reduce((s, e) => s + e.size, 0))} MB unpacked), onnxruntime-node ${onnxruntime.version}, contents ok, ${secs.toFixed(1)} s`);
  for (const [k, v] of Object.entries(bySection).sort((a, b) => b[1] - a[1])) console.log(`  ${mb(v).padStart(6)} MB  ${k}`);
  built.push({ target: t, out, size, secs, onnxruntime: onnxruntime.version });
}

if (built.length > 1) {
  console.log('package: built');
  for (const b of built) console.log(`  ${b.target.padEnd(13)} ${mb(b.size).padStart(6)} MB  ${b.secs.toFixed(1).padStart(5)} s  onnxruntime-node ${b.onnxruntime.padEnd(7)} ${b.out.startsWith(repo) ? relative(repo, b.out) : b.out}`);
}

if (flag('--check')) run(process.execPath, [join(repo, 'scripts', 'check-vsix.mjs'), ...built.map((b) => b.out)], { cwd: repo });

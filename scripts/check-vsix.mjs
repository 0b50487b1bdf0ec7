#!/usr/bin/env node
// Checks packed VSIXs for real: `node scripts/check-vsix.mjs <file.vsix>... [--target T] [--model DIR] [--keep]`.
//
// Each VSIX is built for one VS Code target platform (scripts/package.mjs: `ticket-lens-<target>-<version>.vsix`);
// the target it must be is --target (one file only) or the one its file name names. For each:
//  1. its file list: the bundles, shipped classifiers and run-time modules are there; onnxruntime-node's
//     binding and the shared library it loads are there for that target, and no other platform's binaries
//     (nor any native file outside that one folder); no sources, tests, scripts, source maps or dev
//     dependencies; extension.vsixmanifest declares that TargetPlatform; every native file's header says
//     that OS's format (ELF, Mach-O, PE) and that CPU; the packaged onnxruntime-node is the release the
//     lock file installs for that target (TARGETS[t].onnxruntime), its onnxruntime-common the one it pins,
//     and the binaries, where they name an ONNX Runtime version (ELF symbol versions, a versioned dylib),
//     name that one;
//  2. extracted to a temp dir, every module the packaged package.json depends on (and their dependencies)
//     is packaged and resolves from extension/dist inside the extraction;
//  3. for the VSIX built for this machine only: the packaged server (extension/dist/cli.js) starts from
//     there, as the extension starts it, and answers GET /health, POST /embed and POST /classify with the
//     shipped "bitext" classifier; then the packaged CLI's `ingest` adds a small CSV to a temp embedded
//     store twice (the second run finds every row unchanged), so PGlite, its .wasm/.data files and the
//     pgvector extension load from the VSIX.
//
// The model is not in the VSIX: it is the one in the model cache (--model, $TICKET_LENS_MODEL_DIR, or
// ~/.cache/ticket-lens/models/all-MiniLM-L6-v2; `npm run models` provisions it). The server gets a temp
// embedding cache, so the check leaves nothing behind. Exits non-zero with a message on any failure.
// Also a module: TARGETS, hostTarget(), listVsix() and checkContents() serve scripts/package.mjs.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir, tmpdir } from 'node:os';
import { basename, dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');

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

/** Extracts the VSIX into dir; entries for which skip(name) is true are left out. */
async function extractVsix(file, dir, skip = () => false) {
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
    if (skip(e.fileName)) return;
    mkdirSync(dirname(target), { recursive: true });
    const stream = await new Promise((res, rej) => zip.openReadStream(e, (err, s) => (err ? rej(err) : res(s))));
    await pipeline(stream, createWriteStream(target));
  });
}

/** The first `limit` bytes of each entry named in `names`: Map name → Buffer. */
async function readHeads(file, names, limit) {
  const heads = new Map();
  if (!loadYauzl()) {
    for (const name of names) {
      const r = spawnSync('unzip', ['-p', file, name], { maxBuffer: 512 << 20 });
      if (r.status !== 0) throw new Error(`unzip -p ${file} ${name}: ${r.stderr || r.error?.message}`);
      heads.set(name, r.stdout.subarray(0, limit));
    }
    return heads;
  }
  await eachEntry(file, async (zip, e) => {
    if (!names.has(e.fileName)) return;
    const stream = await new Promise((res, rej) => zip.openReadStream(e, (err, s) => (err ? rej(err) : res(s))));
    const chunks = [];
    let size = 0;
    // Stop inflating once the header is in: the libraries run to tens of MB.
    await new Promise((res, rej) => {
      stream.on('data', (c) => {
        chunks.push(c);
        size += c.length;
        if (size >= limit) {
          stream.destroy();
          res();
        }
      });
      stream.on('end', res);
      stream.on('error', rej);
    });
    heads.set(e.fileName, Buffer.concat(chunks).subarray(0, limit));
  });
  return heads;
}

const SO = /^libonnxruntime\.so\.\d+$/;
// 1.30's binding loads libonnxruntime.1.dylib, 1.23's libonnxruntime.1.23.2.dylib.
const DYLIB = /^libonnxruntime(\.\d+)+\.dylib$/;
const DLL = /^onnxruntime\.dll$/;

/**
 * The VS Code target platforms a VSIX can be built for from the binaries onnxruntime-node ships in
 * bin/napi-v6/<platform>/<arch>/: the name of the shared library its binding loads there (lib), the
 * binary format, and, where the onnxruntime-node dependency no longer ships the target, the installed
 * package to take onnxruntime-node (and the onnxruntime-common it pins) from instead: an npm alias
 * devDependency of the last release that does. ONNX Runtime publishes no Intel-macOS build after 1.23
 * (microsoft/onnxruntime#27961), so darwin-x64 ships onnxruntime-node 1.23.2 (package.json:
 * "onnxruntime-node-darwin-x64": "npm:onnxruntime-node@1.23.2").
 */
export const TARGETS = {
  'linux-x64': { platform: 'linux', arch: 'x64', lib: SO, format: 'ELF' },
  'linux-arm64': { platform: 'linux', arch: 'arm64', lib: SO, format: 'ELF' },
  'darwin-x64': { platform: 'darwin', arch: 'x64', lib: DYLIB, format: 'Mach-O', onnxruntime: 'onnxruntime-node-darwin-x64' },
  'darwin-arm64': { platform: 'darwin', arch: 'arm64', lib: DYLIB, format: 'Mach-O' },
  'win32-x64': { platform: 'win32', arch: 'x64', lib: DLL, format: 'PE' },
  'win32-arm64': { platform: 'win32', arch: 'arm64', lib: DLL, format: 'PE' },
};

/** The node_modules folder a target's onnxruntime-node comes from. */
export const onnxruntimePackageOf = (target) => TARGETS[target].onnxruntime ?? 'onnxruntime-node';

/** The onnxruntime-node version the lock file installs for a target (what its VSIX must carry). */
export function lockedOnnxruntimeVersion(target) {
  const at = `node_modules/${onnxruntimePackageOf(target)}`;
  const entry = JSON.parse(readFileSync(join(repo, 'package-lock.json'), 'utf8')).packages?.[at];
  if (entry?.name && entry.name !== 'onnxruntime-node') throw new Error(`package-lock.json: ${at} is ${entry.name}, not onnxruntime-node`);
  if (!entry?.version) throw new Error(`package-lock.json has no ${at}`);
  return entry.version;
}

/** This machine's target, or undefined when onnxruntime-node has no binaries for it. */
export function hostTarget() {
  const t = `${process.platform}-${process.arch}`;
  return t in TARGETS ? t : undefined;
}

/** The target a VSIX file name names (`<name>-<target>-<version>.vsix`), or undefined. */
export function targetOfFileName(file) {
  const name = basename(file);
  return Object.keys(TARGETS).find((t) => name.includes(`-${t}-`));
}

export const binDirOf = (target) => `extension/node_modules/onnxruntime-node/bin/napi-v6/${TARGETS[target].platform}/${TARGETS[target].arch}/`;
const NATIVE = /\.(node|dll|dylib|exe)$|\.so(\.\d+)*$/i;

/** Format and CPU of a native binary from its first bytes: { format, arch } (arch: x64, arm64, ia32 or a number), or undefined. */
export function binaryKind(head) {
  if (head.length >= 20 && head.readUInt32BE(0) === 0x7f454c46) {
    const machine = head[5] === 2 ? head.readUInt16BE(18) : head.readUInt16LE(18);
    return { format: 'ELF', arch: { 0x3e: 'x64', 0xb7: 'arm64', 0x03: 'ia32', 0x28: 'arm' }[machine] ?? `0x${machine.toString(16)}` };
  }
  const macho = { 0x01000007: 'x64', 0x0100000c: 'arm64' };
  if (head.length >= 8 && head.readUInt32LE(0) === 0xfeedfacf) {
    const cpu = head.readUInt32LE(4);
    return { format: 'Mach-O', arch: macho[cpu] ?? `0x${cpu.toString(16)}` };
  }
  if (head.length >= 8 && head.readUInt32BE(0) === 0xcafebabe) {
    // A universal binary: the CPUs it holds, e.g. "arm64+x64".
    const n = head.readUInt32BE(4);
    const cpus = [];
    for (let i = 0; i < n && 8 + i * 20 + 4 <= head.length; i++) cpus.push(macho[head.readUInt32BE(8 + i * 20)] ?? 'other');
    return { format: 'Mach-O', arch: cpus.join('+') };
  }
  if (head.length >= 0x40 && head.readUInt16LE(0) === 0x5a4d) {
    const pe = head.readUInt32LE(0x3c);
    if (pe + 6 > head.length || head.readUInt32BE(pe) !== 0x50450000) return undefined;
    const machine = head.readUInt16LE(pe + 4);
    return { format: 'PE', arch: { 0x8664: 'x64', 0xaa64: 'arm64', 0x14c: 'ia32' }[machine] ?? `0x${machine.toString(16)}` };
  }
  return undefined;
}

/** What the two PGlite packages ship (scripts/package.mjs): the same on every target, and nothing else of them. */
const PGLITE_FILES = [
  ...['index.cjs', 'pglite.wasm', 'pglite.data', 'initdb.wasm'].map((f) => `extension/node_modules/@electric-sql/pglite/dist/${f}`),
  ...['index.cjs', 'vector.tar.gz'].map((f) => `extension/node_modules/@electric-sql/pglite-pgvector/dist/${f}`),
  'extension/node_modules/@electric-sql/pglite/package.json',
  'extension/node_modules/@electric-sql/pglite-pgvector/package.json',
];
const REQUIRED = [
  'extension.vsixmanifest',
  'extension/package.json',
  'extension/readme.md', // vsce lower-cases it
  'extension/dist/extension.js',
  'extension/dist/cli.js',
  'extension/dist/umap-worker.js',
  'extension/dist/cpu-worker.js',
  'extension/dist/inference-worker.js',
  'extension/dist/team-worker.js',
  'extension/dist/webview.js',
  'extension/dist/profile-webview.js',
  'extension/dist/evaluation-webview.js',
  'extension/media/ticket-lens.svg',
  'extension/models/classifiers/bitext.tlc',
  'extension/models/classifiers/banking77.tlc',
  'extension/models/classifiers/banking77-mapping.json',
  'extension/node_modules/onnxruntime-node/package.json',
  'extension/node_modules/onnxruntime-common/package.json',
  'extension/node_modules/@huggingface/transformers/package.json',
  // PGlite loads the .wasm/.data files from beside index.cjs, and pgvector's tarball from beside its own.
  ...PGLITE_FILES,
];
const FORBIDDEN = [
  [/^extension\/(src|test|tests|scripts|webview|bin|out|dist-test|test-results|\.ticket-lens|\.git|\.vscode)\//, 'repo sources, tests or scripts'],
  [/^extension\/[^/]*\.(ts|mts|cts|tsbuildinfo)$|^extension\/(tsconfig|vitest|eslint)[^/]*$/, 'repo config'],
  [/\.(ts|mts|cts)$/, 'TypeScript sources or declarations'],
  [/\.map$/, 'source maps'],
  [/^extension\/dist\/(?!(extension|cli|umap-worker|cpu-worker|inference-worker|team-worker|webview|profile-webview|evaluation-webview)\.js$)/, 'dist files other than the nine bundles'],
  [/^extension\/node_modules\/(esbuild|@esbuild|typescript|vitest|@vitest|eslint|@eslint|mocha|playwright-core|@vscode\/vsce|@types|typescript-eslint|onnxruntime-web)\//, 'dev dependencies or unused modules'],
  [/^extension\/package-lock\.json$|\.vsix$/, 'lock file or VSIX'],
  [/^extension\/node_modules\/@electric-sql\/pglite(-pgvector)?\/dist\//, 'PGlite files it does not load', (name) => !PGLITE_FILES.includes(name)],
];

/** Problems with a VSIX's file list for a target (an empty array when it is right). */
export function checkEntries(entries, target) {
  if (!TARGETS[target]) return [`unknown target ${target}`];
  const names = new Set(entries.map((e) => (/^extension\/readme\.md$/i.test(e.name) ? 'extension/readme.md' : e.name)));
  const problems = REQUIRED.filter((n) => !names.has(n)).map((n) => `missing: ${n}`);
  const binDir = binDirOf(target);
  if (!names.has(`${binDir}onnxruntime_binding.node`)) problems.push(`missing: ${binDir}onnxruntime_binding.node`);
  if (![...names].some((n) => n.startsWith(binDir) && TARGETS[target].lib.test(n.slice(binDir.length)))) problems.push(`missing: ${binDir}<the ONNX Runtime library, ${TARGETS[target].lib}>`);
  for (const { name } of entries) {
    if (name.endsWith('/')) continue; // a directory entry (vsce writes none; zip does)
    if (name.startsWith('extension/node_modules/onnxruntime-node/bin/') && !name.startsWith(binDir)) problems.push(`another platform's binary: ${name}`);
    else if (NATIVE.test(name) && !name.startsWith(binDir)) problems.push(`a native binary outside ${binDir}: ${name}`);
    for (const [re, why, unless = () => true] of FORBIDDEN) if (re.test(name) && unless(name)) problems.push(`${why}: ${name}`);
  }
  return problems;
}

const ORT_JSON = 'extension/node_modules/onnxruntime-node/package.json';
const COMMON_JSON = 'extension/node_modules/onnxruntime-common/package.json';

/**
 * The packaged onnxruntime-node against the lock file and its own binaries: the version the lock file
 * installs for the target, the onnxruntime-common it pins, and the ONNX Runtime version the binding or
 * its library names, where it names one (ELF bindings require the symbol version VERS_<version>; 1.23's
 * macOS binding loads libonnxruntime.<version>.dylib; 1.30's macOS and the Windows binaries name none).
 * Returns { onnxruntime: { version, common, binaries }, problems }.
 */
function checkOnnxruntime(target, heads, bindingName, libNames) {
  const problems = [];
  const json = (name) => {
    try {
      return JSON.parse(heads.get(name)?.toString('utf8') ?? '');
    } catch {
      problems.push(`${name} is missing or not JSON`);
      return {};
    }
  };
  const ort = json(ORT_JSON);
  const common = json(COMMON_JSON);
  if (ort.name !== 'onnxruntime-node') problems.push(`${ORT_JSON} names ${ort.name}, not onnxruntime-node`);
  if (common.name !== 'onnxruntime-common') problems.push(`${COMMON_JSON} names ${common.name}, not onnxruntime-common`);
  let locked;
  try {
    locked = lockedOnnxruntimeVersion(target);
  } catch (e) {
    problems.push(e.message);
  }
  if (locked && ort.version !== locked) problems.push(`onnxruntime-node is ${ort.version}; the lock file installs ${locked} for ${target} (node_modules/${onnxruntimePackageOf(target)}; npm ci)`);
  const pinned = ort.dependencies?.['onnxruntime-common'];
  if (common.version !== pinned) problems.push(`onnxruntime-common is ${common.version}; onnxruntime-node ${ort.version} depends on ${pinned}`);
  const binding = heads.get(bindingName)?.toString('latin1') ?? '';
  const named = libNames.filter((f) => binding.includes(f));
  if (!named.length) problems.push(`${bindingName} names none of the libraries beside it (${libNames.join(', ') || 'none'})`);
  const versions = new Set([...binding.matchAll(/\bVERS_(\d+\.\d+\.\d+)\b/g)].map((m) => m[1]));
  for (const f of named) {
    const m = /^libonnxruntime\.(\d+\.\d+\.\d+)\.dylib$/.exec(f);
    if (m) versions.add(m[1]);
  }
  for (const v of versions) if (v !== ort.version) problems.push(`the ${target} binaries are ONNX Runtime ${v}, the packaged onnxruntime-node ${ort.version}`);
  return { onnxruntime: { version: ort.version, common: common.version, binaries: [...versions].join(', ') || 'no version named' }, problems };
}

/**
 * Checks a VSIX's contents for a target without extracting it: the file list (checkEntries), the
 * TargetPlatform extension.vsixmanifest declares, each native file's format and CPU, and the packaged
 * onnxruntime-node's version against the lock file and its binaries (checkOnnxruntime).
 * Returns { entries, natives: [{ name, size, kind }], onnxruntime: { version, common, binaries }, problems }.
 */
export async function checkContents(file, target) {
  const entries = await listVsix(file);
  const problems = checkEntries(entries, target);
  if (!TARGETS[target]) return { entries, natives: [], problems };
  const { format, arch } = TARGETS[target];
  const binDir = binDirOf(target);
  const natives = entries.filter((e) => e.name.startsWith(binDir) && !e.name.endsWith('/'));
  // The manifest and package.json files are small and read whole; so is the binding (well under 1 MB),
  // which names the library it loads. Of a library, the first 4 KB hold the ELF and Mach-O headers and,
  // in practice, a PE file's "PE\0\0" header (whose offset is at 0x3c).
  const heads = await readHeads(file, new Set(['extension.vsixmanifest', ORT_JSON, COMMON_JSON, ...natives.map((e) => e.name)]), 1 << 20);
  const manifest = heads.get('extension.vsixmanifest')?.toString('utf8') ?? '';
  const declared = /<Identity\b[^>]*\bTargetPlatform="([^"]*)"/.exec(manifest)?.[1];
  if (!declared) problems.push('extension.vsixmanifest declares no TargetPlatform (vsce ran without --target)');
  else if (declared !== target) problems.push(`extension.vsixmanifest declares TargetPlatform ${declared}, not ${target}`);
  const found = natives.map((e) => ({ ...e, kind: binaryKind(heads.get(e.name)?.subarray(0, 4096) ?? Buffer.alloc(0)) }));
  for (const { name, kind } of found) {
    if (!kind) problems.push(`not a native binary of any known format: ${name}`);
    else if (kind.format !== format || !kind.arch.split('+').includes(arch)) problems.push(`${name} is ${kind.format} ${kind.arch}, not ${format} ${arch} (${target})`);
  }
  const libNames = natives.map((e) => e.name.slice(binDir.length)).filter((f) => TARGETS[target].lib.test(f));
  const ort = checkOnnxruntime(target, heads, `${binDir}onnxruntime_binding.node`, libNames);
  problems.push(...ort.problems);
  return { entries, natives: found, onnxruntime: ort.onnxruntime, problems };
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
  for (const m of ['onnxruntime-node', '@huggingface/transformers', '@electric-sql/pglite', '@electric-sql/pglite-pgvector']) {
    try {
      const p = fromDist.resolve(m);
      if (!p.startsWith(extDir + sep)) problems.push(`${m} resolves outside the extension: ${p}`);
    } catch (e) {
      problems.push(`${m} does not resolve from dist/: ${e.message.split('\n')[0]}`);
    }
  }
  return { problems, modules: seen.size };
}

/** The packaged CLI's environment: nothing from the repo or the caller's setup may stand in for what the VSIX should carry. */
function packagedEnv({ modelDir, cacheDir, ...more }) {
  const env = { ...process.env, TICKET_LENS_CACHE: cacheDir, TICKET_LENS_MODEL_DIR: modelDir, ...more };
  // TICKET_LENS_DATABASE would send the store to a PostgreSQL server instead of the packaged PGlite.
  for (const k of ['NODE_PATH', 'NODE_OPTIONS', 'TICKET_LENS_CLASSIFIERS_DIR', 'TICKET_LENS_DATABASE']) delete env[k];
  return env;
}

function startServer(cli, { token, modelDir, cacheDir, cwd }) {
  const env = packagedEnv({ modelDir, cacheDir, TICKET_LENS_TOKEN: token });
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

/** Runs the packaged CLI's `ingest` of csv into the embedded store at store; resolves to its --json result. */
function ingest(cli, csv, store, { modelDir, cacheDir, cwd }) {
  const argv = [cli, 'ingest', csv, '--text-column', 'text', '--id-column', 'id', '--store', store, '--model', modelDir, '--json', '--quiet'];
  const child = spawn(process.execPath, argv, { cwd, env: packagedEnv({ modelDir, cacheDir }), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d) => (stderr = (stderr + d).slice(-8000)));
  return new Promise((res, rej) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
    child.once('error', rej);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0) return rej(new Error(`the packaged \`ingest\` exited with ${signal ?? `code ${code}`}\n--- stderr ---\n${stderr}`));
      try {
        res(JSON.parse(stdout));
      } catch {
        rej(new Error(`the packaged \`ingest --json\` printed no JSON: ${stdout.slice(0, 500)}\n--- stderr ---\n${stderr}`));
      }
    });
  });
}

function assert(cond, message) {
  if (!cond) throw new Error(message);
}

/** Checks one VSIX built for `target`: contents, modules, and (when runServer) the packaged server. */
async function checkVsix(file, target, { modelDir, keep, runServer, say }) {
  // 1. The file list, the manifest's target and the binaries' formats.
  const { entries, natives, onnxruntime, problems: listProblems } = await checkContents(file, target);
  if (listProblems.length) throw new Error(`the VSIX's contents are wrong for ${target}:\n  ${listProblems.join('\n  ')}`);
  const mb = (n) => (n / 1024 / 1024).toFixed(1);
  say(`contents ok: ${entries.filter((e) => !e.name.endsWith('/')).length} files, TargetPlatform ${target}, ${binDirOf(target)}: ${natives.map((n) => `${basename(n.name)} (${n.kind.format} ${n.kind.arch}, ${mb(n.size)} MB)`).join(', ')}`);
  say(`onnxruntime-node ${onnxruntime.version} (as locked for ${target}), onnxruntime-common ${onnxruntime.common}; binaries: ${onnxruntime.binaries}`);
  if (runServer && !existsSync(join(modelDir, 'config.json'))) throw new Error(`no model in ${modelDir} (it is not shipped in the VSIX: run \`npm run models\`, or pass --model DIR)`);

  const work = mkdtempSync(join(tmpdir(), 'ticket-lens-check-vsix-'));
  let server;
  try {
    // 2. Extract; the modules resolve inside the extraction. Another platform's binaries cannot be loaded
    // here, so they stay in the zip (resolving the modules needs only their JavaScript and package.json).
    const dir = join(work, 'x');
    await extractVsix(file, dir, runServer ? undefined : (name) => NATIVE.test(name));
    const extDir = join(dir, 'extension');
    const { problems, modules } = checkModules(extDir);
    if (problems.length) throw new Error(`the packaged modules are incomplete:\n  ${problems.join('\n  ')}`);
    say(`extracted to ${dir}; ${modules} packaged modules resolve inside it`);
    if (!runServer) {
      say(`server not run: built for ${target}, this machine is ${process.platform}-${process.arch}`);
      say('ok');
      return;
    }

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

    // 4. The ticket store: PGlite and pgvector from the VSIX. A new row is embedded and stored as a
    // vector(384) (which needs the extension); the second run must find every row unchanged.
    const csv = join(work, 'tickets.csv');
    writeFileSync(csv, 'id,text\nt1,I want a refund for my order\nt2,My parcel never arrived\nt3,How do I reset my password?\n');
    const store = join(work, 'store');
    const opts = { modelDir, cacheDir, cwd: work };
    const cli = join(extDir, 'dist', 'cli.js');
    const first = await ingest(cli, csv, store, opts);
    const counts = (r) => `${r.rows} rows: ${r.new} new, ${r.updated} updated, ${r.unchanged} unchanged, ${r.embedded} embedded, ${r.total} stored`;
    assert(first.rows === 3 && first.new === 3 && first.embedded === 3 && first.total === 3, `the first \`ingest\` of 3 new rows into an empty store: ${counts(first)}`);
    say(`ingest into a new embedded store (PGlite + pgvector): ${counts(first)}`);
    const second = await ingest(cli, csv, store, opts);
    assert(second.rows === 3 && second.new === 0 && second.updated === 0 && second.unchanged === 3 && second.embedded === 0 && second.total === 3, `the second \`ingest\` of the same CSV: ${counts(second)}`);
    say(`ingest again: ${counts(second)}`);
    say('ok');
  } finally {
    await server?.stop().catch(() => {});
    if (keep) say(`kept ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
}

async function main() {
  const argv = process.argv.slice(2);
  const keep = argv.includes('--keep');
  const valueOf = (name) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const valued = new Set(['--model', '--target'].map((n) => argv.indexOf(n) + 1).filter((i) => i > 0));
  const files = argv.filter((a, i) => !a.startsWith('--') && !valued.has(i));
  const targetFlag = valueOf('--target');
  if (files.length === 0 || (targetFlag && files.length > 1)) {
    console.error('usage: node scripts/check-vsix.mjs <file.vsix>... [--target T (one file only)] [--model DIR] [--keep]');
    process.exit(2);
  }
  if (targetFlag && !TARGETS[targetFlag]) throw new Error(`--target must be one of ${Object.keys(TARGETS).join(', ')}, not ${targetFlag}`);
  const cacheRoot = process.env.TICKET_LENS_CACHE || join(homedir(), '.cache', 'ticket-lens');
  const modelDir = resolve(valueOf('--model') ?? (process.env.TICKET_LENS_MODEL_DIR || join(cacheRoot, 'models', 'all-MiniLM-L6-v2')));
  const host = hostTarget();

  let failed = 0;
  for (const vsix of files) {
    const file = resolve(vsix);
    const target = targetFlag ?? targetOfFileName(file);
    const say = (m) => console.log(`check-vsix: ${target ?? '?'}: ${m}`);
    try {
      if (!target) throw new Error(`${basename(file)} names no target (${Object.keys(TARGETS).join(', ')}): pass --target`);
      say(basename(file));
      await checkVsix(file, target, { modelDir, keep, runServer: target === host, say });
    } catch (e) {
      console.error(`check-vsix: ${basename(file)}: FAILED: ${e.message}`);
      failed++;
    }
  }
  if (!files.some((f) => (targetFlag ?? targetOfFileName(f)) === host)) console.log(`check-vsix: note: no VSIX for this machine (${host ?? `${process.platform}-${process.arch}`}) was given, so no packaged server was run`);
  if (failed) {
    console.error(`check-vsix: ${failed} of ${files.length} VSIX(s) FAILED`);
    process.exit(1);
  }
  console.log(`check-vsix: all ${files.length} ok`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((e) => {
    console.error(`check-vsix: FAILED: ${e.message}`);
    process.exit(1);
  });
}

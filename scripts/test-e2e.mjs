// `npm run test:e2e`: the extension in a real VS Code — code-server 4.100.3 (installed once by
// scripts/vscode-env.sh), driven through Debian's Chromium by playwright-core. Two phases, each on a
// fresh code-server and workspace:
//  1. integration tests inside the extension host (test/integration, mocha), with the extension loaded
//     from source through the workbench's extensionDevelopmentPath; judged by the result file they write;
//  2. the UI end to end (test/e2e/ui.mjs) with the packaged VSIX (`npm run package`) installed into
//     code-server, as a user would have it.
// code-server runs in its own process group with every XDG/TMP directory redirected, and the whole
// group is killed at the end (extension hosts otherwise linger). Screenshots go to test-results/.
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const csDir = spawnSync('bash', [join(root, 'scripts', 'vscode-env.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
if (csDir.status !== 0) process.exit(csDir.status ?? 1);
const codeServer = join(csDir.stdout.trim().split('\n').pop(), 'node_modules', '.bin', 'code-server');
const results = join(root, 'test-results');
rmSync(results, { recursive: true, force: true });
mkdirSync(results, { recursive: true });

const freePort = () =>
  new Promise((res) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => res(p));
    });
  });

/** A fresh sandbox: user data, extensions, XDG dirs, Chromium profile and the workspace. */
function sandbox(name) {
  const base = mkdtempSync(join(tmpdir(), `tl-e2e-${name}-`));
  const dirs = Object.fromEntries(['user', 'ext', 'xdg-config', 'xdg-data', 'xdg-cache', 'tmp', 'chrome', 'workspace'].map((d) => [d, join(base, d)]));
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  mkdirSync(join(dirs.user, 'User'), { recursive: true });
  writeFileSync(join(dirs.user, 'User', 'settings.json'), JSON.stringify({ 'workbench.startupEditor': 'none', 'security.workspace.trust.enabled': false, 'telemetry.telemetryLevel': 'off', 'ticketLens.device': 'cpu' }));
  // The workspace: the bundled sample, a ticket, a malformed CSV and one with HTML in its tickets.
  cpSync(join(root, 'media', 'samples', 'tickets.csv'), join(dirs.workspace, 'tickets.csv'));
  writeFileSync(join(dirs.workspace, 'broken.csv'), 'text,label\nfine,a\nbroken, has, too many\n');
  writeFileSync(join(dirs.workspace, 'ticket.txt'), 'I was charged twice for my order and I want my money back\n');
  const env = { ...process.env, XDG_CONFIG_HOME: dirs['xdg-config'], XDG_DATA_HOME: dirs['xdg-data'], XDG_CACHE_HOME: dirs['xdg-cache'], TMPDIR: dirs.tmp };
  return { base, dirs, env };
}

/** Resolves once code-server logs that its HTTP server listens; rejects if it exits first or takes 3 minutes. */
function listening(server, log, port) {
  return new Promise((res, rej) => {
    const ready = () => log().includes(`HTTP server listening on http://127.0.0.1:${port}`);
    const timer = setTimeout(() => finish(new Error(`code-server did not listen on 127.0.0.1:${port} within 3 minutes`)), 3 * 60 * 1000);
    const check = () => ready() && finish();
    const exited = (c) => finish(new Error(`code-server exited (${c}) before listening on 127.0.0.1:${port}`));
    function finish(err) {
      clearTimeout(timer);
      server.stdout.off('data', check);
      server.stderr.off('data', check);
      server.off('exit', exited);
      if (err) rej(err);
      else res();
    }
    server.stdout.on('data', check);
    server.stderr.on('data', check);
    server.once('exit', exited);
    check();
  });
}

async function withCodeServer(box, fn) {
  const port = await freePort();
  const server = spawn(
    codeServer,
    ['--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--user-data-dir', box.dirs.user, '--extensions-dir', box.dirs.ext, box.dirs.workspace],
    { env: box.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  server.stdout.on('data', (d) => (log += d));
  server.stderr.on('data', (d) => (log += d));
  const stop = () => {
    try {
      process.kill(-server.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  };
  process.on('exit', stop);
  let code = 1;
  try {
    // Chromium must not open the workbench before code-server listens: on a loaded machine code-server
    // has taken longer to start than Chromium, and the page load was refused.
    await listening(server, () => log, port);
    code = await fn(port);
  } finally {
    stop();
    if (code !== 0) process.stderr.write(`\ncode-server log (tail):\n${log.slice(-3000)}\n`);
    rmSync(box.base, { recursive: true, force: true });
  }
  return code;
}

const runNode = (script, env) => spawnSync(process.execPath, [script], { stdio: 'inherit', env, timeout: 15 * 60 * 1000 }).status ?? 1;

// `npm run test:e2e -- --ui` / `-- --it` runs one phase; `--no-package` reuses the last VSIX (both for debugging).
const argv = new Set(process.argv.slice(2));
const phase = (name) => !(argv.has('--ui') || argv.has('--it')) || argv.has(`--${name}`);

// ---- build: the extension from source (phase 1) and the VSIX (phase 2)
execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { stdio: 'inherit' });
// Every platform's VSIX is built from the build above, and package.mjs checks each one's contents for its
// target; the one for this machine is the one installed below.
if (!argv.has('--no-package')) execFileSync(process.execPath, [join(root, 'scripts', 'package.mjs'), '--all', '--no-build'], { stdio: 'inherit' });
const hostVsix = new RegExp(`-${process.platform}-${process.arch}-\\d[^/]*\\.vsix$`);
const vsix = readdirSync(root).filter((f) => hostVsix.test(f)).map((f) => join(root, f)).sort().pop();
if (!vsix) throw new Error(`npm run package made no .vsix for ${process.platform}-${process.arch}`);

let failed = 0;

// ---- phase 1: integration tests in the extension host
if (phase('it')) {
  const box = sandbox('it');
  const code = await withCodeServer(box, (port) => {
    const r = runNode(join(root, 'test', 'e2e', 'integration.mjs'), { ...box.env, TL_PORT: String(port), TL_WORKSPACE: box.dirs.workspace, TL_EXT: root, TL_CHROME_DIR: box.dirs.chrome, TL_RESULTS: results });
    return Promise.resolve(r);
  });
  if (code !== 0) failed++;
}

// ---- phase 2: the UI, with the packaged extension installed
if (phase('ui')) {
  const box = sandbox('ui');
  execFileSync(codeServer, ['--install-extension', vsix, '--extensions-dir', box.dirs.ext, '--user-data-dir', box.dirs.user], { env: box.env, stdio: 'inherit' });
  const installed = readdirSync(box.dirs.ext).filter((d) => d.includes('ticket-lens'));
  if (installed.length !== 1) throw new Error(`the VSIX did not install: ${readdirSync(box.dirs.ext).join(', ')}`);
  console.log(`installed ${installed[0]} from ${vsix}`);
  const code = await withCodeServer(box, (port) =>
    Promise.resolve(runNode(join(root, 'test', 'e2e', 'ui.mjs'), { ...box.env, TL_PORT: String(port), TL_WORKSPACE: box.dirs.workspace, TL_CHROME_DIR: box.dirs.chrome, TL_RESULTS: results })),
  );
  if (code !== 0) failed++;
}
process.exit(failed ? 1 : 0);

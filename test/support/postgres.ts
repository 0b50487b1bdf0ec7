/**
 * A real PostgreSQL server with pgvector for the store tests, started by the tests themselves: the
 * binaries of PyPI's `pgserver` wheel (PostgreSQL 16.2 + pgvector 0.6.2; Debian's postgresql has no
 * pgvector), installed once into a venv cached at ~/.cache/ticket-lens/pgserver-venv (or under
 * $TICKET_LENS_CACHE). Only the binaries are used — initdb and postgres run directly, on a free port
 * of 127.0.0.1 with a data folder in a temporary directory — not pgserver's Python wrapper, which as
 * root creates a system user and loosens the permissions of every parent folder of its data.
 *
 * PostgreSQL refuses to run as root. As root (CI containers), the binaries are copied into the
 * temporary directory and run as `nobody` through setpriv, with the data folder owned by nobody.
 *
 * `stop({ immediate: true })` is the server going away under its clients (SIGQUIT: every backend exits
 * at once, as in a crash); `start()` brings it back on the same port and data.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';

const REQUIREMENTS = join(__dirname, '..', '..', 'scripts', 'python', 'requirements-pg.txt');
const NOBODY = 65534;

function cacheDir(): string {
  return process.env.TICKET_LENS_CACHE ?? join(homedir(), '.cache', 'ticket-lens');
}

function run(cmd: string, args: string[], what: string): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${what} failed (${cmd} ${args.join(' ')}: exit ${r.status ?? r.signal}): ${r.error?.message ?? ''}${r.stderr}${r.stdout}`);
  return r.stdout;
}

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The venv with pgserver, made once; test files starting together wait for the one that makes it. */
function venv(): string {
  const dir = join(cacheDir(), 'pgserver-venv');
  const want = createHash('sha256').update(readFileSync(REQUIREMENTS)).digest('hex');
  const stamp = join(dir, '.requirements.sha256');
  const ready = () => existsSync(stamp) && readFileSync(stamp, 'utf8') === want;
  if (ready()) return dir;
  mkdirSync(cacheDir(), { recursive: true });
  const lock = `${dir}.lock`;
  const end = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
      break;
    } catch {
      const owner = Number(readFileSync(lock, 'utf8'));
      if (owner && !alive(owner)) rmSync(lock, { force: true });
      else if (Date.now() > end) throw new Error(`waited 10 minutes for another process (${owner}) to make ${dir}; remove ${lock} if none is`);
      else sleep(250);
      if (ready()) return dir;
    }
  }
  try {
    if (ready()) return dir;
    rmSync(dir, { recursive: true, force: true });
    run('python3', ['-m', 'venv', dir], 'creating the pgserver venv (needs python3 and python3-venv)');
    run(join(dir, 'bin', 'pip'), ['install', '-q', '--no-deps', '-r', REQUIREMENTS], 'pip install pgserver');
    writeFileSync(stamp, want);
    return dir;
  } finally {
    rmSync(lock, { force: true });
  }
}

/** pgserver's package folder (holding pginstall/) inside the venv. */
function pgserverPackage(venvDir: string): string {
  const out = run(join(venvDir, 'bin', 'python'), ['-c', "import importlib.util, os; print(os.path.dirname(importlib.util.find_spec('pgserver').origin))"], 'locating pgserver');
  return out.trim();
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export interface PgServer {
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  url: string;
  port: number;
  /** A new, empty database on this server; its connection string. */
  createDatabase(name: string): Promise<string>;
  /** Stops the server: fast shutdown, or with `immediate` every backend dropped at once (a crash). */
  stop(opts?: { immediate?: boolean }): Promise<void>;
  /** Starts it again on the same port and data. */
  start(): Promise<void>;
  /** Stops it and removes its files. */
  dispose(): Promise<void>;
}

async function waitReady(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const end = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`postgres exited with ${child.exitCode}: ${log()}`);
    const c = new pg.Client({ connectionString: url });
    c.on('error', () => undefined);
    try {
      await c.connect();
      await c.query('SELECT 1');
      await c.end();
      return;
    } catch {
      await c.end().catch(() => undefined);
      if (Date.now() > end) throw new Error(`postgres did not accept connections within 60 s: ${log()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

export async function startPostgres(): Promise<PgServer> {
  const pkg = pgserverPackage(venv());
  const root = process.getuid?.() === 0;
  const work = mkdtempSync(join(tmpdir(), 'tl-pg-'));
  let bin = join(pkg, 'pginstall', 'bin');
  if (root) {
    // nobody cannot read root's home: a copy it can, with the wheel's libraries where the binaries' rpath looks.
    chmodSync(work, 0o755);
    const copy = join(work, 'install');
    cpSync(join(pkg, 'pginstall'), join(copy, 'pgserver', 'pginstall'), { recursive: true });
    const libs = join(dirname(pkg), 'pgserver.libs');
    if (existsSync(libs)) cpSync(libs, join(copy, 'pgserver.libs'), { recursive: true });
    bin = join(copy, 'pgserver', 'pginstall', 'bin');
  }
  const data = join(work, 'data');
  mkdirSync(data);
  if (root) chownSync(data, NOBODY, NOBODY);
  const as = (exe: string, args: string[]): [string, string[]] =>
    root ? ['setpriv', ['--reuid', String(NOBODY), '--regid', String(NOBODY), '--clear-groups', join(bin, exe), ...args]] : [join(bin, exe), args];

  const [initCmd, initArgs] = as('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  run(initCmd, initArgs, 'initdb');

  const port = await freePort();
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let child: ChildProcess | null = null;
  let log = '';
  const start = async () => {
    const [cmd, args] = as('postgres', ['-D', data, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${data}`, '-c', 'fsync=off', '-c', 'max_connections=50']);
    const c = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    c.stdout.on('data', (d: Buffer) => (log += d.toString()));
    c.stderr.on('data', (d: Buffer) => (log += d.toString()));
    child = c;
    await waitReady(url, c, () => log.slice(-2000));
  };
  const stop = async (opts: { immediate?: boolean } = {}) => {
    const c = child;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise<void>((r) => c.once('exit', () => r()));
    c.kill(opts.immediate ? 'SIGQUIT' : 'SIGINT');
    await exited;
    child = null;
  };
  await start();
  return {
    url,
    port,
    async createDatabase(name) {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        await c.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
      } finally {
        await c.end();
      }
      return `postgres://postgres@127.0.0.1:${port}/${encodeURIComponent(name)}`;
    },
    stop,
    start,
    async dispose() {
      await stop();
      rmSync(work, { recursive: true, force: true });
    },
  };
}

/**
 * Owns the model server process and the client. The server starts on first use (not at activation),
 * with a fresh token per launch and the workspace folders as the only folders it may use, and is
 * stopped on deactivate. If it dies, jobs in flight are reported as failed and the next use restarts
 * it, with backoff after repeated crashes. It remembers what it started the server with, so a change
 * that needs a restart can be noticed (serverWatch.ts).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { TicketLensError } from '../shared/api';
import { serverLaunch } from './bootstrap';
import { ServerClient } from './client';
import { readConfig, readRoots } from './config';
import { errorMessage } from './errorMessage';
import type { Launched } from './restartRules';
import type { StatusBar } from './views/statusBar';

export class Ctx implements vscode.Disposable {
  private child: ChildProcess | null = null;
  private starting: Promise<ServerClient> | null = null;
  private crashes = 0;
  private lastCrash = 0;
  private readonly inFlight = new Set<(reason: string) => void>();
  private launch: Launched | null = null;
  /** Stop the server once the jobs in flight have ended (the next use starts it anew). */
  private restartWhenIdle = false;

  constructor(
    readonly extension: vscode.ExtensionContext,
    readonly log: vscode.LogOutputChannel,
    private readonly status: StatusBar,
  ) {}

  /** The client of a running server, starting it if needed. */
  client(): Promise<ServerClient> {
    this.starting ??= this.start().catch((err: unknown) => {
      this.starting = null;
      this.status.error(errorMessage(err));
      throw err;
    });
    return this.starting;
  }

  /** Runs `work` and fails it clearly if the server dies meanwhile. */
  async track<T>(work: (client: ServerClient) => Promise<T>): Promise<T> {
    const client = await this.client();
    let fail!: (reason: string) => void;
    const died = new Promise<never>((_, reject) => {
      fail = (reason) => reject(new TicketLensError('internal', `The Ticket Lens server stopped (${reason}); the job was lost. It restarts on the next command.`));
    });
    this.inFlight.add(fail);
    try {
      return await Promise.race([work(client), died]);
    } finally {
      this.inFlight.delete(fail);
      if (this.restartWhenIdle && this.inFlight.size === 0) {
        this.restartWhenIdle = false;
        this.log.info('the jobs have ended: stopping the server so that the next use starts it with the new settings');
        void this.stop();
      }
    }
  }

  /** What the running (or starting) server was started with; null when none is. */
  get launched(): Launched | null {
    return this.starting ? this.launch : null;
  }

  /** A job is running on the server. */
  get busy(): boolean {
    return this.inFlight.size > 0;
  }

  /** Stop the server now if it is idle, else once its jobs end; the next use starts it anew. */
  stopWhenIdle(): Promise<void> {
    if (!this.busy) return this.stop();
    this.restartWhenIdle = true;
    return Promise.resolve();
  }

  private async start(): Promise<ServerClient> {
    const backoff = this.crashes > 0 ? Math.min(30_000, 1000 * 2 ** (this.crashes - 1)) - (Date.now() - this.lastCrash) : 0;
    if (backoff > 0) await new Promise((r) => setTimeout(r, backoff));
    this.status.starting();
    const config = readConfig(this.log);
    const roots = readRoots(this.extension);
    const launch = serverLaunch(this.extension, config, roots);
    this.launch = { config: { modelPath: config.modelPath, device: config.device, dtype: config.dtype }, roots };
    const token = randomBytes(32).toString('base64url');
    this.log.info(`starting the server: ${launch.script} ${launch.args.join(' ')}`);
    const child = fork(launch.script, launch.args, {
      env: { ...process.env, TICKET_LENS_TOKEN: token, ELECTRON_RUN_AS_NODE: '1' },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      execArgv: [],
    });
    this.child = child;
    child.stderr?.on('data', (d: Buffer) => {
      for (const line of d.toString().split('\n')) if (line.trim()) this.log.info(`[server] ${line}`);
    });
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      const onData = (d: Buffer) => {
        out += d.toString();
        const nl = out.indexOf('\n');
        if (nl < 0) return;
        child.stdout?.off('data', onData);
        try {
          const ready = JSON.parse(out.slice(0, nl)) as { event: string; port: number };
          if (ready.event !== 'ready') throw new Error(out.slice(0, nl));
          resolve(ready.port);
        } catch (err) {
          reject(new TicketLensError('internal', `The server did not start: ${errorMessage(err)}`));
        }
      };
      child.stdout?.on('data', onData);
      child.once('exit', (code) => reject(new TicketLensError('internal', `The server exited during start-up (code ${code}); see the Ticket Lens log.`)));
    });
    child.on('exit', (code, signal) => this.forget(child, `exit ${code ?? signal}`));
    // A killed server's broken connection can reach a request before its 'exit' event reaches us: an
    // unreachable server is given a moment to report its exit, so the next command starts a new one.
    const client = new ServerClient(`http://127.0.0.1:${port}`, token, () => exitOf(child, 3000));
    const health = await client.health();
    this.log.info(`server ready on port ${port}: model ${health.model.id}, ${health.dtype}`);
    this.status.ready(health);
    return client;
  }

  /** A server process that died unasked: fail its jobs, and let the next use start another. */
  private forget(child: ChildProcess, reason: string): void {
    if (this.child !== child) return;
    this.child = null;
    this.starting = null;
    this.launch = null;
    this.restartWhenIdle = false;
    this.crashes++;
    this.lastCrash = Date.now();
    this.log.error(`the server stopped unexpectedly (${reason})`);
    this.status.error(`server stopped (${reason})`);
    for (const fail of this.inFlight) fail(reason);
  }

  async restart(): Promise<void> {
    await this.stop();
    this.crashes = 0;
    await this.client();
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    this.starting = null;
    this.launch = null;
    this.restartWhenIdle = false;
    for (const fail of this.inFlight) fail('restarted');
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
    this.status.stopped();
  }

  dispose(): void {
    void this.stop();
  }
}

/** Resolves when the process has exited, or after `ms`. */
function exitOf(child: ChildProcess, ms: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * Starts the model server: the same code whether the extension spawns it, a test starts it, or a team
 * runs it on a GPU machine. Binds 127.0.0.1 only; every request needs the per-launch bearer token.
 * The file routes are confined to `allowRoots` when given (http/paths.ts), and refused altogether on
 * a non-loopback host.
 */
import type { AddressInfo } from 'node:net';
import type { Device, Dtype } from '../shared/api';
import type { ServerConfig, ServerContext } from './context';
import { cacheRoot, defaultModelDir, loadEmbedder, type Embedder } from './embed';
import { buildApp } from './http/app';
import { generateToken } from './http/auth';
import { PathPolicy, resolveRoots } from './http/paths';
import { InProcessJobQueue } from './jobs/queue';
import { createLogger, type Logger } from './log';
import { VERSION } from './version';

export interface StartOptions {
  port?: number;
  host?: string;
  /** Allow binding a non-loopback host (a team's GPU server); the token is still required. */
  allowRemote?: boolean;
  /** Folders the file routes may read and write (`--allow-root`); absent or empty: any path, with a warning. */
  allowRoots?: readonly string[];
  token?: string;
  modelDir?: string;
  device?: Device;
  dtype?: Dtype;
  cacheDir?: string;
  log?: Logger;
}

export interface RunningServer {
  port: number;
  url: string;
  token: string;
  tokenGenerated: boolean;
  ctx: ServerContext;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export function createContext(config: ServerConfig, log: Logger): ServerContext {
  let embedder: Embedder | null = null;
  let loading: Promise<Embedder> | null = null;
  return {
    version: VERSION,
    startedAt: Date.now(),
    config,
    log,
    jobs: new InProcessJobQueue(log),
    paths: new PathPolicy(config.allowedRoots, config.remote),
    loadedEmbedder: () => embedder,
    getEmbedder() {
      loading ??= loadEmbedder({ modelDir: config.modelDir, device: config.device, dtype: config.dtype, cacheDir: config.cacheDir, log }).then(
        (e) => (embedder = e),
        (err: unknown) => {
          loading = null; // a later request may succeed once the model is provisioned
          throw err;
        },
      );
      return loading;
    },
  };
}

export async function startServer(opts: StartOptions = {}): Promise<RunningServer> {
  const host = opts.host ?? '127.0.0.1';
  if (!LOOPBACK.has(host) && !opts.allowRemote) {
    throw new Error(`Refusing to listen on ${host}: the server listens on 127.0.0.1 only unless --allow-remote is given.`);
  }
  const log = opts.log ?? createLogger();
  const envToken = process.env.TICKET_LENS_TOKEN;
  const token = opts.token ?? (envToken && envToken.length > 0 ? envToken : generateToken());
  const tokenGenerated = !opts.token && !envToken;
  const config: ServerConfig = {
    modelDir: opts.modelDir ?? defaultModelDir(),
    device: opts.device ?? 'auto',
    dtype: opts.dtype ?? 'q8',
    cacheDir: opts.cacheDir ?? cacheRoot(),
    allowedRoots: opts.allowRoots?.length ? resolveRoots(opts.allowRoots) : null,
    remote: !LOOPBACK.has(host),
  };
  const ctx = createContext(config, log);
  const app = await buildApp(ctx, token);
  await app.listen({ port: opts.port ?? 0, host });
  const port = (app.server.address() as AddressInfo).port;
  log.info(`listening on http://${host}:${port} (model ${config.modelDir}, ${config.dtype}, device ${config.device})`);
  if (config.remote) log.warn(`listening on ${host} without TLS: routes that name a file answer 403`);
  else if (config.allowedRoots) log.info(`file routes confined to ${config.allowedRoots.join(', ')}`);
  else log.warn('no --allow-root given: the file routes read and write any path this user can; pass --allow-root <folder> (repeatable) to confine them');
  let closing: Promise<void> | null = null;
  return {
    port,
    url: `http://${host === '::1' ? '[::1]' : host}:${port}`,
    token,
    tokenGenerated,
    ctx,
    close() {
      closing ??= (async () => {
        await ctx.jobs.close();
        await app.close();
        await ctx.loadedEmbedder()?.dispose();
      })();
      return closing;
    },
  };
}

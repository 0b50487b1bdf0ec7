/**
 * The server's logger: one line per event on stderr (stdout carries the machine-readable ready line
 * and CLI output). Never log request bodies, ticket text or API keys.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export interface Logger {
  debug(msg: string): void;
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

const order: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export function createLogger(level: LogLevel = (process.env.TICKET_LENS_LOG_LEVEL as LogLevel) || 'info'): Logger {
  const emit = (l: LogLevel, msg: string) => {
    if (order[l] >= order[level]) process.stderr.write(`${new Date().toISOString()} ${l.toUpperCase()} ${msg}\n`);
  };
  return {
    debug: (m) => emit('debug', m),
    info: (m) => emit('info', m),
    warn: (m) => emit('warn', m),
    error: (m) => emit('error', m),
  };
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

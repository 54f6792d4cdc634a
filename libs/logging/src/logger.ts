import pino, { Logger, LoggerOptions } from 'pino';

/**
 * Paths that may hold credentials or secret material anywhere in a log record. Logs never carry them
 * in plaintext (DESIGN.md §7).
 */
export const REDACTED_PATHS = [
  'password',
  'value',
  'token',
  'access_token',
  'refresh_token',
  'code',
  'secret',
  '*.password',
  '*.value',
  '*.token',
  '*.access_token',
  '*.refresh_token',
  '*.code',
  '*.secret',
  'req.headers.authorization',
  'req.headers["kontena-grid-token"]',
  'req.headers["kontena-node-token"]',
  'req.headers.cookie',
];

/** A structured JSON logger labelled with the app's name, so `npm start` can tell five processes apart. */
export function createLogger(app: string, options: LoggerOptions = {}): Logger {
  return pino({
    name: app,
    level: process.env.LOG_LEVEL ?? 'info',
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    base: { app, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    ...options,
  });
}

export type { Logger };

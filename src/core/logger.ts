/**
 * A small structured logger: a message plus a context object, one JSON line per entry on stderr.
 * Never pass prompt or response bodies unless they went through the PHI redactor first.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(message: string, context?: Record<string, unknown>): void;
  info(message: string, context?: Record<string, unknown>): void;
  warn(message: string, context?: Record<string, unknown>): void;
  error(message: string, context?: Record<string, unknown>): void;
  /** A logger whose lines all carry `context` (e.g. the request id). */
  child(context: Record<string, unknown>): Logger;
}

/**
 * Characters JSON.stringify leaves raw that a reader of the log would not see as text: C1 controls (a terminal
 * that honours 8-bit C1 acts on them when the log is `cat`ed), the line and paragraph separators, and the bidi
 * overrides and isolates (they reorder what a log viewer shows). Only inside strings, so escaping keeps the JSON.
 */
const HIDDEN_IN_LOGS = /[\u0080-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function escapeHidden(line: string): string {
  return line.replace(HIDDEN_IN_LOGS, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const levelOrder: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface LoggerOptions {
  level?: LogLevel;
  /** Where lines go (default: process.stderr). */
  write?: (line: string) => void;
  /** Injected clock for tests. */
  now?: () => Date;
  context?: Record<string, unknown>;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const minimum = levelOrder[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => process.stderr.write(line + '\n'));
  const now = options.now ?? (() => new Date());
  const base = options.context ?? {};

  const log = (level: LogLevel, message: string, context?: Record<string, unknown>): void => {
    if (levelOrder[level] < minimum) return;
    write(escapeHidden(JSON.stringify({ time: now().toISOString(), level, message, ...base, ...context })));
  };
  return {
    debug: (message, context) => { log('debug', message, context); },
    info: (message, context) => { log('info', message, context); },
    warn: (message, context) => { log('warn', message, context); },
    error: (message, context) => { log('error', message, context); },
    child: (context) => createLogger({ ...options, context: { ...base, ...context } }),
  };
}

/** A logger that drops everything (library default). */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
};

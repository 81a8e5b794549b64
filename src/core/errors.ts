/**
 * SafeMed's error family. Every error carries a stable `code`, an optional `cause` and a context
 * object; the server edge maps them to OpenAI-style JSON (see `toErrorResponse` in src/serve) and
 * the CLI prints `message` plus `fix` on one line each, never a stack trace for user errors.
 */
/** Optional details; `undefined` means "not given" (so callers may pass a maybe-undefined value as is). */
export interface SafemedErrorOptions {
  cause?: unknown;
  /** A one-line hint telling the user how to fix the problem. */
  fix?: string | undefined;
  context?: Record<string, unknown> | undefined;
}

export class SafemedError extends Error {
  readonly code: string;
  readonly fix: string | undefined;
  readonly context: Record<string, unknown>;

  constructor(code: string, message: string, options: SafemedErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.fix = options.fix;
    this.context = options.context ?? {};
  }
}

/** Bad input from a user or a client: becomes a 4xx at the server and exit code 2 in the CLI. */
export class InvalidRequestError extends SafemedError {
  readonly status: number;
  readonly param: string | undefined;

  constructor(message: string, options: SafemedErrorOptions & { status?: number | undefined; param?: string | undefined; code?: string | undefined } = {}) {
    super(options.code ?? 'invalid_request', message, options);
    this.status = options.status ?? 400;
    this.param = options.param;
  }
}

/** A setting is missing or malformed. `key` names the flag / env var / config key. */
export class ConfigError extends SafemedError {
  readonly key: string | undefined;

  constructor(message: string, options: SafemedErrorOptions & { key?: string | undefined } = {}) {
    super('config_error', message, options);
    this.key = options.key;
  }
}

/** A model backend failed (upstream HTTP error, unreachable host, llama.cpp load failure...). */
export class BackendError extends SafemedError {
  readonly url: string | undefined;
  readonly status: number | undefined;
  readonly retryable: boolean;

  constructor(
    message: string,
    options: SafemedErrorOptions & { url?: string | undefined; status?: number | undefined; retryable?: boolean | undefined; code?: string | undefined } = {},
  ) {
    super(options.code ?? 'backend_error', message, options);
    this.url = options.url;
    this.status = options.status;
    this.retryable = options.retryable ?? false;
  }
}

/** The call was aborted (client disconnect, shutdown) or ran out of time. */
export class TimeoutError extends SafemedError {
  constructor(message: string, options: SafemedErrorOptions = {}) {
    super('timeout', message, options);
  }
}

/** A data file (benchmark, training set, JSONL input) is malformed. */
export class DataFormatError extends SafemedError {
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly column: string | undefined;

  constructor(message: string, options: SafemedErrorOptions & { file?: string | undefined; line?: number | undefined; column?: string | undefined } = {}) {
    super('data_format', message, options);
    this.file = options.file;
    this.line = options.line;
    this.column = options.column;
  }
}

export function isAbortError(error: unknown): boolean {
  return (
    error instanceof TimeoutError ||
    (error instanceof Error && (error.name === 'AbortError' || error.name === 'APIUserAbortError'))
  );
}

/** A one-line, human-readable description of any thrown value. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

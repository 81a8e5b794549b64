import { z } from 'zod';
import type { SettingSource } from '../core/config.js';
import { DEFAULT_HOST, DEFAULT_PORT, DEFAULT_SERVED_MODEL_NAME } from '../core/defaults.js';
import { isHeaderSafeKey } from '../core/header-safe-key.js';
import { GUARD_SETTING_SOURCES, guardSettingsShape } from '../guard/create-guard-from-settings.js';

/** `1048576`, `512kb`, `1mb`, `1MiB`, `2 MB` → bytes (k/m/g are powers of 1024). */
export function parseByteSize(value: string | number): number {
  if (typeof value === 'number') return value;
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kmg]?)(i?b)?\s*$/i.exec(value);
  if (!match) return Number.NaN;
  const scale = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[(match[2] ?? '').toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Math.round(Number(match[1]) * scale);
}

const booleanish = z.union([z.boolean(), z.enum(['true', 'false', '1', '0', 'on', 'off', 'yes', 'no'])]).transform((value) =>
  typeof value === 'boolean' ? value : ['true', '1', 'on', 'yes'].includes(value),
);

/**
 * Node's timers hold at most 2^31 - 1 ms (~24.8 days); a longer one fires after 1 ms, so `--timeout
 * 3000000` failed every request (and the start-up check) at once. Numbers or numeric strings only: a
 * YAML `timeout: true` was coerced to 1 second.
 */
const MAX_TIMER_SECONDS = 2_147_483;
/**
 * A request body and an answer each become one JS string, and V8 refuses strings over ~512 M characters
 * (buffer.constants.MAX_STRING_LENGTH):
 * a larger --body-limit let any client turn its body into a 500, a larger --max-answer-size made a long
 * answer one. 256 MiB is far beyond any chat request or answer.
 */
const MAX_SIZE = 256 * 1024 * 1024;
const seconds = (minimum: 'positive' | 'zero') => {
  const number = z.coerce.number<string | number>({ error: 'must be a number of seconds' });
  return z
    .union([z.number(), z.string()], { error: 'must be a number of seconds' })
    .pipe((minimum === 'positive' ? number.positive() : number.min(0)).max(MAX_TIMER_SECONDS, `must be at most ${MAX_TIMER_SECONDS} seconds (~24 days, the longest timer Node.js keeps)`));
};

/**
 * A whole number from a flag, the environment or YAML: a number, or a string of digits. z.coerce took
 * anything: `port:` left empty in YAML (null), `--port "$PORT"` with PORT unset ('') and `port: []` were
 * port 0, a random port the operator never asked for; `maxConnections: true` was a cap of 1.
 */
const wholeNumber = (minimum: number, maximum = Number.MAX_SAFE_INTEGER) => {
  const expected = `must be a whole number from ${minimum}${maximum === Number.MAX_SAFE_INTEGER ? ' up' : ` to ${maximum}`}`;
  return z
    .union([z.number(), z.string().regex(/^\s*\d+\s*$/, expected)], { error: expected })
    .pipe(z.coerce.number<string | number>().int(expected).min(minimum, expected).max(maximum, expected));
};

/**
 * What an HTTP client can send in `Authorization: Bearer <key>`: visible ASCII. A key copied with a
 * Unicode dash or a no-break space started a server no client could authenticate to (the SDK throws
 * before sending); an upstream key read from a .env file with Windows line ends (`key\r`) made every
 * upstream call fail as "Cannot reach the upstream (ERR_INVALID_CHAR) … Start the upstream server"
 * (probing round 6). Surrounding whitespace is trimmed; anything else is refused at start-up.
 */
const NOT_HEADER_SAFE = 'holds a character an HTTP header cannot carry (a space, a control character or a non-ASCII character such as a typographic dash): check how it was copied';

/** Every `safemed serve` setting: flag > env > config file > default (see resolveSettings). */
export const SERVE_SETTING_SOURCES: SettingSource[] = [
  { key: 'model', flag: '--model', env: 'SAFEMED_MODEL' },
  { key: 'host', flag: '--host', env: 'SAFEMED_HOST' },
  { key: 'port', flag: '--port', env: 'SAFEMED_PORT' },
  { key: 'servedModelName', flag: '--served-model-name', env: 'SAFEMED_SERVED_MODEL_NAME' },
  { key: 'apiKey', flag: '--api-key', env: 'SAFEMED_API_KEY', emptyEnvIsAValue: true },
  { key: 'upstreamApiKey', flag: '--upstream-api-key', env: 'SAFEMED_UPSTREAM_API_KEY' },
  { key: 'upstreamModel', flag: '--upstream-model', env: 'SAFEMED_UPSTREAM_MODEL' },
  { key: 'reasoningField', flag: '--reasoning-field', env: 'SAFEMED_REASONING_FIELD' },
  { key: 'bodyLimit', flag: '--body-limit', env: 'SAFEMED_BODY_LIMIT' },
  { key: 'timeout', flag: '--timeout', env: 'SAFEMED_TIMEOUT' },
  { key: 'headerTimeout', flag: '--header-timeout', env: 'SAFEMED_HEADER_TIMEOUT' },
  { key: 'bodyTimeout', flag: '--body-timeout', env: 'SAFEMED_BODY_TIMEOUT' },
  { key: 'writeTimeout', flag: '--write-timeout', env: 'SAFEMED_WRITE_TIMEOUT' },
  { key: 'maxConnections', flag: '--max-connections', env: 'SAFEMED_MAX_CONNECTIONS' },
  { key: 'maxAnswerSize', flag: '--max-answer-size', env: 'SAFEMED_MAX_ANSWER_SIZE' },
  { key: 'shutdownGrace', flag: '--shutdown-grace', env: 'SAFEMED_SHUTDOWN_GRACE' },
  { key: 'threads', flag: '--threads', env: 'SAFEMED_THREADS' },
  { key: 'contextSize', flag: '--context-size', env: 'SAFEMED_CONTEXT_SIZE' },
  { key: 'systemPrompt', flag: '--system-prompt / --no-system-prompt', env: 'SAFEMED_SYSTEM_PROMPT' },
  { key: 'audit', flag: '--no-audit', env: 'SAFEMED_AUDIT' },
  { key: 'auditDb', flag: '--audit-db', env: 'SAFEMED_AUDIT_DB' },
  { key: 'auditRedact', flag: '--no-audit-redact', env: 'SAFEMED_AUDIT_REDACT' },
  { key: 'auditThread', flag: '--audit-thread', env: 'SAFEMED_AUDIT_THREAD' },
  { key: 'auditDurability', flag: '--audit-durability', env: 'SAFEMED_AUDIT_DURABILITY' },
  { key: 'guardThread', flag: '--guard-thread', env: 'SAFEMED_GUARD_THREAD' },
  { key: 'logLevel', flag: '--log-level', env: 'SAFEMED_LOG_LEVEL' },
  { key: 'console', flag: '--console', env: 'SAFEMED_CONSOLE' },
  { key: 'consoleRuns', flag: '--console-runs', env: 'SAFEMED_CONSOLE_RUNS' },
  { key: 'consoleReviewDb', flag: '--console-review-db', env: 'SAFEMED_CONSOLE_REVIEW_DB' },
  ...GUARD_SETTING_SOURCES,
];

export const serveSettingsSchema = z.object({
  model: z.string({ error: 'a backend URI is required, e.g. llama:./model.gguf or vllm:http://gpu:8000/v1' }).min(1, 'must not be empty'),
  host: z.string().min(1).default(DEFAULT_HOST),
  port: wholeNumber(0, 65535).default(DEFAULT_PORT),
  servedModelName: z.string().min(1).default(DEFAULT_SERVED_MODEL_NAME),
  apiKey: z
    .union([z.string(), z.array(z.string())], { error: 'must be a key, comma-separated keys or a YAML list of keys (strings; quote a key made of digits)' })
    .transform((value) => (Array.isArray(value) ? value : [value]).flatMap((item) => item.split(',')).map((key) => key.trim()).filter((key) => key !== ''))
    // `--api-key "$KEY"` with KEY unset asked for a key and got an open server: a key given but empty fails.
    .refine((keys) => keys.length > 0, 'is empty (an unset variable?); pass a key, or leave the setting out for an open server')
    .refine((keys) => keys.every(isHeaderSafeKey), NOT_HEADER_SAFE)
    .default([]),
  upstreamApiKey: z
    .string()
    .transform((key) => key.trim())
    .refine(isHeaderSafeKey, NOT_HEADER_SAFE)
    .optional(),
  upstreamModel: z.string().optional(),
  reasoningField: z.enum(['reasoning_content', 'reasoning']).default('reasoning_content'),
  bodyLimit: z
    .union([z.number(), z.string()])
    .transform(parseByteSize)
    .pipe(z.number({ error: 'must be a size such as 1048576, 512kb or 1mb' }).int().positive().max(MAX_SIZE, 'must be at most 256mb (a body is read into memory as one string)'))
    .default(1024 * 1024),
  /** Seconds. */
  timeout: seconds('positive').default(600),
  /** Seconds for the request line and headers (slowloris guard; 408 after). */
  headerTimeout: seconds('positive').default(10),
  /** Seconds for the body once the headers are in (408 after). */
  bodyTimeout: seconds('positive').default(30),
  writeTimeout: seconds('positive').default(60),
  /** Open connections at once; more are refused. */
  maxConnections: wholeNumber(1).default(1024),
  /** Largest answer + reasoning taken from the model (characters, size syntax as bodyLimit); over → 502. */
  maxAnswerSize: z
    .union([z.number(), z.string()])
    .transform(parseByteSize)
    .pipe(z.number({ error: 'must be a size such as 4mb or 1048576' }).int().positive().max(MAX_SIZE, 'must be at most 256mb (an answer is kept in memory as one string)'))
    .default(4 * 1024 * 1024),
  /** Seconds. */
  shutdownGrace: seconds('zero').default(10),
  threads: wholeNumber(1).optional(),
  contextSize: wholeNumber(1).optional(),
  /** A string replaces the model card's system prompt; false (or "none") never adds one. */
  systemPrompt: z
    .union([z.string(), z.literal(false), z.null()])
    .transform((value) => (value === 'none' || value === false || value === null ? null : value))
    .optional(),
  audit: booleanish.default(true),
  auditDb: z.string().min(1).default('.safemed/audit.db'),
  /** Run texts through the guard's PHI redactor before they reach the audit trail. */
  auditRedact: booleanish.default(true),
  /**
   * Where redaction, hashing and the fsync run: `worker` (default; a huge request cannot stall other
   * clients) or `main` (the server's own thread: no thread hand-off per request, but a large body's
   * redaction holds the event loop). Same durability either way.
   */
  auditThread: z.enum(['worker', 'main']).default('worker'),
  /**
   * When a response may end: `full` (default) once its record is fsynced (synchronous=FULL: survives a
   * power loss); `normal` once it is written to the WAL (synchronous=NORMAL: survives a crash or kill -9
   * of the server; a power loss or OS crash can lose the last second of records, fsynced once a second).
   */
  auditDurability: z.enum(['full', 'normal'], { error: 'must be full or normal' }).default('full'),
  /**
   * Where the guard's classifier runs: `worker` (default; its own thread, beside the event loop: another
   * core does the classifying when there is one) or `main` (the server's thread: no hand-off per request).
   * Same verdicts either way.
   */
  guardThread: z.enum(['worker', 'main'], { error: 'must be worker or main' }).default('worker'),
  logLevel: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  /** The web console under /console: on, off, or auto (default: on only when listening on loopback). */
  console: z
    .union([z.boolean(), z.enum(['on', 'off', 'auto', 'true', 'false'])], { error: 'must be on, off or auto' })
    .transform((value): 'on' | 'off' | 'auto' => (value === true || value === 'true' ? 'on' : value === false || value === 'false' ? 'off' : value))
    .default('auto'),
  /** Folder the console's reports page lists eval and red-team runs from. */
  consoleRuns: z.string().min(1).optional(),
  /** The expert review queue (SQLite, written by `safemed data qc`) shown on the console's review page. */
  consoleReviewDb: z.string().min(1).optional(),
  ...guardSettingsShape,
});

export type ServeSettings = z.infer<typeof serveSettingsSchema>;

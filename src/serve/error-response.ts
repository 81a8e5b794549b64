import { BackendError, InvalidRequestError, SafemedError, TimeoutError, isAbortError } from '../core/errors.js';

/** The OpenAI-style error body every failed request gets. */
export interface ErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

export interface ErrorResponse {
  status: number;
  body: ErrorBody;
  /** Extra response headers (Retry-After on a 429). */
  headers?: Record<string, string>;
}

/**
 * The audit trail could not record an exchange (its disk is full, its database was deleted…): the answer is
 * withheld, because nothing is answered without a record. A 503 (the server cannot serve now), not a 500.
 */
export class AuditUnavailableError extends SafemedError {
  constructor(cause: unknown) {
    super('audit_unavailable', `the audit trail could not record the exchange: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/** What a client is told when the audit trail could not record its exchange. */
export const AUDIT_UNAVAILABLE_MESSAGE = 'The answer was withheld: the audit trail could not record this exchange (the cause is in the server log). Try again later.';

/** Longest error message sent to a client (values echoed in messages are cut well before this). */
const MAX_MESSAGE = 300;

/** A client-supplied value for an error message: at most `max` characters, quoted. */
export function echo(value: unknown, max = 64): string {
  const text = typeof value === 'string' ? value : String(value);
  return JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text);
}

function cut(message: string): string {
  return message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE)}…` : message;
}

const UPSTREAM_CLIENT_ERRORS: Record<number, string> = {
  400: 'The model server rejected the request as invalid (HTTP 400).',
  401: "The model server refused the gateway's credentials (HTTP 401); the operator must fix the upstream key.",
  403: "The model server refused the gateway's credentials (HTTP 403); the operator must fix the upstream key.",
  404: 'The model server does not serve the model or route this gateway is configured for (HTTP 404); the operator must check --model / --upstream-model.',
  413: 'The request is too large for the model server (HTTP 413).',
  422: 'The model server could not process the request (HTTP 422).',
};

/** An upstream error body's own `code`, when it is a plain token (never its message: it may leak internals). */
function upstreamCode(error: BackendError, fallback: string): string {
  const code = error.context.upstreamCode;
  return typeof code === 'string' && /^[a-z][a-z0-9_]{0,63}$/.test(code) ? code : fallback;
}

/**
 * Failures that the same request would meet again: the official OpenAI SDKs retry every 408/409/429/5xx twice
 * unless told `x-should-retry: false`, which ran a 4 MB answer that is cut off (or the gateway's own 600 s
 * timeout) three times. Upstream timeouts, 5xx and unreachable upstreams stay retryable.
 */
const DETERMINISTIC_FAILURES = new Set(['answer_too_large', 'upstream_event_too_large', 'upstream_redirected']);
const NO_RETRY: Readonly<Record<string, string>> = { 'x-should-retry': 'false' };
/** A 429 asking for a longer wait is not retried by the SDK inside `create()` (it would sleep up to a day there). */
const MAX_SDK_RETRY_WAIT_SECONDS = 60;

/**
 * An upstream's "the prompt does not fit the context" 400, as vLLM, SGLang, llama.cpp's server and OpenAI word it:
 * clients (LangChain, agent loops) trim the conversation on OpenAI's `context_length_exceeded`, so it keeps that
 * code and a message built here — only the context size is read from the upstream text, never its words.
 */
const CONTEXT_CODES = new Set(['context_length_exceeded', 'exceed_context_size_error']);
const CONTEXT_TEXT = /maximum context length is \d+ tokens|longer than the model's context length|exceeds? the available context size|context length exceeded/i;
const CONTEXT_SIZE = /maximum context length is (\d{1,9}) tokens|model's context length \((\d{1,9}) tokens\)/i;

function contextLengthExceeded(error: BackendError): ErrorResponse | undefined {
  const code = error.context.upstreamCode;
  if (!(typeof code === 'string' && CONTEXT_CODES.has(code)) && !CONTEXT_TEXT.test(error.message)) return undefined;
  const size = CONTEXT_SIZE.exec(error.message);
  const tokens = size?.[1] ?? size?.[2];
  const holds = tokens === undefined ? '' : `: its context holds ${tokens} tokens`;
  return {
    status: 400,
    body: {
      error: {
        message: `The conversation does not fit the model${holds}. Shorten the conversation or lower max_tokens.`,
        type: 'invalid_request_error',
        param: 'messages',
        code: 'context_length_exceeded',
      },
    },
  };
}

function mapBackendError(error: BackendError): ErrorResponse {
  const status = error.status;
  if (status === 400 || status === 413 || status === 422) {
    const tooLong = contextLengthExceeded(error);
    if (tooLong) return tooLong;
  }
  if (status !== undefined && UPSTREAM_CLIENT_ERRORS[status] !== undefined) {
    const type = status === 401 || status === 403 ? 'upstream_auth_error' : 'invalid_request_error';
    // An upstream 404 is about the gateway's own model name or base URL, never the client's `model` (checked
    // before): its code is not passed on, so clients and the SDK do not blame their request's model.
    const code = status === 404 ? 'upstream_model_not_found' : upstreamCode(error, 'upstream_rejected');
    return { status, body: { error: { message: UPSTREAM_CLIENT_ERRORS[status], type, param: null, code } } };
  }
  if (status === 429) {
    const retryAfterMs = error.context.retryAfterMs;
    const seconds = typeof retryAfterMs === 'number' && Number.isFinite(retryAfterMs) ? Math.max(1, Math.ceil(retryAfterMs / 1000)) : 1;
    // The OpenAI SDK sleeps whatever Retry-After says, unbounded: over a minute, the client decides (it sees both).
    return {
      status: 429,
      headers: seconds > MAX_SDK_RETRY_WAIT_SECONDS ? { 'retry-after': String(seconds), ...NO_RETRY } : { 'retry-after': String(seconds) },
      body: { error: { message: `The model server is rate limiting; retry after ${seconds} s.`, type: 'rate_limit_error', param: null, code: 'rate_limit_exceeded' } },
    };
  }
  const upstream = status !== undefined ? ` (upstream status ${status})` : '';
  const tooLarge = error.code === 'answer_too_large' || error.code === 'upstream_event_too_large';
  const message = tooLarge ? error.message : `The model backend failed${upstream}; the cause is in the server log.`;
  const mapped: ErrorResponse = { status: 502, body: { error: { message: cut(message), type: 'upstream_error', param: null, code: error.code } } };
  if (DETERMINISTIC_FAILURES.has(error.code)) mapped.headers = { ...NO_RETRY };
  return mapped;
}

/**
 * Maps any thrown value to an HTTP status and an OpenAI-style error body. Client mistakes
 * (InvalidRequestError) keep their 4xx; an upstream's own 400/401/403/404/413/422 stay 4xx and its
 * 429 stays 429 with Retry-After; other upstream failures become 502, timeouts 504; anything else is
 * a 500. Messages never carry upstream URLs, upstream bodies or internals (those go to the log).
 */
export function toErrorResponse(error: unknown): ErrorResponse {
  if (error instanceof InvalidRequestError) {
    return {
      status: error.status,
      body: { error: { message: cut(error.message), type: 'invalid_request_error', param: error.param ?? null, code: error.code } },
    };
  }
  if (error instanceof TimeoutError || isAbortError(error)) {
    // The gateway's own --timeout (clientFacing) would run out again on a retry; an upstream's may not, and a
    // request cut by a shutdown (retryable) may be answered by the restarted server.
    const own = error instanceof TimeoutError && error.context.clientFacing === true;
    const message = own ? error.message : 'The model backend did not answer in time.';
    const mapped: ErrorResponse = { status: 504, body: { error: { message: cut(message), type: 'timeout_error', param: null, code: 'timeout' } } };
    if (own && error.context.retryable !== true) mapped.headers = { ...NO_RETRY };
    return mapped;
  }
  if (error instanceof BackendError) return mapBackendError(error);
  if (error instanceof AuditUnavailableError) {
    return { status: 503, body: { error: { message: AUDIT_UNAVAILABLE_MESSAGE, type: 'server_error', param: null, code: 'audit_unavailable' } } };
  }
  if (error instanceof SafemedError) {
    return { status: 500, body: { error: { message: 'Internal server error.', type: 'server_error', param: null, code: error.code } } };
  }
  return { status: 500, body: { error: { message: 'Internal server error.', type: 'server_error', param: null, code: 'internal_error' } } };
}

/** Shorthand for a client error with a status, a code and the offending parameter. */
export function clientError(status: number, code: string, message: string, param?: string): InvalidRequestError {
  return new InvalidRequestError(message, param === undefined ? { status, code } : { status, code, param });
}

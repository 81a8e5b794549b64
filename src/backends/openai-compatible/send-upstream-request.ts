/**
 * One HTTP call to an OpenAI-compatible upstream with a timeout, the caller's AbortSignal and retries,
 * over node:http / node:https with the backend's keep-alive agent (global fetch cost ~0.5 ms CPU per
 * call; a pooled `http.request` a fraction of that).
 * Retries happen only here, i.e. before any byte of the response body was handed to the caller:
 * 408, 429 and 5xx (honouring `retry-after` / `retry-after-ms`) and connection failures, with
 * exponential backoff. The returned handle keeps the attempt's timer alive as an idle timeout
 * (call `touch()` on every chunk) until `done()`.
 */
import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { BackendError, TimeoutError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { abortableSleep, type Sleep } from '../../core/abortable-sleep.js';

export type { Sleep };

export interface SendUpstreamRequestOptions {
  url: string;
  method: 'GET' | 'POST';
  body?: unknown;
  /** The body already encoded as JSON (instead of `body`), e.g. by a prepared prompt. */
  payload?: Buffer;
  headers: Record<string, string>;
  signal?: AbortSignal;
  timeoutMs: number;
  maxRetries: number;
  sleep: Sleep;
  random: () => number;
  logger?: Logger;
  requestId?: string;
  /** Longest backoff between retries (default 60 s). */
  maxRetryDelayMs?: number;
  /**
   * Longest upstream `Retry-After` the call waits out itself (default: maxRetryDelayMs). A longer one ends
   * the call at once with the upstream's error and its Retry-After, so a waiting client can decide.
   */
  maxRetryAfterMs?: number;
  /** The backend's keep-alive agent (see createUpstreamAgent); default: Node's global agent. */
  agent?: HttpAgent;
}

/** A received upstream response (status line and headers read; the body not yet). */
export interface UpstreamResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** The body as a Node stream: an async iterable of Buffers. */
  body: IncomingMessage;
  /** Reads the whole body as UTF-8 text. */
  text(): Promise<string>;
  /** Reads the whole body (at most `limitBytes`, default MAX_UPSTREAM_BODY_BYTES) and parses it (a SyntaxError when it is not JSON). */
  json(limitBytes?: number): Promise<unknown>;
}

export interface UpstreamResponseHandle {
  response: UpstreamResponse;
  /** Restarts the idle timer (call it on every received chunk). */
  touch(): void;
  /** Converts an error thrown while reading the body into a SafeMed error. */
  failure(error: unknown): Error;
  /**
   * Clears the timer and detaches from the caller's signal; aborts the connection if still open.
   * `finished`: the caller got the whole answer (e.g. `[DONE]`) and only the body's end is missing:
   * wait up to DRAIN_MS for it so the keep-alive socket is reused, then abort.
   */
  done(finished?: boolean): void;
}

/** Sockets kept per upstream; beyond it calls queue in the agent. */
export const UPSTREAM_MAX_SOCKETS = 256;
/** Idle keep-alive sockets are closed after this (below the usual 5 s server keep-alive timeouts, like undici). */
const UPSTREAM_IDLE_SOCKET_MS = 4_000;
/** How long a finished call waits for the rest of its body (to keep the socket) before aborting. */
const DRAIN_MS = 1_000;

/** One keep-alive agent per backend (http or https after the base URL); `destroy()` it on close. */
export function createUpstreamAgent(url: string): HttpAgent {
  const options = { keepAlive: true, maxSockets: UPSTREAM_MAX_SOCKETS, timeout: UPSTREAM_IDLE_SOCKET_MS };
  return new URL(url).protocol === 'https:' ? new HttpsAgent(options) : new HttpAgent(options);
}

/** Backoff sleep: an abort during the wait becomes the same TimeoutError as an abort during the call. */
export const defaultSleep: Sleep = (ms, signal) =>
  abortableSleep(ms, signal).catch(() => {
    throw abortedError(signal);
  });

function abortedError(signal?: AbortSignal): Error {
  const reason: unknown = signal?.reason;
  if (reason instanceof TimeoutError) return reason;
  return new TimeoutError('The request was aborted before the upstream answered.', { cause: reason });
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 20;

/** The reason used when a finished call releases its connection (not an error). */
const RELEASED = new Error('released');

export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

function headerValue(headers: Headers | IncomingHttpHeaders, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const value = (headers as IncomingHttpHeaders)[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Longest Retry-After taken from an upstream (a day). `Retry-After: 99999999999999999999` was passed on to
 * clients as "retry after 99999999999999980000 s", and a date years ahead likewise.
 */
export const MAX_RETRY_AFTER_MS = 24 * 60 * 60 * 1000;

/** Milliseconds to wait from `retry-after-ms` or `retry-after` (seconds or an HTTP date), at most a day. */
export function parseRetryAfter(headers: Headers | IncomingHttpHeaders, now: number = Date.now()): number | undefined {
  const wait = (milliseconds: number) => Math.min(MAX_RETRY_AFTER_MS, Math.max(0, milliseconds));
  const milliseconds = headerValue(headers, 'retry-after-ms');
  if (milliseconds && Number.isFinite(Number(milliseconds))) return wait(Number(milliseconds));
  const value = headerValue(headers, 'retry-after');
  if (!value) return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(value)) return wait(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : wait(date - now);
}

/** Largest non-streamed upstream body read (an answer beyond it is a 502, not an out-of-memory). */
export const MAX_UPSTREAM_BODY_BYTES = 64 * 1024 * 1024;

/**
 * Collects a response body; rejects when the stream errors or closes before its end, or when it grows
 * past `limit` bytes (error code `answer_too_large`).
 */
function readBody(body: IncomingMessage, limit = MAX_UPSTREAM_BODY_BYTES): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    const onData = (part: Buffer) => {
      size += part.length;
      if (size > limit) {
        cleanup();
        body.destroy();
        reject(new BackendError(`The upstream's answer is larger than ${limit} bytes.`, { status: 502, code: 'answer_too_large' }));
        return;
      }
      parts.push(part);
    };
    const onEnd = () => {
      cleanup();
      const [only] = parts;
      resolve(parts.length === 1 && only ? only.toString('utf8') : Buffer.concat(parts).toString('utf8'));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const onClose = () => {
      cleanup();
      reject(Object.assign(new Error('The upstream closed the response before its end.'), { code: 'ECONNRESET' }));
    };
    const cleanup = () => {
      body.off('data', onData);
      body.off('end', onEnd);
      body.off('error', onError);
      body.off('close', onClose);
    };
    if (body.readableEnded) {
      resolve('');
      return;
    }
    if (body.destroyed) {
      onError(body.errored ?? Object.assign(new Error('The upstream response was aborted.'), { code: 'ECONNRESET' }));
      return;
    }
    body.on('data', onData);
    body.on('end', onEnd);
    body.on('error', onError);
    body.on('close', onClose);
  });
}

function toUpstreamResponse(message: IncomingMessage): UpstreamResponse {
  return {
    status: message.statusCode ?? 0,
    headers: message.headers,
    body: message,
    text: () => readBody(message),
    json: async (limitBytes?: number) => JSON.parse(await readBody(message, limitBytes)) as unknown,
  };
}

/** Longest upstream error body read (the rest is discarded): it is only logged, never sent to clients. */
const MAX_ERROR_BODY = 4096;

async function upstreamErrorDetails(response: UpstreamResponse, statusText: string | undefined): Promise<{ message: string; code: string | undefined }> {
  const text = (await readBody(response.body, MAX_ERROR_BODY).catch(() => '')).slice(0, MAX_ERROR_BODY);
  try {
    const parsed = JSON.parse(text) as { error?: { message?: unknown; code?: unknown; type?: unknown } | string; message?: unknown };
    if (typeof parsed.error === 'string') return { message: parsed.error, code: undefined };
    const code = typeof parsed.error?.code === 'string' ? parsed.error.code : typeof parsed.error?.type === 'string' ? parsed.error.type : undefined;
    if (parsed.error && typeof parsed.error.message === 'string') return { message: parsed.error.message, code };
    if (typeof parsed.message === 'string') return { message: parsed.message, code };
  } catch {
    // not JSON: fall through
  }
  return { message: text.slice(0, 200) || statusText || 'no message', code: undefined };
}

function statusError(url: string, status: number, details: { message: string; code: string | undefined }, retryAfterMs: number | undefined): BackendError {
  const fix =
    status === 401 || status === 403
      ? 'Set the upstream API key with --api-key or $SAFEMED_UPSTREAM_API_KEY / $OPENAI_API_KEY.'
      : status === 404
        ? 'Check the base URL (it usually ends in /v1) and the model name (--model).'
        : isRetryableStatus(status)
          ? 'The upstream is overloaded or failing; retry later or raise --max-retries.'
          : undefined;
  // The message (URL, upstream text) is for logs; the server sends clients a clean one built from status and context.
  return new BackendError(`Upstream ${url} answered ${status}: ${details.message.slice(0, 500)}`, {
    url,
    status,
    retryable: isRetryableStatus(status),
    code: 'upstream_error',
    context: { ...(details.code === undefined ? {} : { upstreamCode: details.code }), ...(retryAfterMs === undefined ? {} : { retryAfterMs }) },
    ...(fix ? { fix } : {}),
  });
}

/**
 * Node's codes for a server certificate it does not trust. The server was reached and answers the same
 * way every time: it was "Cannot reach upstream … (DEPTH_ZERO_SELF_SIGNED_CERT)", retried, and `chat`
 * and `model pull` said to start the server or that the network was unreachable (probing round 6).
 */
export const TLS_CERTIFICATE_ERRORS: ReadonlySet<string> = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'ERR_TLS_CERT_ALTNAME_INVALID', 'CERT_REVOKED',
  'CERT_UNTRUSTED', 'CERT_SIGNATURE_FAILURE', 'HOSTNAME_MISMATCH',
]);

/** The certificate of `url` is not trusted: what it is and how to trust it. */
export function certificateError(url: string, code: string, cause: unknown): BackendError {
  const what = code === 'ERR_TLS_CERT_ALTNAME_INVALID' || code === 'HOSTNAME_MISMATCH' ? 'is for another host name' : code === 'CERT_HAS_EXPIRED' ? 'has expired' : 'is not signed by a certificate authority this machine trusts';
  return new BackendError(`The TLS certificate of ${url} ${what} (${code}).`, {
    url,
    status: 502,
    retryable: false,
    code: 'upstream_certificate',
    cause,
    fix: 'Use the host name the certificate names, or give Node the certificate authority that signed it: NODE_EXTRA_CA_CERTS=/path/to/ca.pem.',
  });
}

function connectionError(url: string, error: unknown): BackendError {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && code.startsWith('HPE_')) {
    // Node's HTTP parser refused the answer (headers over 16 KB, a broken status line): the upstream was
    // reached, and asking again gets the same answer. It was "Cannot reach upstream", retried twice.
    return new BackendError(`Upstream ${url} sent a response that is not valid HTTP (${code === 'HPE_HEADER_OVERFLOW' ? 'headers over 16 KB' : code}).`, {
      url,
      status: 502,
      retryable: false,
      code: 'upstream_malformed',
      cause: error,
      fix: 'Check that the base URL points at an OpenAI-compatible server (and not at a proxy that adds huge headers).',
    });
  }
  if (typeof code === 'string' && TLS_CERTIFICATE_ERRORS.has(code)) return certificateError(url, code, error);
  return new BackendError(`Cannot reach upstream ${url} (${describe(error)}).`, {
    url,
    status: 502,
    retryable: true,
    code: 'upstream_unreachable',
    cause: error,
    fix: 'Check that the model server is running and the base URL is right.',
  });
}

/**
 * The proxy variable set in `env` ($HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, either case), if any. This transport
 * connects directly whatever they say (Node 20), so behind a proxy an upstream or a download fails like an
 * offline machine: callers name the variable in their fix (probing round 6).
 */
export function proxyVariableIn(env: Record<string, string | undefined>): string | undefined {
  return ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'ALL_PROXY', 'all_proxy'].find((key) => (env[key] ?? '') !== '');
}

/**
 * `url` without the `user:password@` it may hold, for messages and logs. An upstream behind basic auth is
 * often given as `https://user:secret@gateway/v1`: the password was printed in the "listening" line, the
 * JSON log and every upstream error (probing round 6). Unchanged when it is not a URL.
 */
export function withoutCredentials(url: string): string {
  if (!url.includes('@')) return url;
  try {
    const parsed = new URL(url);
    if (parsed.username === '' && parsed.password === '') return url;
    parsed.username = '';
    parsed.password = '';
    const shown = parsed.toString();
    return url.endsWith('/') || !shown.endsWith('/') ? shown : shown.slice(0, -1);
  } catch {
    return url;
  }
}

/** The `Authorization: Basic` header a URL's `user:password@` stands for (the request URL then goes without them). */
function basicAuthorization(target: URL): string | undefined {
  if (target.username === '' && target.password === '') return undefined;
  return `Basic ${Buffer.from(`${decodeURIComponent(target.username)}:${decodeURIComponent(target.password)}`).toString('base64')}`;
}

export async function sendUpstreamRequest(options: SendUpstreamRequestOptions): Promise<UpstreamResponseHandle> {
  const { signal } = options;
  const maxRetryDelayMs = options.maxRetryDelayMs ?? 60_000;
  const target = new URL(options.url);
  // credentials in the URL become the header Node would have sent; the URL in messages and logs goes without them
  const basic = basicAuthorization(target);
  target.username = '';
  target.password = '';
  const url = withoutCredentials(options.url);
  const given = basic !== undefined && !Object.keys(options.headers).some((name) => name.toLowerCase() === 'authorization') ? { ...options.headers, authorization: basic } : options.headers;
  const payload = options.payload ?? (options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body), 'utf8'));
  const headers: Record<string, string | number> =
    payload === undefined ? given : { 'content-type': 'application/json', ...given, 'content-length': payload.length };
  for (let attempt = 0; ; attempt += 1) {
    if (signal?.aborted) throw abortedError(signal);
    let abortReason: Error | undefined; // set exactly when `aborted` is
    let aborted = false;
    let request: ClientRequest | undefined;
    let message: IncomingMessage | undefined;
    const abort = (reason: Error) => {
      if (aborted) return;
      aborted = true;
      abortReason = reason;
      // destroyed without an error object: the reason is kept here (an error passed to destroy() can be
      // re-emitted by the socket after the response detached from it, with no listener left)
      request?.destroy();
    };
    const onCallerAbort = () => { abort(abortedError(signal)); };
    signal?.addEventListener('abort', onCallerAbort, { once: true });
    const timer = setTimeout(
      () => { abort(new TimeoutError(`Upstream ${url} did not answer within ${options.timeoutMs} ms.`, { context: { url } })); },
      options.timeoutMs,
    );
    const touch = () => {
      timer.refresh();
    };
    const done = (finished = false) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onCallerAbort);
      if (aborted || !message) {
        if (!aborted) abort(RELEASED);
        return;
      }
      const body = message;
      if (!body.complete && !(finished && !body.destroyed)) {
        abort(RELEASED);
        return;
      }
      // drain what the caller left unread so the socket returns to the pool (at most DRAIN_MS for an unfinished body);
      // read() rather than resume(): an abandoned async iterator's 'readable' listener would keep the stream paused
      if (body.readableEnded) return;
      if (!body.complete) {
        const drainTimer = setTimeout(() => { abort(RELEASED); }, Math.min(DRAIN_MS, options.timeoutMs));
        drainTimer.unref();
        body.once('close', () => { clearTimeout(drainTimer); });
      }
      const drain = () => {
        while (body.read() !== null) {
          // discard
        }
      };
      body.on('readable', drain);
      drain();
    };
    const failure = (error: unknown): Error => {
      if (aborted && abortReason instanceof TimeoutError) return abortReason;
      if (error instanceof BackendError || error instanceof TimeoutError) return error;
      return new BackendError(`Upstream ${url} closed the connection mid-response (${describe(error)}).`, {
        url,
        status: 502,
        retryable: false,
        code: 'upstream_disconnected',
        cause: error,
      });
    };

    /** One request/response exchange of this attempt (the abort and timer above apply to it). */
    const exchange = (to: URL, method: string, sent: Record<string, string | number>, body: Buffer | undefined) =>
      new Promise<IncomingMessage>((resolve, reject) => {
        const agent = options.agent && (options.agent as { protocol?: string }).protocol === to.protocol ? options.agent : undefined;
        const call = (to.protocol === 'https:' ? httpsRequest : httpRequest)(to, { method, headers: sent, ...(agent ? { agent } : {}) }, resolve);
        request = call;
        call.on('error', (error) => {
          if (message) return; // after the response, errors reach the caller through the body stream
          reject(abortReason !== undefined && abortReason !== RELEASED ? abortReason : error);
        });
        if (aborted) call.destroy();
        else call.end(body);
      });

    let retryDelay: number | undefined;
    let lastError: BackendError;
    try {
      let current = target;
      let method: string = options.method;
      let body = payload;
      let sent = headers;
      for (let hops = 0; ; hops += 1) {
        const next = await exchange(current, method, sent, body);
        const location = REDIRECTS.has(next.statusCode ?? 0) ? next.headers.location : undefined;
        if (location === undefined) {
          message = next;
          break;
        }
        // follow redirects like fetch did: same method and body for 307/308, GET without a body for 303 (and 301/302 after a POST)
        next.resume();
        if (hops >= MAX_REDIRECTS) throw new Error(`more than ${MAX_REDIRECTS} redirects`);
        const to = new URL(location, current);
        const status = next.statusCode ?? 0;
        // A 307/308 re-sends the body: a request's conversation (PHI) never follows one to another origin
        // (another host, port or scheme: a compromised upstream, or anyone on a plain-http path, could
        // otherwise collect every prompt). Same-origin moves are followed.
        if (body !== undefined && (status === 307 || status === 308) && to.origin !== current.origin) {
          throw new BackendError(`Upstream ${url} redirected a request with a body to another origin (${to.origin}); not followed.`, {
            url,
            status: 502,
            retryable: false,
            code: 'upstream_redirected',
            fix: `Point the backend URI at the final address (${to.origin}) if it is the model server.`,
          });
        }
        const sent2: Record<string, string | number> = { ...sent };
        if ((status === 303 && method !== 'GET' && method !== 'HEAD') || ((status === 301 || status === 302) && method === 'POST')) {
          method = 'GET';
          body = undefined;
          delete sent2['content-type'];
          delete sent2['content-length'];
        }
        if (to.origin !== current.origin) delete sent2.authorization;
        sent = sent2;
        current = to;
      }
      const response = toUpstreamResponse(message);
      if (response.status >= 200 && response.status < 300) return { response, touch, failure, done };
      const details = await upstreamErrorDetails(response, message.statusMessage);
      retryDelay = parseRetryAfter(response.headers);
      lastError = statusError(url, response.status, details, retryDelay);
      done();
      if (!isRetryableStatus(response.status)) throw lastError;
    } catch (error) {
      done();
      if (error instanceof BackendError && !error.retryable) throw error;
      if (abortReason instanceof TimeoutError) throw abortReason;
      if (error instanceof BackendError) lastError = error;
      else {
        lastError = connectionError(url, error);
        if (!lastError.retryable) throw lastError;
      }
    }
    if (attempt >= options.maxRetries) throw lastError;
    if (retryDelay !== undefined && retryDelay > (options.maxRetryAfterMs ?? maxRetryDelayMs)) throw lastError;
    const backoff = Math.min(maxRetryDelayMs, 500 * 2 ** attempt * (0.75 + options.random() * 0.5));
    const delay = Math.min(maxRetryDelayMs, retryDelay ?? backoff);
    options.logger?.warn('upstream request failed; retrying', {
      url,
      status: lastError.status,
      attempt: attempt + 1,
      delayMs: Math.round(delay),
      requestId: options.requestId,
    });
    await options.sleep(delay, signal);
  }
}

function describe(error: unknown): string {
  const own = (error as { code?: unknown }).code;
  if (typeof own === 'string') return own;
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}

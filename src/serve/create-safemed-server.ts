import { createHash, timingSafeEqual } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { AuditTrail } from '../audit/audit-trail.js';
import { createAuditWriter, type AuditDurability, type AuditWriter, type TextRedactor } from '../audit/create-audit-writer.js';
import type { Backend } from '../core/backend.js';
import { DEFAULT_HOST, DEFAULT_PORT } from '../core/defaults.js';
import { createIdSource, systemClock, type Clock, type IdSource } from '../core/ids.js';
import { silentLogger, type Logger } from '../core/logger.js';
import { redactIdentifier, redactPhi } from '../guard/redact-phi.js';
import { clientError, toErrorResponse } from './error-response.js';
import { HEALTHY, watchAuditHealth } from './watch-audit-health.js';
import { handleChatCompletion, type ChatHandlerContext, type ChatOutcome } from './handle-chat-completion.js';
import { createWriteWatch } from './create-write-watch.js';
import { requestTarget } from './request-target.js';
import { createModelsRoute, MODEL_ROUTE, routeKeyOf } from './models-route.js';
import { DEFAULT_MAX_JSON_DEPTH, DEFAULT_MAX_JSON_MEMBERS, isJsonContentType } from './read-json-body.js';
import { createServerMetrics, type ServerMetrics } from './server-metrics.js';

export interface SafemedServerOptions {
  /** The backend to serve (possibly already wrapped by withModelCardDefaults and the guard). */
  backend: Backend;
  servedModelName: string;
  /** Keys accepted as `Authorization: Bearer <key>` on /v1/*; none = open server. */
  apiKeys?: string[];
  reasoningField?: 'reasoning_content' | 'reasoning';
  /** Largest accepted request body (default 1 MiB). */
  bodyLimitBytes?: number;
  /** Per-request time limit, including the whole stream (default 600 s). */
  requestTimeoutMs?: number;
  /** The request line and headers must arrive within this (default 10 s; 408 otherwise). */
  headerTimeoutMs?: number;
  /** The body must arrive within this after the headers (default 30 s; 408 otherwise). */
  bodyTimeoutMs?: number;
  /** Open connections accepted at once; beyond it new ones are closed at once (default 1024). */
  maxConnections?: number;
  /** Deepest JSON nesting accepted in a request body (default 64). */
  maxJsonDepth?: number;
  /** A client whose waiting bytes have not gone down for this long is disconnected (default 60 s). */
  writeTimeoutMs?: number;
  /** Most members one object of a request body may have (default 10,000; 400 json_too_many_members). */
  maxJsonMembers?: number;
  /** Largest answer + reasoning taken from the backend, in characters (default 4 Mi); beyond it → 502. */
  maxAnswerChars?: number;
  /**
   * Streaming: tokens arriving faster than this window are written together (default 5 ms; 0 = every
   * token in its own write). The first token is never delayed; slower models are unaffected.
   */
  streamCoalesceMs?: number;
  /** How long close() lets in-flight requests finish before aborting them (default 10 s). */
  shutdownGraceMs?: number;
  host?: string;
  port?: number;
  logger?: Logger;
  /**
   * The audit trail: an AuditWriter (e.g. createAuditWorker: redaction and commits in a worker thread),
   * or an AuditTrail written from this thread (group commit, `redact` / `createRedactor` applied here).
   */
  audit?: AuditTrail | AuditWriter;
  /** With an AuditTrail: one redactor per exchange (per-request memory, e.g. createPhiRedactor). */
  createRedactor?: () => TextRedactor;
  /** With an AuditTrail: a stateless redactor applied to record texts (used when createRedactor is absent). */
  redact?: TextRedactor;
  /** With an AuditTrail: when a record counts as written (default `full`, fsynced); see AuditWriterOptions. */
  auditDurability?: AuditDurability;
  ids?: IdSource;
  clock?: Clock;
  metrics?: ServerMetrics;
  /** Extra routes mounted by the CLI (e.g. the web console under /console); see ExtraRoute. */
  extraRoutes?: ExtraRoute[];
}

/**
 * Routes under a path prefix served by another part (the CLI mounts the console here). They are tried
 * before the API-key check, so they decide themselves what needs a key (`authorized` says whether the
 * request carried a valid one); errors they throw are mapped like the server's own.
 */
export interface ExtraRoute {
  /** e.g. '/console': the prefix itself and everything below it. */
  prefix: string;
  /** Serves the request and returns the HTTP status sent. */
  handle(request: IncomingMessage, response: ServerResponse, context: { path: string; requestId: string; authorized: boolean; signal: AbortSignal }): Promise<number>;
}

export interface SafemedServer {
  listen(): Promise<{ url: string; port: number }>;
  /** Stops accepting, lets in-flight requests finish (bounded by shutdownGraceMs), then closes. */
  close(): Promise<void>;
  readonly metrics: ServerMetrics;
}

/** A client's x-request-id is kept (as a separate, redacted audit field) only when it looks like an id. */
const CLIENT_REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;
const ROUTES: Record<string, string> = {
  '/v1/chat/completions': 'POST',
  '/v1/models': 'GET',
  [MODEL_ROUTE]: 'GET',
  '/health': 'GET',
  '/metrics': 'GET',
};
/** Served without an API key. */
const PUBLIC_PATHS = new Set(['/health', '/metrics']);
const WWW_AUTHENTICATE = 'Bearer realm="safemed"';
/** Label for requests the HTTP parser refused before they reached a route. */
const PROTOCOL_ROUTE = 'protocol_error';

function hashKey(key: string): Buffer {
  return createHash('sha256').update(key).digest();
}

function isAuditWriter(audit: AuditTrail | AuditWriter): audit is AuditWriter {
  return 'begin' in audit;
}

/** 127.0.0.0/8, ::1 (IPv4-mapped too) and localhost: the addresses only this machine can reach. */
function isLoopbackName(name: string): boolean {
  const host = name.toLowerCase().replace(/\.$/, '');
  if (host === 'localhost' || host.endsWith('.localhost') || host === '::1' || host === '[::1]') return true;
  const bare = host.startsWith('[::ffff:') && host.endsWith(']') ? host.slice(8, -1) : host;
  return /^127(?:\.\d{1,3}){3}$/.test(bare);
}

/** A Host header's name without its port: `localhost:8000` → `localhost`, `[::1]:8000` → `[::1]`. */
function hostName(header: string): string {
  if (header.startsWith('[')) {
    const end = header.indexOf(']');
    return end === -1 ? header : header.slice(0, end + 1);
  }
  const colon = header.indexOf(':');
  return colon === -1 ? header : header.slice(0, colon);
}

/** Status, code and message for an error the HTTP parser raised before any route ran. */
function protocolError(error: NodeJS.ErrnoException): { status: number; code: string; message: string } {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, code: 'headers_too_large', message: 'The request headers are too large.' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, code: 'request_timeout', message: 'The request did not arrive in time (--header-timeout / --body-timeout).' };
    case 'HPE_INVALID_METHOD':
      return { status: 400, code: 'invalid_method', message: 'The request method is not valid HTTP.' };
    case 'HPE_INVALID_CONTENT_LENGTH':
    case 'HPE_UNEXPECTED_CONTENT_LENGTH':
      return { status: 400, code: 'invalid_content_length', message: 'The Content-Length header is not valid.' };
    case 'HPE_INVALID_CHUNK_SIZE':
    case 'HPE_INVALID_TRANSFER_ENCODING':
      return { status: 400, code: 'invalid_chunked_encoding', message: 'The chunked body framing is not valid.' };
    default:
      return { status: 400, code: 'bad_request', message: 'The request is not valid HTTP.' };
  }
}

/** The OpenAI-compatible SafeMed server on node:http (no framework: it must add well under 1 ms). */
export function createSafemedServer(options: SafemedServerOptions): SafemedServer {
  const logger = options.logger ?? silentLogger;
  const ids = options.ids ?? createIdSource();
  const clock = options.clock ?? systemClock;
  const metrics = options.metrics ?? createServerMetrics();
  const keyHashes = (options.apiKeys ?? []).filter((key) => key !== '').map(hashKey);
  const shutdown = new AbortController();
  // Every in-flight chat request listens for the shutdown (50 at once is normal, not a leak).
  setMaxListeners(0, shutdown.signal);
  const shutdownGraceMs = options.shutdownGraceMs ?? 10_000;
  // Whole milliseconds: node:http refuses a fractional headersTimeout (`--header-timeout 1.005` is 1004.99… ms).
  const headerTimeoutMs = Math.max(1, Math.round(options.headerTimeoutMs ?? 10_000));
  const bodyTimeoutMs = Math.max(1, Math.round(options.bodyTimeoutMs ?? 30_000));
  const writeWatch = createWriteWatch(options.writeTimeoutMs ?? 60_000, (response) => {
    const requestId = response.getHeader('x-request-id');
    metrics.error('client_stopped_reading');
    logger.warn('client stopped reading; connection closed (--write-timeout)', { ...(typeof requestId === 'string' ? { requestId } : {}) });
  });
  const created = Math.floor(clock.now() / 1000);
  const models = createModelsRoute(options.servedModelName, options.backend.modelId, created);
  let audit: AuditWriter | undefined;
  if (options.audit) {
    if (isAuditWriter(options.audit)) audit = options.audit;
    else {
      const redact = options.redact;
      const createRedactor = options.createRedactor ?? (redact ? () => redact : undefined);
      audit = createAuditWriter(options.audit, { ...(createRedactor ? { createRedactor } : {}), ...(options.auditDurability ? { durability: options.auditDurability } : {}) });
    }
  }
  const watched = audit && watchAuditHealth(audit, logger);
  const chatContext: ChatHandlerContext = {
    backend: options.backend,
    servedModelName: options.servedModelName,
    reasoningField: options.reasoningField ?? 'reasoning_content',
    bodyLimitBytes: options.bodyLimitBytes ?? 1024 * 1024,
    bodyTimeoutMs,
    maxJsonDepth: options.maxJsonDepth ?? DEFAULT_MAX_JSON_DEPTH,
    maxJsonMembers: options.maxJsonMembers ?? DEFAULT_MAX_JSON_MEMBERS,
    maxAnswerChars: options.maxAnswerChars ?? 4 * 1024 * 1024,
    requestTimeoutMs: options.requestTimeoutMs ?? 600_000,
    audit: watched?.writer,
    metrics,
    clock,
    shutdownSignal: shutdown.signal,
    streamCoalesceMs: options.streamCoalesceMs ?? 5,
    writeWatch,
  };
  const extraRoutes = options.extraRoutes ?? [];
  const extraRouteFor = (path: string): ExtraRoute | undefined =>
    extraRoutes.find((extra) => path === extra.prefix || path.startsWith(`${extra.prefix}/`));
  /** The metrics and log label of a path: a known route, an extra route's prefix, or `unknown` (bounded label values). */
  const routeLabelOf = (path: string): string => (ROUTES[routeKeyOf(path)] === undefined ? (extraRouteFor(path)?.prefix ?? 'unknown') : routeKeyOf(path));
  // DNS rebinding: a web page whose name the attacker points at 127.0.0.1 is "same origin" with a
  // key-less local server, so the 415 check does not stop it. Such a server answers only requests that
  // name this machine in their Host header (non-browser clients and proxies on this machine do).
  const checkHost = keyHashes.length === 0 && isLoopbackName(options.host ?? DEFAULT_HOST);
  let allowedHost = '';
  const hostAllowed = (request: IncomingMessage): boolean => {
    const header = requestTarget(request.url).authority ?? request.headers.host;
    if (header === undefined || header === allowedHost) return true;
    if (!isLoopbackName(hostName(header))) return false;
    allowedHost = header;
    return true;
  };
  let inFlight = 0;
  let closing = false;
  let idle: (() => void) | undefined;

  const authorized = (request: IncomingMessage): boolean => {
    if (keyHashes.length === 0) return true;
    const header = request.headers.authorization;
    if (typeof header !== 'string') return false;
    const token = /^bearer[ \t]+(\S.*)$/i.exec(header.trim())?.[1];
    if (token === undefined) return false;
    const offered = hashKey(token.trim());
    let found = false;
    for (const key of keyHashes) found = timingSafeEqual(offered, key) || found;
    return found;
  };

  const route = async (
    request: IncomingMessage,
    response: ServerResponse,
    path: string,
    requestId: string,
    clientRequestId: string | null,
    receivedAt: number,
  ): Promise<ChatOutcome | number> => {
    if (expectationFailed.has(request)) throw clientError(417, 'expectation_failed', 'The only Expect this server meets is "100-continue".');
    if (checkHost && !hostAllowed(request)) {
      throw clientError(
        403,
        'host_not_allowed',
        'This server has no API key and listens on a loopback address, so it answers only requests for localhost or 127.0.0.1 (a guard against DNS rebinding); set --api-key to serve other host names.',
      );
    }
    const extra = extraRouteFor(path);
    if (extra) return extra.handle(request, response, { path, requestId, authorized: authorized(request), signal: shutdown.signal });
    // The key is checked before anything about routes is revealed (404/405).
    if (!PUBLIC_PATHS.has(path) && !authorized(request)) {
      response.setHeader('www-authenticate', WWW_AUTHENTICATE);
      throw clientError(401, 'invalid_api_key', 'Missing or invalid API key: send "Authorization: Bearer <key>".');
    }
    const routeKey = routeKeyOf(path);
    const method = ROUTES[routeKey];
    if (method === undefined) throw clientError(404, 'not_found', 'Unknown route.');
    if (request.method !== method && !(method === 'GET' && request.method === 'HEAD')) {
      response.setHeader('allow', method === 'GET' ? 'GET, HEAD' : method);
      throw clientError(405, 'method_not_allowed', `This method is not allowed here; use ${method}.`);
    }
    if (path === '/v1/chat/completions') return handleChatCompletion(chatContext, request, response, requestId, clientRequestId, receivedAt);
    if (path === '/v1/models' || routeKey === MODEL_ROUTE) return models.answer(path, response);
    if (path === '/health') {
      const health = watched?.health() ?? HEALTHY;
      response.writeHead(health.status, health.headers);
      response.end(health.body);
      return health.status;
    }
    const text = metrics.render();
    response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'content-length': Buffer.byteLength(text) });
    response.end(text);
    return 200;
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const receivedAt = clock.now();
    const started = performance.now();
    const requestId = ids.requestId();
    const offeredId = request.headers['x-request-id'];
    // Redacted once here, for the log line and the audit record: `robert.brown-1963-07-22` is an id too.
    const clientRequestId = typeof offeredId === 'string' && CLIENT_REQUEST_ID_PATTERN.test(offeredId) ? redactIdentifier(offeredId) : null;
    response.setHeader('x-request-id', requestId);
    if (closing) response.setHeader('connection', 'close');
    const { path } = requestTarget(request.url);
    const routeLabel = routeLabelOf(path);
    inFlight += 1;
    metrics.requestStarted();
    let outcome: ChatOutcome;
    try {
      const result = await route(request, response, path, requestId, clientRequestId, receivedAt);
      outcome = typeof result === 'number' ? { status: result, promptTokens: 0, completionTokens: 0, errorType: undefined } : result;
    } catch (error) {
      const mapped = toErrorResponse(error);
      outcome = { status: mapped.status, promptTokens: 0, completionTokens: 0, errorType: mapped.body.error.type, ...(mapped.status >= 500 ? { cause: String(error) } : {}) };
      if (mapped.status === 499 || response.destroyed || request.socket.destroyed) {
        if (!response.destroyed) response.destroy();
      } else if (!response.headersSent) {
        const text = JSON.stringify(mapped.body);
        // An unread body (413, 415...) is drained by node:http when small; a large, unknown or late one
        // closes the connection after the answer instead.
        const declared = Number(request.headers['content-length']);
        const close = mapped.status === 408 || (!request.complete && !(declared <= chatContext.bodyLimitBytes * 2));
        response.writeHead(mapped.status, {
          ...mapped.headers,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(text),
          ...(close ? { connection: 'close' } : {}),
        });
        response.end(text);
      } else if (!response.writableEnded) {
        response.destroy();
      }
    }
    const seconds = (performance.now() - started) / 1000;
    metrics.requestFinished(routeLabel, outcome.status, seconds);
    if (outcome.promptTokens || outcome.completionTokens) metrics.tokens(outcome.promptTokens, outcome.completionTokens);
    if (outcome.errorType !== undefined) metrics.error(outcome.errorType);
    // The cause of every real 5xx is logged (upstream details stay here, PHI redacted, never in the response).
    if (outcome.status >= 500) logger.error('request failed', { requestId, route: routeLabel, status: outcome.status, cause: redactPhi((outcome.cause ?? 'unknown').slice(0, 1000)) });
    logger.info('request', {
      requestId,
      ...(clientRequestId === null ? {} : { clientRequestId }),
      method: request.method,
      route: routeLabel,
      status: outcome.status,
      latencyMs: Math.round(seconds * 100_000) / 100,
      promptTokens: outcome.promptTokens,
      completionTokens: outcome.completionTokens,
      ...(outcome.guard === undefined ? {} : { guard: outcome.guard }),
      ...(outcome.status === 499 ? { note: 'client closed the connection' } : {}),
    });
    // An answer the client has not taken yet (it may never read it) is watched until it is flushed.
    if (!response.destroyed && !response.writableFinished && response.writableLength > 0) writeWatch.track(response);
    inFlight -= 1;
    if (inFlight === 0 && idle) idle();
  };

  // Pipelined requests on one connection run one after the other (their answers go out in order anyway):
  // node:http hands them all over at once, so one connection pipelining 200 small requests made 200
  // model calls at the same time, past --max-connections. A waiting request's body stays in the socket.
  const previousOnSocket = new WeakMap<Socket, Promise<void>>();
  // A pipelined request whose connection closed before its turn is counted, never read (its body would
  // only end with the --body-timeout).
  const abandoned = (request: IncomingMessage): void => {
    const { path } = requestTarget(request.url);
    const routeLabel = routeLabelOf(path);
    metrics.requestStarted();
    metrics.requestFinished(routeLabel, 499, 0);
    metrics.error('client_closed_request');
    logger.info('request', { method: request.method, route: routeLabel, status: 499, note: 'client closed the connection before this pipelined request was served' });
  };
  function onRequest(request: IncomingMessage, response: ServerResponse): void {
    const socket = request.socket;
    const previous = previousOnSocket.get(socket);
    const turn = previous ? previous.then(() => { if (socket.destroyed) abandoned(request); else return handle(request, response); }) : handle(request, response);
    const run = turn.catch((error: unknown) => {
      logger.error('unhandled request failure', { error: redactPhi(String(error).slice(0, 1000)) });
      if (!response.destroyed) response.destroy();
    });
    previousOnSocket.set(socket, run);
    void run.then(() => {
      if (previousOnSocket.get(socket) === run) previousOnSocket.delete(socket);
    });
  }
  const continueWanted = (request: IncomingMessage): boolean => {
    const { path } = requestTarget(request.url);
    if (checkHost && !hostAllowed(request)) return false;
    if (extraRouteFor(path)) return true;
    const declared = Number(request.headers['content-length']);
    return (
      path === '/v1/chat/completions' &&
      request.method === 'POST' &&
      authorized(request) &&
      isJsonContentType(request.headers['content-type']) &&
      !(declared > chatContext.bodyLimitBytes)
    );
  };

  const server = createServer(
    {
      keepAliveTimeout: 65_000,
      headersTimeout: headerTimeoutMs,
      requestTimeout: headerTimeoutMs + bodyTimeoutMs + 5_000,
      connectionsCheckingInterval: Math.min(1_000, headerTimeoutMs),
    },
    onRequest,
  );
  server.maxConnections = options.maxConnections ?? 1024;
  // Connections idling between keep-alive requests count against the cap for up to 65 s: --max-connections
  // idle ones (one cheap request each) shut everyone else out. At the cap, idle ones are closed (as nginx
  // reuses its keep-alive connections); a client that comes back opens a new one.
  let open = 0;
  server.on('connection', (socket: Socket) => {
    open += 1;
    socket.once('close', () => { open -= 1; });
    if (open >= server.maxConnections) server.closeIdleConnections();
  });
  server.on('drop', () => { server.closeIdleConnections(); });
  // `Expect: 100-continue`: the client waits for a go-ahead before sending its body. Give it only to a
  // request that will read one (authorised, JSON, within the limit); any other gets its final answer
  // at once, and the connection is closed after it (the client still holds a body it may or may not send).
  // Any other Expect value: node:http answered a bare 417 itself (no JSON, no log line, not counted).
  const expectationFailed = new WeakSet<IncomingMessage>();
  server.on('checkExpectation', (request: IncomingMessage, response: ServerResponse) => {
    expectationFailed.add(request);
    response.setHeader('connection', 'close');
    onRequest(request, response);
  });
  server.on('checkContinue', (request: IncomingMessage, response: ServerResponse) => {
    if (continueWanted(request)) response.writeContinue();
    else response.setHeader('connection', 'close');
    onRequest(request, response);
  });
  // CONNECT (a proxy tunnel) never reaches the request handler: without a listener node:http dropped the
  // socket without a word. It gets a JSON 405 like any other wrong method.
  server.on('connect', (request: IncomingMessage, socket: Socket) => {
    metrics.requestStarted();
    metrics.requestFinished('unknown', 405, 0);
    metrics.error('invalid_request_error');
    logger.info('request', { method: request.method, route: 'unknown', status: 405 });
    const body = JSON.stringify({ error: { message: 'This server is not a proxy: CONNECT is not allowed.', type: 'invalid_request_error', param: null, code: 'method_not_allowed' } });
    socket.on('error', () => undefined);
    socket.end(`HTTP/1.1 405 Method Not Allowed\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    const inProgress = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
    if (error.code === 'ECONNRESET' || !socket.writable || (inProgress && inProgress.headersSent)) {
      socket.destroy();
      return;
    }
    const mapped = protocolError(error);
    // Counted as started too: requestFinished alone drove safemed_requests_in_flight below zero for good.
    metrics.requestStarted();
    metrics.requestFinished(PROTOCOL_ROUTE, mapped.status, 0);
    metrics.error('invalid_request_error');
    logger.info('request', { route: PROTOCOL_ROUTE, status: mapped.status, code: mapped.code });
    const body = JSON.stringify({ error: { message: mapped.message, type: 'invalid_request_error', param: null, code: mapped.code } });
    const reason = mapped.status === 431 ? 'Request Header Fields Too Large' : mapped.status === 408 ? 'Request Timeout' : 'Bad Request';
    socket.end(
      `HTTP/1.1 ${mapped.status} ${reason}\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  });

  return {
    metrics,
    listen: () =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.port ?? DEFAULT_PORT, options.host ?? DEFAULT_HOST, () => {
          server.off('error', reject);
          const address = server.address() as AddressInfo;
          const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
          resolve({ url: `http://${host}:${address.port}`, port: address.port });
        });
      }),
    close: async () => {
      if (closing) return;
      closing = true;
      const closed = new Promise<void>((resolve) => server.close(() => { resolve(); }));
      server.closeIdleConnections();
      if (inFlight > 0) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          new Promise<void>((resolve) => {
            idle = resolve;
          }),
          new Promise<void>((resolve) => {
            timer = setTimeout(resolve, shutdownGraceMs);
          }),
        ]);
        clearTimeout(timer);
        if (inFlight > 0) {
          logger.warn('shutdown grace period over; aborting in-flight requests', { inFlight });
          shutdown.abort();
          let fallback: NodeJS.Timeout | undefined;
          await new Promise<void>((resolve) => {
            idle = resolve;
            if (inFlight === 0) resolve();
            fallback = setTimeout(resolve, 1000);
          });
          clearTimeout(fallback);
        }
      }
      server.closeAllConnections();
      writeWatch.close();
      await closed;
      // A writer this server created is closed here; one passed in belongs to the caller.
      if (audit && options.audit && !isAuditWriter(options.audit)) await audit.close();
    },
  };
}

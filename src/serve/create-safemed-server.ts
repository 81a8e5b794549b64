import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AuditTrail } from '../audit/audit-trail.js';
import type { Backend } from '../core/backend.js';
import { DEFAULT_HOST, DEFAULT_PORT } from '../core/defaults.js';
import { createIdSource, systemClock, type Clock, type IdSource } from '../core/ids.js';
import { silentLogger, type Logger } from '../core/logger.js';
import { createAuditQueue } from './create-audit-queue.js';
import { clientError, toErrorResponse } from './error-response.js';
import { handleChatCompletion, type ChatHandlerContext, type ChatOutcome } from './handle-chat-completion.js';
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
  audit?: AuditTrail;
  /** Applied to texts before they reach the audit trail (the guard's redactPhi); default identity. */
  redact?: (text: string) => string;
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

const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:\-]{1,128}$/;
const ROUTES: Record<string, string> = {
  '/v1/chat/completions': 'POST',
  '/v1/models': 'GET',
  '/health': 'GET',
  '/metrics': 'GET',
};

function hashKey(key: string): Buffer {
  return createHash('sha256').update(key).digest();
}

/** The OpenAI-compatible SafeMed server on node:http (no framework: it must add well under 1 ms). */
export function createSafemedServer(options: SafemedServerOptions): SafemedServer {
  const logger = options.logger ?? silentLogger;
  const ids = options.ids ?? createIdSource();
  const clock = options.clock ?? systemClock;
  const metrics = options.metrics ?? createServerMetrics();
  const keyHashes = (options.apiKeys ?? []).filter((key) => key !== '').map(hashKey);
  const shutdown = new AbortController();
  const shutdownGraceMs = options.shutdownGraceMs ?? 10_000;
  const created = Math.floor(clock.now() / 1000);
  const modelsBody = JSON.stringify({
    object: 'list',
    data: [{ id: options.servedModelName, object: 'model', created, owned_by: 'safemed', root: options.backend.modelId }],
  });
  const chatContext: ChatHandlerContext = {
    backend: options.backend,
    servedModelName: options.servedModelName,
    reasoningField: options.reasoningField ?? 'reasoning_content',
    bodyLimitBytes: options.bodyLimitBytes ?? 1024 * 1024,
    requestTimeoutMs: options.requestTimeoutMs ?? 600_000,
    audit: options.audit ? createAuditQueue(options.audit) : undefined,
    redact: options.redact,
    metrics,
    clock,
    shutdownSignal: shutdown.signal,
    streamCoalesceMs: options.streamCoalesceMs ?? 5,
  };
  const extraRoutes = options.extraRoutes ?? [];
  const extraRouteFor = (path: string): ExtraRoute | undefined =>
    extraRoutes.find((extra) => path === extra.prefix || path.startsWith(`${extra.prefix}/`));
  let inFlight = 0;
  let closing = false;
  let idle: (() => void) | undefined;

  const authorized = (request: IncomingMessage): boolean => {
    if (keyHashes.length === 0) return true;
    const header = request.headers.authorization;
    if (typeof header !== 'string' || !header.startsWith('Bearer ')) return false;
    const offered = hashKey(header.slice(7).trim());
    let match = false;
    for (const key of keyHashes) match = timingSafeEqual(offered, key) || match;
    return match;
  };

  const route = async (request: IncomingMessage, response: ServerResponse, path: string, requestId: string, receivedAt: number): Promise<ChatOutcome | number> => {
    const extra = extraRouteFor(path);
    if (extra) return extra.handle(request, response, { path, requestId, authorized: authorized(request), signal: shutdown.signal });
    const method = ROUTES[path];
    if (method === undefined) throw clientError(404, 'not_found', `Unknown route ${request.method} ${path}.`);
    if (request.method !== method && !(method === 'GET' && request.method === 'HEAD')) {
      response.setHeader('allow', method === 'GET' ? 'GET, HEAD' : method);
      throw clientError(405, 'method_not_allowed', `${request.method} is not allowed on ${path}; use ${method}.`);
    }
    if (path.startsWith('/v1/') && !authorized(request)) {
      throw clientError(401, 'invalid_api_key', 'Missing or invalid API key: send "Authorization: Bearer <key>".');
    }
    if (path === '/v1/chat/completions') return handleChatCompletion(chatContext, request, response, requestId, receivedAt);
    if (path === '/v1/models') {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(modelsBody) });
      response.end(modelsBody);
      return 200;
    }
    if (path === '/health') {
      response.writeHead(200, { 'content-length': 0 });
      response.end();
      return 200;
    }
    const text = metrics.render();
    response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'content-length': Buffer.byteLength(text) });
    response.end(text);
    return 200;
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const receivedAt = clock.now();
    const started = performance.now();
    const offeredId = request.headers['x-request-id'];
    const requestId = typeof offeredId === 'string' && REQUEST_ID_PATTERN.test(offeredId) ? offeredId : ids.requestId();
    response.setHeader('x-request-id', requestId);
    if (closing) response.setHeader('connection', 'close');
    const url = request.url ?? '/';
    const query = url.indexOf('?');
    const path = query === -1 ? url : url.slice(0, query);
    const routeLabel = ROUTES[path] === undefined ? (extraRouteFor(path)?.prefix ?? 'unknown') : path;
    inFlight += 1;
    metrics.requestStarted();
    let outcome: ChatOutcome;
    try {
      const result = await route(request, response, path, requestId, receivedAt);
      outcome = typeof result === 'number' ? { status: result, promptTokens: 0, completionTokens: 0, errorType: undefined } : result;
    } catch (error) {
      const mapped = toErrorResponse(error);
      outcome = { status: mapped.status, promptTokens: 0, completionTokens: 0, errorType: mapped.body.error.type };
      if (mapped.status >= 500) logger.error('request failed', { requestId, route: routeLabel, error: mapped.body.error.message });
      if (!response.headersSent && !response.destroyed) {
        const text = JSON.stringify(mapped.body);
        response.writeHead(mapped.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
        response.end(text);
      } else if (!response.writableEnded) {
        response.destroy();
      }
    }
    const seconds = (performance.now() - started) / 1000;
    metrics.requestFinished(routeLabel, outcome.status, seconds);
    if (outcome.promptTokens || outcome.completionTokens) metrics.tokens(outcome.promptTokens, outcome.completionTokens);
    if (outcome.errorType !== undefined) metrics.error(outcome.errorType);
    logger.info('request', {
      requestId,
      method: request.method,
      route: routeLabel,
      status: outcome.status,
      latencyMs: Math.round(seconds * 100_000) / 100,
      promptTokens: outcome.promptTokens,
      completionTokens: outcome.completionTokens,
    });
    inFlight -= 1;
    if (inFlight === 0 && idle) idle();
  };

  const server = createServer({ keepAliveTimeout: 65_000 }, (request, response) => {
    handle(request, response).catch((error: unknown) => {
      logger.error('unhandled request failure', { error: String(error) });
      if (!response.destroyed) response.destroy();
    });
  });
  server.on('clientError', (error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    else socket.destroy(error);
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
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
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
          await new Promise<void>((resolve) => {
            idle = resolve;
            if (inFlight === 0) resolve();
            setTimeout(resolve, 1000).unref();
          });
        }
      }
      server.closeAllConnections();
      await closed;
    },
  };
}

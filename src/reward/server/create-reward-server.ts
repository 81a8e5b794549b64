/**
 * `safemed reward serve`: the reward as an HTTP server on node:http, for RL trainers.
 *   POST /get_reward   OpenRLHF remote reward: {query, prompts?, labels?} → {rewards, scores, extra_logs}
 *   POST /v1/reward    generic: {items: [{prompt | messages, response, label?, kind?}]} → {results: [...]}
 *   GET  /health       200 (empty body), GET /metrics (Prometheus text)
 * The HTTP edge (JSON body reading with a size limit, error → OpenAI-style JSON, request metrics) is the
 * main server's, injected by the CLI (src/reward may not import src/serve). API keys guard the two POST
 * routes: `Authorization: Bearer <key>` or `?api_key=<key>` (OpenRLHF sends no headers, so put the key in
 * its URL). Shutdown stops accepting, lets in-flight batches finish within the grace period, then aborts them.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InvalidRequestError } from '../../core/errors.js';
import { silentLogger, type Logger } from '../../core/logger.js';
import { createIdSource, type IdSource } from '../../core/ids.js';
import { REWARD_COMPONENTS, type ComponentScore, type RewardItem, type RewardResult } from '../reward-types.js';
import type { RewardScorer } from '../create-reward-scorer.js';
import { parseGenericRequest, parseOpenRlhfRequest } from './reward-requests.js';

/** The HTTP edge helpers of src/serve, injected (same shapes as readJsonBody, toErrorResponse, createServerMetrics). */
export interface RewardHttpEdge {
  readJsonBody(request: IncomingMessage, limitBytes: number): Promise<unknown>;
  toErrorResponse(error: unknown): { status: number; body: { error: { message: string; type: string; param: string | null; code: string | null } } };
  metrics: { requestStarted(): void; requestFinished(route: string, status: number, seconds: number): void; error(type: string): void; render(): string };
}

export interface RewardServerOptions {
  scorer: RewardScorer;
  edge: RewardHttpEdge;
  apiKeys?: string[];
  host?: string;
  port?: number;
  /** Largest request body (default 64 MiB: a 4,096-item batch of long rollouts). */
  bodyLimitBytes?: number;
  /** Time limit of one request (default 170 s, under OpenRLHF's 180 s). */
  requestTimeoutMs?: number;
  shutdownGraceMs?: number;
  logger?: Logger;
  ids?: IdSource;
}

export interface RewardServer {
  listen(): Promise<{ url: string; port: number }>;
  close(): Promise<void>;
}

const ROUTES: Record<string, 'GET' | 'POST'> = { '/get_reward': 'POST', '/v1/reward': 'POST', '/health': 'GET', '/metrics': 'GET' };

function hashKey(key: string): Buffer {
  return createHash('sha256').update(key).digest();
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

/** OpenRLHF's reply: rewards and scores = the total; extra_logs = each component (0 where it does not apply) and its mask. */
export function toOpenRlhfResponse(results: RewardResult[]): { rewards: number[]; scores: number[]; extra_logs: Record<string, number[]> } {
  const count = results.length;
  const column = () => new Array<number>(count);
  const values = { safety: column(), over_refusal: column(), format: column(), accuracy: column(), explanation: column() };
  const applied = { safety: column(), over_refusal: column(), format: column(), accuracy: column(), explanation: column() };
  const failures = column();
  const totals = column();
  // one pass over the results, each component by name (a loop over the names would look each up by key)
  const put = (index: number, name: keyof typeof values, score: ComponentScore) => {
    values[name][index] = round(score.value ?? 0);
    applied[name][index] = score.value === null ? 0 : 1;
  };
  for (let index = 0; index < count; index += 1) {
    const result = results[index] as RewardResult;
    const { components } = result;
    put(index, 'safety', components.safety);
    put(index, 'over_refusal', components.over_refusal);
    put(index, 'format', components.format);
    put(index, 'accuracy', components.accuracy);
    put(index, 'explanation', components.explanation);
    failures[index] = result.judgeFailures;
    totals[index] = round(result.total);
  }
  const extra: Record<string, number[]> = {};
  for (const name of REWARD_COMPONENTS) {
    extra[name] = values[name];
    extra[`${name}_applied`] = applied[name];
  }
  extra.judge_failures = failures;
  return { rewards: totals, scores: totals, extra_logs: extra };
}

export function toGenericResult(result: RewardResult) {
  const components: Record<string, number | null> = {};
  const sources: Record<string, string> = {};
  const details: Record<string, string> = {};
  for (const name of REWARD_COMPONENTS) {
    const score = result.components[name];
    components[name] = score.value === null ? null : round(score.value);
    sources[name] = score.source;
    if (score.detail !== undefined) details[name] = score.detail;
  }
  return { total: round(result.total), kind: result.kind, kind_source: result.kindSource, components, sources, details, judge_failures: result.judgeFailures, cache_hits: result.cacheHits };
}

export function createRewardServer(options: RewardServerOptions): RewardServer {
  const logger = options.logger ?? silentLogger;
  const ids = options.ids ?? createIdSource();
  const { edge, scorer } = options;
  const keyHashes = (options.apiKeys ?? []).filter((key) => key !== '').map(hashKey);
  const bodyLimit = options.bodyLimitBytes ?? 64 * 1024 * 1024;
  const requestTimeoutMs = options.requestTimeoutMs ?? 170_000;
  const shutdownGraceMs = options.shutdownGraceMs ?? 10_000;
  const shutdown = new AbortController();
  // one listener per request in flight
  setMaxListeners(0, shutdown.signal);
  let inFlight = 0;
  let closing = false;
  let idle: (() => void) | undefined;

  const authorized = (request: IncomingMessage, url: URL): boolean => {
    if (keyHashes.length === 0) return true;
    const header = request.headers.authorization;
    const offered = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7).trim() : url.searchParams.get('api_key');
    if (offered === null || offered === '') return false;
    const hash = hashKey(offered);
    let match = false;
    for (const key of keyHashes) match = timingSafeEqual(hash, key) || match;
    return match;
  };

  const sendJson = (response: ServerResponse, status: number, value: unknown) => {
    const text = JSON.stringify(value);
    response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    response.end(text);
  };

  /** The request's items, and the chat templates its queries used (for the log line). */
  const parseBody = (path: string, body: unknown): { items: RewardItem[]; templates: string | undefined } => {
    if (path !== '/get_reward') return { items: parseGenericRequest(body), templates: undefined };
    const parsed = parseOpenRlhfRequest(body, scorer.config.template);
    return { items: parsed.items, templates: [...new Set(parsed.templates)].join(',') || undefined };
  };

  const route = async (request: IncomingMessage, response: ServerResponse, url: URL, requestId: string): Promise<number> => {
    const path = url.pathname;
    const method = ROUTES[path];
    if (method === undefined) throw new InvalidRequestError(`Unknown route ${request.method ?? ''} ${path}; the reward server has POST /get_reward, POST /v1/reward, GET /health, GET /metrics.`, { status: 404, code: 'not_found' });
    if (request.method !== method && !(method === 'GET' && request.method === 'HEAD')) {
      response.setHeader('allow', method === 'GET' ? 'GET, HEAD' : method);
      throw new InvalidRequestError(`${request.method ?? ''} is not allowed on ${path}; use ${method}.`, { status: 405, code: 'method_not_allowed' });
    }
    if (path === '/health') {
      response.writeHead(200, { 'content-length': 0 });
      response.end();
      return 200;
    }
    if (path === '/metrics') {
      const text = edge.metrics.render() + scorer.metrics.render();
      response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'content-length': Buffer.byteLength(text) });
      response.end(text);
      return 200;
    }
    if (!authorized(request, url)) throw new InvalidRequestError('Missing or invalid API key: send "Authorization: Bearer <key>" or add ?api_key=<key> to the URL.', { status: 401, code: 'invalid_api_key' });
    // parsed in a function of its own, so neither the body nor the request's other fields stay in this frame while the batch is scored
    const { items, templates } = parseBody(path, await edge.readJsonBody(request, bodyLimit));
    // One controller per request, aborted by a client disconnect, the time limit or shutdown; its timer and
    // listeners go when the request ends (AbortSignal.any + AbortSignal.timeout kept a 170 s timer and the
    // signals alive per request long after the reply).
    const aborter = new AbortController();
    const onClose = () => {
      if (!response.writableFinished) aborter.abort(new Error('client disconnected'));
    };
    const onShutdown = () => {
      aborter.abort(shutdown.signal.reason);
    };
    const timer = setTimeout(() => {
      aborter.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')); // AbortSignal.timeout's reason
    }, requestTimeoutMs);
    response.on('close', onClose);
    if (shutdown.signal.aborted) onShutdown();
    else shutdown.signal.addEventListener('abort', onShutdown, { once: true });
    try {
      const results = await scorer.score(items, aborter.signal);
      const failures = results.reduce((sum, result) => sum + result.judgeFailures, 0);
      logger.info('scored', { requestId, route: path, items: results.length, judgeFailures: failures, templates });
      if (path === '/get_reward') sendJson(response, 200, toOpenRlhfResponse(results));
      else sendJson(response, 200, { object: 'reward.list', results: results.map(toGenericResult) });
      return 200;
    } finally {
      clearTimeout(timer);
      response.off('close', onClose);
      shutdown.signal.removeEventListener('abort', onShutdown);
    }
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const started = performance.now();
    const requestId = ids.requestId();
    response.setHeader('x-request-id', requestId);
    if (closing) response.setHeader('connection', 'close');
    const url = new URL(request.url ?? '/', 'http://localhost');
    const routeLabel = ROUTES[url.pathname] === undefined ? 'unknown' : url.pathname;
    inFlight += 1;
    edge.metrics.requestStarted();
    let status: number;
    try {
      status = await route(request, response, url, requestId);
    } catch (error) {
      const mapped = edge.toErrorResponse(error);
      status = mapped.status;
      edge.metrics.error(mapped.body.error.type);
      if (status >= 500) logger.error('request failed', { requestId, route: routeLabel, error: mapped.body.error.message });
      if (!response.headersSent && !response.destroyed) sendJson(response, status, mapped.body);
      else if (!response.writableEnded) response.destroy();
    }
    edge.metrics.requestFinished(routeLabel, status, (performance.now() - started) / 1000);
    inFlight -= 1;
    if (inFlight === 0 && idle) idle();
  };

  const server = createServer({ keepAliveTimeout: 65_000 }, (request, response) => {
    handle(request, response).catch((error: unknown) => {
      logger.error('unhandled request failure', { error: String(error) });
      if (!response.destroyed) response.destroy();
    });
  });

  return {
    listen: () =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.port ?? 8700, options.host ?? '127.0.0.1', () => {
          server.off('error', reject);
          const address = server.address() as AddressInfo;
          const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
          resolve({ url: `http://${host}:${address.port}`, port: address.port });
        });
      }),
    close: async () => {
      if (closing) return;
      closing = true;
      const closed = new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      });
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
          logger.warn('shutdown grace period over; aborting in-flight reward batches', { inFlight });
          shutdown.abort(new Error('server shutting down'));
          await new Promise<void>((resolve) => {
            idle = resolve;
            setTimeout(resolve, 1000).unref();
          });
        }
      }
      server.closeAllConnections();
      await closed;
    },
  };
}

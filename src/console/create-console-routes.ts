/**
 * The web console as an extra route of `safemed serve` (mounted by the CLI under /console):
 * the bundled pages (no key needed: they hold no data) and the JSON API under /console/api/, behind
 * the same API keys as /v1/* (`Authorization: Bearer`, sent by the browser from sessionStorage —
 * never in a URL). Chat goes to the server's own /v1/chat/completions, so it runs the same guarded path.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../core/logger.js';
import { silentLogger } from '../core/logger.js';
import type { GuardOptions } from '../guard/guard-types.js';
import type { ExtraRoute } from '../serve/create-safemed-server.js';
import { clientError } from '../serve/error-response.js';
import { loadSafetySpec } from '../spec/load-safety-spec.js';
import { createAuditApi } from './create-audit-api.js';
import { createConsoleAssets } from './create-console-assets.js';
import { createPlaygroundApi } from './create-playground-api.js';
import { createReportsApi } from './create-reports-api.js';
import { createReviewApi } from './create-review-api.js';
import { sendJson } from './send-json.js';

export const CONSOLE_PREFIX = '/console';

export interface ConsoleRoutesOptions {
  servedModelName: string;
  /** Whether API keys protect the server (the login form is shown only then). */
  authRequired: boolean;
  /** The bundled browser code (default: <package>/dist/console-web). */
  assetsDir?: string;
  /** The audit trail's SQLite file; undefined = audit off. */
  auditDb?: string;
  /** Folder with eval / red-team run folders; undefined = no reports. */
  runsDir?: string;
  /** The review queue's SQLite file (src/data/review); undefined = no queue. */
  reviewDb?: string;
  /** The guard serve runs, for the playground; undefined = the guard is off (the playground uses the defaults). */
  guard?: GuardOptions;
  guardEnabled: boolean;
  logger?: Logger;
}

export interface ConsoleRoutes extends ExtraRoute {
  /** Closes the review queue and stops the audit reader's thread (not awaited: the thread holds nothing to flush). */
  close(): void;
}

function labels() {
  const spec = loadSafetySpec();
  return {
    dimensions: Object.fromEntries(spec.dimensions.map((dimension) => [dimension.id, { en: dimension.name, zh: dimension.nameZh }])),
    principles: Object.fromEntries(spec.principles.map((principle) => [String(principle.id), { en: principle.title, zh: principle.titleZh }])),
    attacks: Object.fromEntries(spec.attackStrategies.map((strategy) => [strategy.id, { en: strategy.name, zh: strategy.nameZh }])),
  };
}

/**
 * Whether a console API request comes from the console's own pages or a tool, not from another site's
 * page: `Sec-Fetch-Site` (sent by every current browser, set by the browser itself, and untouched by a
 * reverse proxy that rewrites Host) must be `same-origin` or `none` (typed in, a bookmark). Tools send none.
 */
export function fromThisOrigin(request: IncomingMessage): boolean {
  const site = request.headers['sec-fetch-site'];
  return site === undefined || site === 'same-origin' || site === 'none';
}

export function createConsoleRoutes(options: ConsoleRoutesOptions): ConsoleRoutes {
  const logger = options.logger ?? silentLogger;
  const assets = createConsoleAssets(options.assetsDir);
  if (!assets.available) logger.warn('console: browser code not built; /console answers 503 until `npm run build`', { assetsDir: assets.directory });
  const audit = options.auditDb === undefined ? undefined : createAuditApi({ path: options.auditDb });
  const playground = createPlaygroundApi(options.guard === undefined ? {} : { guard: options.guard });
  const reports = createReportsApi(options.runsDir === undefined ? {} : { runsDir: options.runsDir });
  const review = options.reviewDb === undefined ? undefined : createReviewApi({ path: options.reviewDb });
  let labelCache: ReturnType<typeof labels> | undefined;

  const api = async (request: IncomingMessage, response: ServerResponse, route: string, query: URLSearchParams, signal: AbortSignal): Promise<number> => {
    if (route === 'session') {
      labelCache ??= labels();
      return sendJson(response, 200, {
        servedModelName: options.servedModelName,
        authRequired: options.authRequired,
        guard: options.guardEnabled,
        features: { audit: audit !== undefined, reports: options.runsDir !== undefined, review: review !== undefined },
        labels: labelCache,
      });
    }
    if (route === 'audit' || route.startsWith('audit/')) {
      if (!audit) throw clientError(404, 'not_configured', 'The audit trail is off (serve --no-audit).');
      return audit.handle(request, response, route, query);
    }
    if (route === 'playground') return playground(request, response, signal);
    if (route === 'reports' || route.startsWith('reports/')) return reports(request, response, route, query);
    if (route === 'review' || route.startsWith('review/')) {
      if (!review) throw clientError(404, 'not_configured', 'No review queue: start serve with --console-review-db <file>.');
      return review.handle(request, response, route, query, signal);
    }
    throw clientError(404, 'not_found', 'Unknown console route.');
  };

  return {
    prefix: CONSOLE_PREFIX,
    handle: async (request, response, context) => {
      const url = new URL(request.url ?? '/', 'http://console.invalid');
      const subPath = context.path.slice(CONSOLE_PREFIX.length);
      if (subPath === '/api' || subPath.startsWith('/api/')) {
        response.setHeader('x-content-type-options', 'nosniff');
        // A page on another site can make the browser send a GET (an <img>) or a form POST here without a
        // preflight: on a key-less server that was enough to start audit walks over and over. The page
        // never sees the answer, but the work was done. Browsers say where a request comes from.
        if (!fromThisOrigin(request)) {
          throw clientError(403, 'cross_site_request', 'The console API answers only its own pages (this request came from another site).');
        }
        if (!context.authorized) {
          response.setHeader('www-authenticate', 'Bearer realm="safemed"');
          throw clientError(401, 'invalid_api_key', 'Missing or invalid API key: sign in on the console page.');
        }
        return api(request, response, subPath.slice('/api/'.length), url.searchParams, context.signal);
      }
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        response.setHeader('allow', 'GET, HEAD');
        throw clientError(405, 'method_not_allowed', 'Use GET.');
      }
      if (subPath === '') {
        response.writeHead(308, { location: `${CONSOLE_PREFIX}/`, 'content-length': 0 });
        response.end();
        return 308;
      }
      return assets.serve(request, response, subPath);
    },
    close: () => {
      review?.close();
      void audit?.close();
      void reports.close();
    },
  };
}

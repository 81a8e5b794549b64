/**
 * The console's bundled browser code (built by `npm run build` into dist/console-web: index.html and
 * hashed files under assets/), read once into memory with a gzip copy, served with a strict
 * Content-Security-Policy: no inline scripts, no other origins (every asset is bundled, no CDN).
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, relative, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import { resolvePackagePath } from '../core/package-paths.js';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.svg', '.json']);

export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

interface Asset {
  body: Buffer;
  gzip: Buffer | undefined;
  type: string;
}

export interface ConsoleAssets {
  readonly directory: string;
  readonly available: boolean;
  /** Serves `/console/...` (anything that is not a file gets index.html: the pages route in the browser). */
  serve(request: IncomingMessage, response: ServerResponse, subPath: string): number;
}

export function defaultConsoleAssetsDir(): string {
  return resolvePackagePath('dist', 'console-web');
}

function walk(directory: string, files: string[] = []): string[] {
  for (const name of readdirSync(directory)) {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) walk(path, files);
    else files.push(path);
  }
  return files;
}

export function createConsoleAssets(directory = defaultConsoleAssetsDir()): ConsoleAssets {
  const assets = new Map<string, Asset>();
  const available = existsSync(join(directory, 'index.html'));
  if (available) {
    for (const file of walk(directory)) {
      const extension = extname(file);
      const body = readFileSync(file);
      const key = relative(directory, file).split(sep).join('/');
      assets.set(key, { body, gzip: COMPRESSIBLE.has(extension) ? gzipSync(body, { level: 9 }) : undefined, type: CONTENT_TYPES[extension] ?? 'application/octet-stream' });
    }
  }
  const send = (request: IncomingMessage, response: ServerResponse, asset: Asset, cache: string): number => {
    const acceptsGzip = /\bgzip\b/u.test(request.headers['accept-encoding'] ?? '');
    const body = acceptsGzip && asset.gzip ? asset.gzip : asset.body;
    response.writeHead(200, {
      'content-type': asset.type,
      'content-length': body.length,
      'cache-control': cache,
      'content-security-policy': CONSOLE_CSP,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      vary: 'accept-encoding',
      ...(body === asset.gzip ? { 'content-encoding': 'gzip' } : {}),
    });
    response.end(request.method === 'HEAD' ? undefined : body);
    return 200;
  };
  return {
    directory,
    available,
    serve: (request, response, subPath) => {
      if (!available) {
        const text = `The console's browser code is not built (no ${join(directory, 'index.html')}). Run \`npm run build\`.\n`;
        response.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text) });
        response.end(text);
        return 503;
      }
      const key = subPath.replace(/^\/+/u, '');
      const file = key.startsWith('assets/') ? assets.get(key) : undefined;
      if (file) return send(request, response, file, 'public, max-age=31536000, immutable');
      if (key.startsWith('assets/')) {
        const text = 'Not found.\n';
        response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text) });
        response.end(text);
        return 404;
      }
      const index = assets.get('index.html');
      if (!index) throw new Error('index.html disappeared from the console assets');
      return send(request, response, index, 'no-cache');
    },
  };
}

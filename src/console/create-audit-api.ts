/**
 * The console's audit routes over the hash-chained trail of src/audit (opened read/write by SQLite's
 * rules, but only read here, in a thread of their own: create-audit-reader.ts):
 *   GET  api/audit?from&to&action&risk&dimension&model&limit   newest first
 *   GET  api/audit/export?<same filters>                       JSONL download (every match, oldest first)
 *   GET  api/audit/<id>                                        one exchange with verdicts and timings
 *   POST api/audit/verify                                      walks the chain; the first broken record
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { clientError } from '../serve/error-response.js';
import { createAuditReader } from './create-audit-reader.js';
import { ConsoleReadError } from './create-console-thread.js';
import { auditFilterSchema, type AuditFilter } from './filter-audit-records.js';
import { sendJson } from './send-json.js';

export interface AuditApi {
  handle(request: IncomingMessage, response: ServerResponse, route: string, query: URLSearchParams): Promise<number>;
  close(): Promise<void>;
}

function parseFilter(query: URLSearchParams): AuditFilter {
  const result = auditFilterSchema.safeParse(Object.fromEntries(query));
  if (!result.success) {
    const issue = result.error.issues[0];
    const param = issue?.path.join('.') ?? 'query';
    throw clientError(400, 'invalid_filter', `Invalid filter ${param}: ${issue?.message ?? 'bad value'}.`, param);
  }
  return result.data;
}

/** A trail that cannot be read: 404 when there is none yet, else a 500 that says what is wrong and what to run. */
function readFailure(error: unknown, response: ServerResponse, path: string): number {
  if (!(error instanceof ConsoleReadError)) throw error;
  if (error.kind === 'missing') throw clientError(404, 'not_configured', `No audit trail yet at ${path}: it is created by the first request.`);
  return sendJson(response, 500, {
    error: {
      message: `The audit trail cannot be read (${error.message.slice(0, 200)}); run \`safemed audit verify --db ${path}\` to find the damaged records.`,
      type: 'server_error',
      param: null,
      code: 'audit_unreadable',
    },
  });
}

/** Resolves when the response can take more, or is gone. */
function drained(response: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      response.off('drain', done);
      response.off('close', done);
      resolve();
    };
    response.on('drain', done);
    response.on('close', done);
  });
}

/** Streams the export page by page, waiting for the client to take each one (its close ends the export). */
async function sendExport(response: ServerResponse, pages: AsyncGenerator<string>): Promise<number> {
  let first = await pages.next();
  response.writeHead(200, {
    'content-type': 'application/x-ndjson; charset=utf-8',
    'content-disposition': 'attachment; filename="safemed-audit.jsonl"',
    'cache-control': 'no-store',
  });
  try {
    while (!first.done) {
      if (response.destroyed) return 200;
      if (!response.write(first.value)) await drained(response);
      first = await pages.next();
    }
  } catch {
    // headers are out: a record that cannot be read ends the download short (the client sees a cut body)
    response.destroy();
    return 200;
  } finally {
    await pages.return(undefined);
  }
  response.end();
  return 200;
}

export function createAuditApi(options: { path: string }): AuditApi {
  const reader = createAuditReader({ path: options.path });
  return {
    handle: async (request, response, route, query) => {
      try {
        if (route === 'audit' && request.method === 'GET') return sendJson(response, 200, await reader.list(parseFilter(query)));
        if (route === 'audit/export' && request.method === 'GET') return await sendExport(response, reader.export(parseFilter(query)));
        if (route === 'audit/verify' && request.method === 'POST') {
          request.resume();
          return sendJson(response, 200, await reader.verify());
        }
        // any run of digits is a record id (`audit/99999999999999999999` was "Unknown console route.")
        const one = /^audit\/(\d+)$/u.exec(route);
        if (one && request.method === 'GET') {
          const id = Number(one[1]);
          const found = Number.isSafeInteger(id) ? await reader.one(id) : null;
          if (found === null) throw clientError(404, 'not_found', `No audit record #${(one[1] ?? '').slice(0, 20)}.`);
          return sendJson(response, 200, found);
        }
      } catch (error) {
        return readFailure(error, response, options.path);
      }
      throw clientError(404, 'not_found', 'Unknown console route.');
    },
    close: () => reader.close(),
  };
}

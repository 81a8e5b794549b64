/**
 * The console's audit routes over the hash-chained trail of src/audit (opened read/write by SQLite's
 * rules, but only read here):
 *   GET  api/audit?from&to&action&risk&dimension&model&limit   newest first
 *   GET  api/audit/export?<same filters>                       JSONL download (every match, oldest first)
 *   GET  api/audit/<id>                                        one exchange with verdicts and timings
 *   POST api/audit/verify                                      walks the chain; the first broken record
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuditRecord } from '../audit/audit-record.js';
import { openAuditTrail, type AuditTrail } from '../audit/audit-trail.js';
import { ConfigError } from '../core/errors.js';
import { clientError } from '../serve/error-response.js';
import { auditFilterSchema, auditTimings, matchesAuditFilter, summarizeVerdicts, toAuditListItem, type AuditFilter } from './filter-audit-records.js';
import { sendJson } from './send-json.js';

export interface AuditApi {
  handle(request: IncomingMessage, response: ServerResponse, route: string, query: URLSearchParams): number;
  close(): void;
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

export function createAuditApi(options: { path: string }): AuditApi {
  let trail: AuditTrail | undefined;
  const open = (): AuditTrail => {
    try {
      trail ??= openAuditTrail({ path: options.path, mustExist: true });
    } catch (error) {
      if (error instanceof ConfigError) throw clientError(404, 'not_configured', `No audit trail yet at ${options.path}: it is created by the first request.`);
      throw error;
    }
    return trail;
  };
  const matching = function* (filter: AuditFilter): Generator<AuditRecord> {
    for (const record of open().export(filter.from ? { since: filter.from } : {})) if (matchesAuditFilter(record, filter)) yield record;
  };
  return {
    handle: (request, response, route, query) => {
      if (route === 'audit' && request.method === 'GET') {
        const filter = parseFilter(query);
        const items = [];
        let matched = 0;
        for (const record of matching(filter)) {
          matched += 1;
          items.push(toAuditListItem(record));
          if (items.length > filter.limit) items.shift();
        }
        items.reverse();
        return sendJson(response, 200, { records: items, matched, total: open().count() });
      }
      if (route === 'audit/export' && request.method === 'GET') {
        const filter = parseFilter(query);
        const lines: string[] = [];
        for (const record of matching(filter)) lines.push(JSON.stringify(record));
        const body = lines.length === 0 ? '' : `${lines.join('\n')}\n`;
        response.writeHead(200, {
          'content-type': 'application/x-ndjson; charset=utf-8',
          'content-length': Buffer.byteLength(body),
          'content-disposition': 'attachment; filename="safemed-audit.jsonl"',
          'cache-control': 'no-store',
        });
        response.end(body);
        return 200;
      }
      if (route === 'audit/verify' && request.method === 'POST') {
        request.resume();
        return sendJson(response, 200, open().verify());
      }
      const one = /^audit\/(\d{1,15})$/u.exec(route);
      if (one && request.method === 'GET') {
        const id = Number(one[1]);
        for (const record of open().export()) {
          if (record.id !== id) continue;
          return sendJson(response, 200, { record, summary: summarizeVerdicts(record) ?? null, timings: auditTimings(record) });
        }
        throw clientError(404, 'not_found', `No audit record #${String(id)}.`);
      }
      throw clientError(404, 'not_found', 'Unknown console route.');
    },
    close: () => trail?.close(),
  };
}

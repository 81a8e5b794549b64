/**
 * The console's audit reads, in their own thread (started by create-audit-reader.ts). Listing,
 * filtering, finding one record, exporting and verifying the chain all walk the trail, and better-sqlite3
 * reads synchronously: on the server's thread a 100,000-record trail held every client (and /health)
 * 1-2 s per call (probing round 5). Here they hold only this thread. One message at a time, in order.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { AuditRecord } from '../audit/audit-record.js';
import { openAuditTrail, type AuditTrail } from '../audit/audit-trail.js';
import { ConfigError } from '../core/errors.js';
import type { ConsoleThreadReply } from './create-console-thread.js';
import { auditTimings, matchesAuditFilter, summarizeVerdicts, toAuditListItem, type AuditFilter } from './filter-audit-records.js';

export interface AuditReaderData {
  path: string;
}

export type AuditReaderRequest =
  | { id: number; op: 'list'; filter: AuditFilter }
  | { id: number; op: 'one'; recordId: number }
  | { id: number; op: 'verify' }
  /** Starts an export (`next` asks for each following page); `cancel` ends it early. */
  | { id: number; op: 'export'; filter: AuditFilter; pageBytes: number }
  | { id: number; op: 'next' }
  | { id: number; op: 'cancel' };

/** Replies: `{id, ok: true, value}` or, for an export, `{id, ok: true, page, done}`; failures as ConsoleThreadReply. */
export type AuditReaderReply = ConsoleThreadReply;

const { path } = workerData as AuditReaderData;
let trail: AuditTrail | undefined;
/** Exports in progress: each has its own connection (an open iterator keeps its connection busy). */
const exports = new Map<number, { trail: AuditTrail; records: Iterator<AuditRecord>; filter: AuditFilter; pageBytes: number }>();

function open(): AuditTrail {
  trail ??= openAuditTrail({ path, mustExist: true });
  return trail;
}

function post(reply: AuditReaderReply): void {
  parentPort?.postMessage(reply);
}

function fail(id: number, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  post({ id, ok: false, kind: error instanceof ConfigError ? 'missing' : 'damaged', message });
}

function list(filter: AuditFilter): unknown {
  const reader = open();
  const items = [];
  let matched = 0;
  for (const record of reader.export(filter.from ? { since: filter.from } : {})) {
    if (!matchesAuditFilter(record, filter)) continue;
    matched += 1;
    items.push(toAuditListItem(record));
    if (items.length > filter.limit) items.shift();
  }
  items.reverse();
  return { records: items, matched, total: reader.count() };
}

function one(recordId: number): unknown {
  // by primary key: on 100,000 records the walk it replaced took ~1 s (probing round 5)
  const record = open().record(recordId);
  return record === undefined ? null : { record, summary: summarizeVerdicts(record) ?? null, timings: auditTimings(record) };
}

function nextPage(id: number): void {
  const running = exports.get(id);
  if (!running) return;
  const lines: string[] = [];
  let bytes = 0;
  let done = false;
  try {
    while (bytes < running.pageBytes) {
      const next = running.records.next();
      if (next.done) {
        done = true;
        break;
      }
      if (!matchesAuditFilter(next.value, running.filter)) continue;
      const line = `${JSON.stringify(next.value)}\n`;
      lines.push(line);
      bytes += line.length;
    }
  } catch (error) {
    finish(id);
    fail(id, error);
    return;
  }
  if (done) finish(id);
  post({ id, ok: true, page: lines.join(''), done });
}

function finish(id: number): void {
  const running = exports.get(id);
  exports.delete(id);
  running?.records.return?.();
  running?.trail.close();
}

parentPort?.on('message', (request: AuditReaderRequest) => {
  try {
    if (request.op === 'list') post({ id: request.id, ok: true, value: list(request.filter) });
    else if (request.op === 'one') post({ id: request.id, ok: true, value: one(request.recordId) });
    else if (request.op === 'verify') post({ id: request.id, ok: true, value: open().verify() });
    else if (request.op === 'export') {
      const own = openAuditTrail({ path, mustExist: true });
      const records = own.export(request.filter.from ? { since: request.filter.from } : {})[Symbol.iterator]();
      exports.set(request.id, { trail: own, records, filter: request.filter, pageBytes: request.pageBytes });
      nextPage(request.id);
    } else if (request.op === 'next') nextPage(request.id);
    else finish(request.id);
  } catch (error) {
    fail(request.id, error);
  }
});

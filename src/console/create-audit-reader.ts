/**
 * The console's audit reads off the server's event loop: a worker thread (audit-reader-worker.ts) opens
 * the trail and does the walking; this side sends it requests and awaits its replies. At most
 * MAX_WAITING reads wait or run at once (beyond that the console answers 503 at once), so a client
 * that keeps asking cannot queue unbounded work. The thread starts with the first read and does not
 * keep the process alive.
 */
import { Worker } from 'node:worker_threads';
import type { AuditVerifyResult } from '../audit/audit-record.js';
import { workerEntry } from '../core/worker-entry.js';
import { clientError } from '../serve/error-response.js';
import type { AuditReaderData, AuditReaderFailureKind, AuditReaderReply, AuditReaderRequest } from './audit-reader-worker.js';
import type { AuditFilter } from './filter-audit-records.js';

/** Reads waiting for or running in the thread (an export counts until its last page) beyond which the console is busy. */
export const MAX_WAITING_AUDIT_READS = 8;
/** Bytes of JSON lines per export page (one message from the thread; the next is asked for once the client took it). */
const EXPORT_PAGE_BYTES = 256 * 1024;

/** The trail cannot be read: `missing` (no file yet) or `damaged` (SQLite or a record's JSON). */
export class AuditReadError extends Error {
  constructor(readonly kind: AuditReaderFailureKind, message: string) {
    super(message);
  }
}

export interface AuditReader {
  list(filter: AuditFilter): Promise<unknown>;
  one(recordId: number): Promise<unknown>;
  verify(): Promise<AuditVerifyResult>;
  /** The matching records as JSON lines, page by page (returning early ends the export in the thread). */
  export(filter: AuditFilter): AsyncGenerator<string>;
  close(): Promise<void>;
}

type Waiter = { resolve: (reply: AuditReaderReply) => void; reject: (error: Error) => void };

export function createAuditReader(options: { path: string }): AuditReader {
  let worker: Worker | undefined;
  const waiting = new Map<number, Waiter>();
  let nextId = 1;
  let reads = 0;

  const start = (): Worker => {
    if (worker) return worker;
    const { entry, eval: evaluated } = workerEntry(import.meta.url, 'audit-reader-worker');
    const started = new Worker(entry, { eval: evaluated, workerData: { path: options.path } satisfies AuditReaderData });
    started.unref();
    started.on('message', (reply: AuditReaderReply) => {
      const waiter = waiting.get(reply.id);
      waiting.delete(reply.id);
      waiter?.resolve(reply);
    });
    const failAll = (error: Error) => {
      if (worker === started) worker = undefined;
      for (const waiter of waiting.values()) waiter.reject(error);
      waiting.clear();
    };
    started.on('error', failAll);
    started.on('exit', () => { failAll(new Error('The console audit reader stopped.')); });
    worker = started;
    return started;
  };

  /** Sends one request and awaits its reply (a failure reply becomes an AuditReadError). */
  const ask = (request: AuditReaderRequest): Promise<AuditReaderReply & { ok: true }> =>
    new Promise<AuditReaderReply>((resolve, reject) => {
      waiting.set(request.id, { resolve, reject });
      start().postMessage(request);
    }).then((reply) => {
      if (!reply.ok) throw new AuditReadError(reply.kind, reply.message);
      return reply;
    });

  /** Counts a read against the bound for as long as `run` lasts. */
  const admit = async <T>(run: () => Promise<T>): Promise<T> => {
    if (reads >= MAX_WAITING_AUDIT_READS) {
      throw clientError(503, 'console_busy', `The console is already reading the audit trail ${MAX_WAITING_AUDIT_READS} times; try again when those are done.`);
    }
    reads += 1;
    try {
      return await run();
    } finally {
      reads -= 1;
    }
  };

  const value = async (request: AuditReaderRequest): Promise<unknown> => {
    const reply = await ask(request);
    return 'value' in reply ? reply.value : undefined;
  };

  return {
    list: (filter) => admit(() => value({ id: nextId++, op: 'list', filter })),
    one: (recordId) => admit(() => value({ id: nextId++, op: 'one', recordId })),
    verify: () => admit(() => value({ id: nextId++, op: 'verify' }) as Promise<AuditVerifyResult>),
    export: async function* (filter) {
      if (reads >= MAX_WAITING_AUDIT_READS) {
        throw clientError(503, 'console_busy', `The console is already reading the audit trail ${MAX_WAITING_AUDIT_READS} times; try again when those are done.`);
      }
      reads += 1;
      const id = nextId++;
      let finished = false;
      try {
        let reply = await ask({ id, op: 'export', filter, pageBytes: EXPORT_PAGE_BYTES });
        for (;;) {
          if (!('page' in reply)) return;
          if (reply.done) finished = true;
          if (reply.page !== '') yield reply.page;
          if (finished) return;
          reply = await ask({ id, op: 'next' });
        }
      } finally {
        reads -= 1;
        if (!finished) worker?.postMessage({ id, op: 'cancel' } satisfies AuditReaderRequest);
      }
    },
    close: async () => {
      const running = worker;
      worker = undefined;
      await running?.terminate();
    },
  };
}

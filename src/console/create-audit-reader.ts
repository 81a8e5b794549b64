/**
 * The console's audit reads off the server's event loop: a console thread (create-console-thread.ts)
 * runs audit-reader-worker.ts, which opens the trail and does the walking; this side sends it requests
 * and awaits its replies (at most MAX_CONSOLE_READS at once, 503 `console_busy` beyond).
 */
import type { AuditVerifyResult } from '../audit/audit-record.js';
import type { AuditReaderData, AuditReaderRequest } from './audit-reader-worker.js';
import { createConsoleThread } from './create-console-thread.js';
import type { AuditFilter } from './filter-audit-records.js';

/** Bytes of JSON lines per export page (one message from the thread; the next is asked for once the client took it). */
const EXPORT_PAGE_BYTES = 256 * 1024;

export interface AuditReader {
  list(filter: AuditFilter): Promise<unknown>;
  one(recordId: number): Promise<unknown>;
  verify(): Promise<AuditVerifyResult>;
  /** The matching records as JSON lines, page by page (returning early ends the export in the thread). */
  export(filter: AuditFilter): AsyncGenerator<string>;
  close(): Promise<void>;
}

export function createAuditReader(options: { path: string }): AuditReader {
  const thread = createConsoleThread('audit-reader-worker', { path: options.path } satisfies AuditReaderData, 'audit trail');
  const value = async (request: AuditReaderRequest): Promise<unknown> => (await thread.ask(request)).value;
  return {
    list: (filter) => thread.admit(() => value({ id: thread.nextId(), op: 'list', filter })),
    one: (recordId) => thread.admit(() => value({ id: thread.nextId(), op: 'one', recordId })),
    verify: () => thread.admit(() => value({ id: thread.nextId(), op: 'verify' }) as Promise<AuditVerifyResult>),
    export: async function* (filter) {
      const release = thread.enter();
      const id = thread.nextId();
      let finished = false;
      try {
        let reply = await thread.ask({ id, op: 'export', filter, pageBytes: EXPORT_PAGE_BYTES } satisfies AuditReaderRequest);
        for (;;) {
          if (reply.done === true) finished = true;
          if (typeof reply.page === 'string' && reply.page !== '') yield reply.page;
          if (finished) return;
          reply = await thread.ask({ id, op: 'next' } satisfies AuditReaderRequest);
        }
      } finally {
        release();
        if (!finished) thread.tell({ id, op: 'cancel' } satisfies AuditReaderRequest);
      }
    },
    close: () => thread.close(),
  };
}

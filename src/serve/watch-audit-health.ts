import type { AuditWriter } from '../audit/create-audit-writer.js';
import type { Logger } from '../core/logger.js';

/** What `GET /health` answers. */
export interface Health {
  status: number;
  headers: Record<string, string | number>;
  body: string;
}

export const HEALTHY: Health = { status: 200, headers: { 'content-length': 0 }, body: '' };

const AUDIT_FAILING_BODY = JSON.stringify({
  error: {
    message: 'The audit trail cannot write, so every answer is withheld until it can (the cause is in the server log).',
    type: 'server_error',
    param: null,
    code: 'audit_unavailable',
  },
});
const AUDIT_FAILING: Health = {
  status: 503,
  headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(AUDIT_FAILING_BODY) },
  body: AUDIT_FAILING_BODY,
};

/** The audit writer the server uses, and whether its last write failed. */
export interface WatchedAudit {
  writer: AuditWriter;
  /** The cause of the last failed write while no write has succeeded since; undefined when the trail is writing. */
  failing(): string | undefined;
  /** 503 while `failing`, else 200. */
  health(): Health;
}

/**
 * Watches the audit trail's writes. Every exchange waits for its record, so while the trail cannot write
 * (its disk is full, its database was deleted or replaced…) every answer is withheld with a 503. Then
 * `/health` says so too — a load balancer stops sending traffic to a server that cannot answer — and one
 * log line says when it starts and when it ends (each failed request is logged on its own as well).
 */
export function watchAuditHealth(writer: AuditWriter, logger: Logger): WatchedAudit {
  let failure: string | undefined;
  const succeeded = () => {
    if (failure === undefined) return;
    failure = undefined;
    logger.info('audit trail writing again: answers resume');
  };
  const failed = (error: unknown) => {
    const cause = error instanceof Error ? error.message : String(error);
    if (failure === undefined) {
      logger.error('audit trail cannot write: every answer is withheld (503) and /health reports 503 until it can', {
        cause,
        fix: 'free space on the disk that holds the audit database, or check that the file is still there and writable (restart the server if it was deleted or replaced)',
      });
    }
    failure = cause;
  };
  const watch = (write: Promise<void>): Promise<void> => {
    write.then(succeeded, failed);
    return write;
  };
  return {
    writer: {
      begin: (entry) => watch(writer.begin(entry)),
      complete: (outcome) => watch(writer.complete(outcome)),
      close: () => writer.close(),
    },
    failing: () => failure,
    health: () => (failure === undefined ? HEALTHY : AUDIT_FAILING),
  };
}
